import hashlib
import secrets

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read aloud or typed from a screen
# should not be mistaken.
CHECKIN_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CHECKIN_CODE_LENGTH = 6


def new_manage_token():
    return secrets.token_urlsafe(16)  # 128 random bits


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_checkin_code():
    return "".join(secrets.choice(CHECKIN_ALPHABET) for _ in range(CHECKIN_CODE_LENGTH))


def normalize_checkin_code(text):
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())
