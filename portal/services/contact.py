"""Normalizing what a family types as contact details."""
import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

PHONE_ALLOWED = re.compile(r"^\+?[\d\s().\-]+$")
PHONE_MIN_DIGITS = 7
PHONE_MAX_DIGITS = 15  # E.164


# Numbers written without a country code are taken to be in this one (the
# North American plan: ten digits), so that "612 555 0123" and
# "+1 612-555-0123" are the same family, and SMS providers get E.164.
DEFAULT_COUNTRY_CODE = "1"
NATIONAL_LENGTH = 10


def normalize_phone(text):
    """'(612) 555-0123' -> '+16125550123', '1 612 555 0123' -> '+16125550123',
    '+52 55 1234 5678' -> '+525512345678'. Digits in any script count
    (Arabic-Indic digits become 0-9). Returns None when the text cannot be a
    phone number."""
    text = (text or "").strip()
    if not text:
        return None
    if not PHONE_ALLOWED.match(text):
        return None
    digits = "".join(str(int(ch)) for ch in text if ch.isdecimal())
    if not PHONE_MIN_DIGITS <= len(digits) <= PHONE_MAX_DIGITS:
        return None
    if text.startswith("+"):
        return "+" + digits
    if len(digits) == NATIONAL_LENGTH:
        return f"+{DEFAULT_COUNTRY_CODE}{digits}"
    if len(digits) == NATIONAL_LENGTH + len(DEFAULT_COUNTRY_CODE) and digits.startswith(DEFAULT_COUNTRY_CODE):
        return "+" + digits
    return digits


def phone_last_digits(phone):
    return phone[-4:] if phone else ""


def normalize_email(text):
    """The address lower-cased, or None when it is not one valid address
    (email-validator's rules: 'bob,eve@example.org' is refused, never read
    as two recipients). Nothing is looked up on the network."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        address = validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return None
    return address.lower() if len(address) <= 254 else None


def search_key(text):
    """Case- and accent-free form of a name, for searching in any script:
    'José Núñez' -> 'jose nunez', 'Nguyễn' -> 'nguyen'; other scripts are
    kept as they are, case-folded."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().replace("đ", "d").split())


def display_phone(phone):
    """'+16125550123' -> '(612) 555-0123'; other numbers as stored."""
    if not phone:
        return ""
    national = phone[1 + len(DEFAULT_COUNTRY_CODE):]
    if phone.startswith("+" + DEFAULT_COUNTRY_CODE) and len(national) == NATIONAL_LENGTH:
        return f"({national[:3]}) {national[3:6]}-{national[6:]}"
    return phone
