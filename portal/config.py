"""Settings. Everything can be overridden from the environment."""
import os
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"

# Languages the portal ships, each named in its own language for the switcher.
LANGUAGES = {
    "en": "English",
    "es": "Español",
    "zh": "中文（简体）",
    "vi": "Tiếng Việt",
    "ar": "العربية",
    "so": "Soomaali",
    "ht": "Kreyòl ayisyen",
    "pt": "Português",
    "ru": "Русский",
    "ko": "한국어",
    "fr": "Français",
    "uk": "Українська",
    "fa-AF": "دری",
    "fil": "Tagalog",
    "sw": "Kiswahili",
}
RTL_LANGUAGES = {"ar", "fa-AF"}
# `lang` attribute values where the code alone is not precise enough.
HTML_LANGUAGE_TAGS = {"zh": "zh-Hans"}

# Languages a school may offer interpreters for: the shipped ones and other
# languages common in US school districts.
INTERPRETER_LANGUAGES = list(LANGUAGES) + ["fa", "ps", "ne", "am", "my", "hi", "ur", "bn", "pa", "ja"]


def _database_url():
    url = os.environ.get("DATABASE_URL")
    if url:
        # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix):]
        return url
    INSTANCE_DIR.mkdir(exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'portal.db'}"


# Public, so good only for debug and tests: create_app refuses it otherwise.
DEVELOPMENT_SECRET_KEY = "dev-only-change-me"


def rate_limit_storage_warning(config, workers):
    """What to say when several worker processes would each keep their own
    rate-limit counts in memory, else None."""
    if workers > 1 and config.RATELIMIT_ENABLED and config.RATELIMIT_STORAGE_URI.startswith("memory://"):
        return (f"Rate limits are kept in memory (RATELIMIT_STORAGE_URI=memory://) and {workers} workers serve "
                f"the portal: each worker counts apart, so every limit is up to {workers} times looser. "
                "Set RATELIMIT_STORAGE_URI=redis://HOST:6379 so that all workers share the counts.")
    return None


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    PORTAL_LANGUAGES = LANGUAGES
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent.parent / "translations")
    DEFAULT_SCHOOL_NAME = os.environ.get("DEFAULT_SCHOOL_NAME", "Lincoln Elementary School")
    DEFAULT_SCHOOL_SLUG = os.environ.get("DEFAULT_SCHOOL_SLUG", "lincoln")
    DEFAULT_SCHOOL_TIMEZONE = os.environ.get("DEFAULT_SCHOOL_TIMEZONE", "America/Chicago")
    DEFAULT_SCHOOL_LANGUAGE = os.environ.get("DEFAULT_SCHOOL_LANGUAGE", "en")
    # ISO 3166 code of the school's country: phone numbers without a country
    # code are read as its numbers.
    DEFAULT_SCHOOL_COUNTRY = os.environ.get("DEFAULT_SCHOOL_COUNTRY", "US").upper()
    # Countries text messages may go to, e.g. "US CA MX"; empty means only the
    # school's own country. Texts abroad cost more and are what SMS pumping
    # abuses; families with other numbers can use email.
    SMS_ALLOWED_COUNTRIES = os.environ.get("SMS_ALLOWED_COUNTRIES", "")
    # The short name that starts text messages (at most 30 characters); empty: the full name.
    DEFAULT_SCHOOL_SMS_NAME = os.environ.get("DEFAULT_SCHOOL_SMS_NAME", "")
    LANGUAGE_COOKIE = "lang"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Behind HTTPS (a https:// PUBLIC_BASE_URL) cookies travel only over HTTPS.
    SESSION_COOKIE_SECURE = os.environ.get(
        "SESSION_COOKIE_SECURE",
        "1" if os.environ.get("PUBLIC_BASE_URL", "").startswith("https://") else "0",
    ) == "1"
    WTF_CSRF_TIME_LIMIT = None  # a family may leave the form open for a while
    MAX_CONTENT_LENGTH = 64 * 1024
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") == "1"  # 0 only for load tests
    PUBLIC_POST_RATE_LIMIT = os.environ.get("PUBLIC_POST_RATE_LIMIT", "30 per minute")
    # Registrations one network may make (see "Against booking out" in the
    # README for how these numbers were chosen). A network is an IPv4 address
    # or an IPv6 /64.
    REGISTRATIONS_PER_EVENT_LIMIT = os.environ.get("REGISTRATIONS_PER_EVENT_LIMIT", "6 per hour")
    REGISTRATIONS_PER_SCHOOL_LIMIT = os.environ.get("REGISTRATIONS_PER_SCHOOL_LIMIT", "30 per hour")
    # The school's own networks (its guest Wi-Fi), as CIDRs separated by
    # spaces or commas: many families register from them together at events.
    SCHOOL_NETWORKS = os.environ.get("SCHOOL_NETWORKS", "")
    SCHOOL_NETWORK_PER_EVENT_LIMIT = os.environ.get("SCHOOL_NETWORK_PER_EVENT_LIMIT", "150 per hour")
    SCHOOL_NETWORK_PER_SCHOOL_LIMIT = os.environ.get("SCHOOL_NETWORK_PER_SCHOOL_LIMIT", "600 per hour")
    # Seconds a person needs at least to fill the registration form; a
    # program sends it within a second of opening it. 0 turns the check off.
    MIN_FORM_SECONDS = float(os.environ.get("MIN_FORM_SECONDS", "3"))
    # Registrations from one network within this many minutes, and how many
    # of them, that the organizer's dashboard shows as a burst.
    BURST_MINUTES = int(os.environ.get("BURST_MINUTES", "10"))
    BURST_SIZE = int(os.environ.get("BURST_SIZE", "4"))
    SQLITE_BUSY_TIMEOUT_MS = 15000
    # Set on every PostgreSQL connection; empty to keep the server's setting.
    POSTGRES_RANDOM_PAGE_COST = os.environ.get("POSTGRES_RANDOM_PAGE_COST", "1.1")
    # Seconds the event list and event pages are kept rendered (see page_cache.py).
    PUBLIC_PAGE_CACHE_SECONDS = float(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "5"))
    # Proxies (load balancers) in front of the portal whose X-Forwarded-For
    # and X-Forwarded-Proto headers are trusted.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # Messages to families: links in them point here.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    MAIL_FROM = os.environ.get("MAIL_FROM", "events@school.example")
    SMTP_HOST = os.environ.get("SMTP_HOST")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD")
    SMTP_SECURITY = os.environ.get("SMTP_SECURITY", "starttls")  # starttls, ssl or none
    TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID")
    TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN")
    TWILIO_FROM = os.environ.get("TWILIO_FROM")  # a number, or a Messaging Service SID (MG...)
    TWILIO_API_BASE = os.environ.get("TWILIO_API_BASE", "https://api.twilio.com")
    # Families' details are kept this long after an event ends (flask anonymize-old).
    RETENTION_DAYS = int(os.environ.get("RETENTION_DAYS", "365"))
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
    PERMANENT_SESSION_LIFETIME = timedelta(hours=10)  # a school day, then sign in again
    STAFF_IDLE_MINUTES = int(os.environ.get("STAFF_IDLE_MINUTES", "120"))


class TestConfig(Config):
    TESTING = True
    PUBLIC_PAGE_CACHE_SECONDS = 0
    SECRET_KEY = "test"
    RATELIMIT_ENABLED = False
    MIN_FORM_SECONDS = 0
    SQLALCHEMY_DATABASE_URI = "sqlite://"
