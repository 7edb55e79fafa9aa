"""The portal's own locale data, for languages whose Babel (CLDR) data is
missing or wrong for families.

Babel has almost no Haitian Creole data: it inherits French, so dates and
language names would read "samedi 5 décembre". Korean's abbreviated day
period is the Latin "AM"/"PM". These entries are merged over Babel's data,
so every Babel function (dates, intervals, language names, lists) uses them.
"""

HAITIAN_CREOLE = {
    # Babel numbers week days from Monday = 0.
    "days": dict(enumerate(["lendi", "madi", "mèkredi", "jedi", "vandredi", "samdi", "dimanch"])),
    "months": dict(enumerate(["janvye", "fevriye", "mas", "avril", "me", "jen", "jiyè", "out",
                              "septanm", "oktòb", "novanm", "desanm"], start=1)),
    "languages": {
        "en": "angle", "es": "panyòl", "zh": "chinwa", "vi": "vyetnamyen", "ar": "arab", "so": "somali",
        "ht": "kreyòl ayisyen", "pt": "pòtigè", "ru": "ris", "ko": "koreyen", "fr": "franse",
        "tl": "tagalòg", "fil": "filipino", "uk": "ukrenyen", "fa": "pèsan", "prs": "dari", "ps": "pachto",
        "ne": "nepali", "am": "amarik", "sw": "swahili", "my": "birman", "hi": "endi", "ur": "oudou",
        "bn": "bengali", "pa": "pendjabi", "ja": "japonè",
    },
    "list_patterns": {"start": "{0}, {1}", "middle": "{0}, {1}", "end": "{0} ak {1}", "2": "{0} ak {1}"},
    # French joins a date and a time with "à".
    "datetime_formats": {"full": "{1}, {0}", "long": "{1}, {0}", "medium": "{1}, {0}", "short": "{1} {0}"},
}

KOREAN = {"day_periods": {"am": "오전", "pm": "오후"}}


def _set_names(data, key, names):
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated", "short"):
            data[key].setdefault(context, {})[width] = dict(names)


def supplement(language, data):
    """Merge the portal's data for `language` into a copy of Babel's `data`."""
    if language == "ht":
        _set_names(data, "days", HAITIAN_CREOLE["days"])
        _set_names(data, "months", HAITIAN_CREOLE["months"])
        data["languages"] = {**data["languages"], **HAITIAN_CREOLE["languages"]}
        data["list_patterns"] = {**data["list_patterns"], "standard": HAITIAN_CREOLE["list_patterns"]}
        data["datetime_formats"] = dict(HAITIAN_CREOLE["datetime_formats"])
    elif language == "ko":
        for context in ("format", "stand-alone"):
            for width in ("abbreviated", "wide", "narrow"):
                periods = data["day_periods"].setdefault(context, {}).setdefault(width, {})
                periods.update(KOREAN["day_periods"])
    elif language == "vi":
        # Vietnamese writes "tiếng Anh" mid-sentence; CLDR capitalizes it for lists.
        data["languages"] = {code: name[:1].lower() + name[1:] if name.startswith("Tiếng") else name
                             for code, name in data["languages"].items()}
    return data


SUPPLEMENTED = {"ht", "ko", "vi"}
