from sqlalchemy import CheckConstraint

from ..clock import utcnow  # the columns' default; models.utcnow is portal.clock.utcnow

__all__ = ["utcnow", "check_between", "check_one_of"]


def check_between(column, low, high, name=None, nullable=False):
    """The database refuses a number outside low..high, whatever code writes it."""
    condition = f"{column} BETWEEN {int(low)} AND {int(high)}"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return CheckConstraint(condition, name=name or column)


def check_one_of(column, values, name=None):
    """The database refuses a value not in `values` (plain words only)."""
    assert all(value.replace("_", "").isalnum() for value in values)
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name or column)
