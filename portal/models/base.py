from datetime import datetime, timezone


def utcnow():
    """Naive UTC: every timestamp is stored in UTC and shown in the school's zone."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
