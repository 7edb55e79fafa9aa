"""Every shipped language is complete: no empty or fuzzy entry, the same
placeholders as the English text, and every string in the code extracted."""
import gettext
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.config import LANGUAGES
from portal.i18n import babel_locale

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
TRANSLATED = [code for code in LANGUAGES if code != "en"]


def catalog(language):
    with open(ROOT / "translations" / babel_locale(language) / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=babel_locale(language))


def entries(language):
    return [message for message in catalog(language) if message.id]


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalog_is_complete_and_not_fuzzy(language):
    problems = []
    for message in entries(language):
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(strings):
            problems.append(f"empty: {message.id!r}")
    assert problems == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_match_the_english_text(language):
    problems = []
    for message in entries(language):
        ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if string and set(PLACEHOLDER.findall(string)) != expected:
                problems.append(f"{ids[0]!r} -> {string!r}")
    assert problems == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_entries_have_every_form(language):
    cat = catalog(language)
    for message in entries(language):
        if message.pluralizable:
            assert len(message.string) == cat.num_plurals, message.id


def test_catalogs_hold_every_string_in_the_code(tmp_path):
    """A string marked in the code but never extracted would show in English."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "--no-location", "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with open(pot, "rb") as handle:
        in_code = {message.id if isinstance(message.id, str) else message.id[0]
                   for message in read_po(handle) if message.id}
    for language in TRANSLATED:
        in_catalog = {message.id if isinstance(message.id, str) else message.id[0]
                      for message in entries(language)}
        assert in_code - in_catalog == set(), f"{language}: run `make messages` and translate"


# A button whose accessible name names the family must still contain the
# words on the button (WCAG 2.5.3, "label in name"), in every language.
LABEL_IN_NAME = [("Check in", "Check in %(name)s"), ("Undo check-in", "Undo check-in of %(name)s"),
                 ("Admit", "Admit %(name)s")]


@pytest.mark.parametrize("language", TRANSLATED)
def test_button_names_contain_the_button_text(language):
    cat = catalog(language)
    for visible, accessible in LABEL_IN_NAME:
        assert cat.get(visible).string.lower() in cat.get(accessible).string.lower(), (visible, language)


def test_every_catalog_is_a_shipped_language_and_every_shipped_language_has_one():
    folders = {po.parent.parent.name for po in ROOT.glob("translations/*/LC_MESSAGES/messages.po")}
    assert folders == {babel_locale(code) for code in TRANSLATED}


# Which plural form each count takes, as CLDR and gettext count them:
# Persian nouns do not change after a number; Filipino's "one" covers 1, 2, 3
# and every number not ending in 4, 6 or 9; French counts 0 as one.
PLURAL_FORM_OF = {
    "fr": {0: 0, 1: 0, 2: 1, 10: 1},
    "uk": {1: 0, 2: 1, 4: 1, 5: 2, 11: 2, 12: 2, 21: 0, 22: 1, 25: 2},
    "fa-AF": {0: 0, 1: 0, 2: 0, 7: 0},
    "fil": {1: 0, 2: 0, 3: 0, 4: 1, 5: 0, 6: 1, 9: 1, 10: 0, 14: 1},
    "sw": {0: 1, 1: 0, 2: 1},
}


@pytest.mark.parametrize("language", PLURAL_FORM_OF)
def test_plural_forms_header_picks_the_language_s_form_for_each_count(language):
    cat = catalog(language)
    form_of = gettext.c2py(cat.plural_expr)
    assert {n: form_of(n) for n in PLURAL_FORM_OF[language]} == PLURAL_FORM_OF[language]
    assert cat.num_plurals == max(PLURAL_FORM_OF[language].values()) + 1
