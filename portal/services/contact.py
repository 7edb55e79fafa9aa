"""Normalizing what a family types as contact details."""
import unicodedata
from functools import cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email

# The country whose numbers may be typed without a country code, unless the
# school says otherwise (School.country).
DEFAULT_REGION = "US"
PHONE_MAX_LENGTH = 40


def parse_phone(text, region=DEFAULT_REGION):
    """The number typed, parsed as a number of `region` unless it starts with
    a country code, or None when it is not a valid phone number. Digits in
    any script count; spaces, dots, dashes and brackets are ignored."""
    text = (text or "").strip()
    if not text or len(text) > PHONE_MAX_LENGTH:
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if number.extension or not phonenumbers.is_valid_number(number):
        return None
    return number


def normalize_phone(text, region=DEFAULT_REGION):
    """'(612) 555-0123' -> '+16125550123', '+52 55 1234 5678' ->
    '+525512345678' (E.164, as stored and as SMS providers want it); None
    when the text is not a valid phone number."""
    number = parse_phone(text, region)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else None


def phone_country(phone):
    """'+16125550123' -> 'US'; None when the number is not valid."""
    number = parse_phone(phone)
    return phonenumbers.region_code_for_number(number) if number else None


def sms_countries(school_country, allowed_setting):
    """The countries text messages may go to: the setting ('US CA MX'), or
    the school's own country when it is empty."""
    allowed = [code.upper() for code in (allowed_setting or "").replace(",", " ").split()]
    return allowed or [school_country or DEFAULT_REGION]


def may_text(phone, school_country, allowed_setting):
    """Whether text messages may go to this number: only to the countries
    of `sms_countries`, since texts abroad cost more and are what SMS
    pumping fraud runs up."""
    return phone_country(phone) in sms_countries(school_country, allowed_setting)


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
    'José Núñez' -> 'jose nunez', 'Nguyễn' -> 'nguyen', 'فاطِمة' -> 'فاطمة';
    other scripts are kept as they are, case-folded."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().replace("đ", "d").split())


@cache
def search_marks_class():
    """The marks search_key drops (every character with a combining class),
    as the body of a JavaScript regular-expression class (`u` flag): the
    front desk's page folds what is typed with it, offline too, so that it
    finds the families the server finds."""
    spans, start = [], None
    for point in range(0x110000 + 1):
        marked = point < 0x110000 and unicodedata.combining(chr(point)) != 0
        if marked and start is None:
            start = point
        elif not marked and start is not None:
            last = point - 1
            spans.append(f"\\u{{{start:x}}}" + (f"-\\u{{{last:x}}}" if last > start else ""))
            start = None
    return "".join(spans)


def display_phone(phone, region=DEFAULT_REGION):
    """'+16125550123' -> '(612) 555-0123' for a number of the school's
    country, '+52 55 1234 5678' for others; anything else as stored."""
    number = parse_phone(phone) if phone and phone.startswith("+") else None
    if number is None:
        return phone or ""
    same_country = phonenumbers.region_code_for_number(number) == region
    style = phonenumbers.PhoneNumberFormat.NATIONAL if same_country else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)
