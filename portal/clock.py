"""Time, in one place. Every moment is stored as naive UTC; a school reads
it in its own timezone, and "today" is the school's day, not the server's."""
from datetime import datetime, time, timedelta, timezone


def utcnow():
    """Now, as naive UTC: the way every timestamp is stored."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_utc(day, clock, tz):
    """A day and a time on the school's clock, as naive UTC."""
    return datetime.combine(day, clock, tzinfo=tz).astimezone(timezone.utc).replace(tzinfo=None)


def local_to_utc(local):
    """An aware moment (any zone) as naive UTC."""
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def to_local(utc_naive, tz):
    """A stored moment on the school's clock (aware)."""
    return utc_naive.replace(tzinfo=timezone.utc).astimezone(tz)


def aware_utc(utc_naive):
    """A stored moment with its UTC zone attached, for libraries that want one."""
    return utc_naive.replace(tzinfo=timezone.utc)


def local_now(tz):
    return datetime.now(tz)


def school_day(utc_naive, tz):
    """The school's date at that moment."""
    return to_local(utc_naive, tz).date()


def day_bounds(day, tz, days=1):
    """Midnight starting `day` and midnight `days` later, school time, as naive UTC."""
    return to_utc(day, time.min, tz), to_utc(day + timedelta(days=days), time.min, tz)


def day_start(utc_naive, tz):
    """Midnight (school time) of the day `utc_naive` falls on, as naive UTC."""
    return day_bounds(school_day(utc_naive, tz), tz)[0]
