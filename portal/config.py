"""Settings. Everything can be overridden from the environment."""
import os
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"

# Languages the portal ships, each named in its own language for the switcher.
LANGUAGES = {
    "en": "English",
    "es": "Español",
    "zh": "中文(简体)",
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


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    PORTAL_LANGUAGES = LANGUAGES
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent.parent / "translations")
    DEFAULT_SCHOOL_NAME = os.environ.get("DEFAULT_SCHOOL_NAME", "Lincoln Elementary School")
    DEFAULT_SCHOOL_SLUG = os.environ.get("DEFAULT_SCHOOL_SLUG", "lincoln")
    DEFAULT_SCHOOL_TIMEZONE = os.environ.get("DEFAULT_SCHOOL_TIMEZONE", "America/Chicago")
    DEFAULT_SCHOOL_LANGUAGE = os.environ.get("DEFAULT_SCHOOL_LANGUAGE", "en")
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
    SQLALCHEMY_DATABASE_URI = "sqlite://"
