"""Normalizing what a family types as contact details."""
import re
import unicodedata

PHONE_ALLOWED = re.compile(r"^\+?[\d\s().\-]+$")
PHONE_MIN_DIGITS = 7
PHONE_MAX_DIGITS = 15  # E.164


def normalize_phone(text):
    """'(555) 201-3344' -> '5552013344', '+1 555 201 3344' -> '+15552013344'.
    Digits in any script count (Arabic-Indic digits become 0-9).
    Returns None when the text cannot be a phone number."""
    text = (text or "").strip()
    if not text:
        return None
    if not PHONE_ALLOWED.match(text):
        return None
    digits = "".join(str(int(ch)) for ch in text if ch.isdigit())
    if not PHONE_MIN_DIGITS <= len(digits) <= PHONE_MAX_DIGITS:
        return None
    return ("+" if text.startswith("+") else "") + digits


def phone_last_digits(phone):
    return phone[-4:] if phone else ""


def normalize_email(text):
    text = (text or "").strip()
    return text.lower() or None


def search_key(text):
    """Case- and accent-free form of a name, for searching in any script:
    'José Núñez' -> 'jose nunez', 'Nguyễn' -> 'nguyen'; other scripts are
    kept as they are, case-folded."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().replace("đ", "d").split())
