"""Every row of every table, before and after: a refused submission must change none."""
from contextlib import contextmanager

from sqlalchemy import select

from portal.extensions import db as _db


def snapshot():
    """Every row of every table, by primary key."""
    _db.session.rollback()
    state = {}
    for table in _db.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        rows = _db.session.execute(select(table).order_by(*keys)).mappings().all()
        state[table.name] = {tuple(row[key.name] for key in keys): dict(row) for row in rows}
    _db.session.rollback()
    return state


def changes_between(before, after):
    """{table: {"added": [...], "removed": [...], "changed": {key: {column: (old, new)}}}}, empty when equal."""
    changes = {}
    for table in after.keys() | before.keys():
        old, new = before.get(table, {}), after.get(table, {})
        added = [new[key] for key in new.keys() - old.keys()]
        removed = [old[key] for key in old.keys() - new.keys()]
        changed = {}
        for key in old.keys() & new.keys():
            columns = {column: (old[key][column], new[key].get(column)) for column in old[key]
                       if old[key][column] != new[key].get(column)}
            if columns:
                changed[key] = columns
        if added or removed or changed:
            changes[table] = {"added": added, "removed": removed, "changed": changed}
    return changes


def describe(changes, limit=2000):
    text = repr(changes)
    return text if len(text) <= limit else text[:limit] + "..."


@contextmanager
def nothing_changes(allow=None):
    """Fail if a row of any table was added, removed or changed inside the block
    (after `allow(changes)` has taken out what may change)."""
    before = snapshot()
    yield
    changes = changes_between(before, snapshot())
    if allow is not None:
        changes = allow(changes)
    assert not changes, f"the database changed: {describe(changes)}"
