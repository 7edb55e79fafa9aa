"""Every shipped language is complete: no empty or fuzzy entry, the same
placeholders as the English text, and every string in the code extracted."""
import gettext
import re
import subprocess
import sys
from gettext import c2py
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po

from portal.config import LANGUAGES
from portal.i18n import babel_code

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
TRANSLATED = [code for code in LANGUAGES if code != "en"]
# Plural forms that may leave the number out because the word says it
# (Arabic "طفل واحد", "طفلان", "بقي مكانان"): language -> form indexes.
NUMBER_IN_THE_WORD = {"ar": {0, 1, 2}}


def catalog(language):
    with open(ROOT / "translations" / babel_code(language) / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=babel_code(language))


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
        for form, string in enumerate(strings):
            found = set(PLACEHOLDER.findall(string))
            may_omit_number = message.pluralizable and form in NUMBER_IN_THE_WORD.get(language, ())
            if string and found != expected and not (may_omit_number and found == expected - {"num"}):
                problems.append(f"{ids[0]!r} -> {string!r}")
    assert problems == []


def placeholder_problems(language, msgid, forms):
    """The placeholder check above, for one made-up entry."""
    message = Message(msgid, forms)
    expected = set(PLACEHOLDER.findall(msgid[-1]))
    return [form for form, string in enumerate(forms)
            if set(PLACEHOLDER.findall(string)) != expected
            and not (form in NUMBER_IN_THE_WORD.get(language, ()) and message.pluralizable
                     and set(PLACEHOLDER.findall(string)) == expected - {"num"})]


def test_arabic_may_say_one_and_two_in_the_word_but_not_three():
    msgid = ("%(num)d child", "%(num)d children")
    natural = ["لا أطفال", "طفل واحد", "طفلان", "%(num)d أطفال", "%(num)d طفل", "%(num)d طفلًا"]
    assert placeholder_problems("ar", msgid, natural) == []
    assert placeholder_problems("ar", msgid, natural[:3] + ["أطفال", "%(num)d طفل", "طفلًا"]) == [3, 5]
    # every other language keeps the number in every form
    assert placeholder_problems("es", msgid, ["un niño", "%(num)d niños"]) == [0]


def test_arabic_catalog_says_small_numbers_in_the_word():
    cat = catalog("ar")
    assert cat.get(("%(num)d child", "%(num)d children")).string[1:3] == ("طفل واحد", "طفلان")
    assert "بقي مكانان" in cat.get(("%(num)d place left", "%(num)d places left")).string


def test_arabic_header_documents_the_order_of_its_plural_forms():
    """Babel's Arabic formula puts 100-102 before 11-99, unlike what common
    translation tools label: the catalog header says which form is which."""
    plural = c2py(catalog("ar").plural_expr)
    assert [plural(n) for n in (0, 1, 2, 5, 101, 11)] == [0, 1, 2, 3, 4, 5]
    text = (ROOT / "translations" / "ar" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert "msgstr[4] other: 100-102" in text and "msgstr[5] many: 11-99" in text


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
         "-k", "_l", "-k", "lazy_gettext", "-k", "_p:1c,2", "-k", "lazy_pgettext:1c,2", "-o", str(pot), "--no-location", "."],
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
    assert folders == {babel_code(code) for code in TRANSLATED}


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
