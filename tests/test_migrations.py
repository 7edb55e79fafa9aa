"""`flask db upgrade` on an empty database yields exactly the models' schema."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, inspect

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db as _db
from tests.conftest import TEST_DATABASE_URL
from tests.unit.test_database_constraints import unique_column_sets


def check_names(connection, table):
    return {check["name"] for check in inspect(connection).get_check_constraints(table)}


def model_check_names(table):
    return {constraint.name for constraint in _db.metadata.tables[table].constraints
            if isinstance(constraint, CheckConstraint)}


@pytest.fixture
def empty_database_url(tmp_path):
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_path / 'migrations.db'}"
    from sqlalchemy.engine import make_url

    from portal.devtools import empty_database

    url = make_url(TEST_DATABASE_URL)
    url = url.set(database=f"{url.database}_migrations").render_as_string(hide_password=False)
    empty_database(url)
    return url


def test_upgrade_from_empty_matches_the_models(empty_database_url):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        with _db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), _db.metadata)
            tables = set(inspect(connection).get_table_names())
            checks = {table: check_names(connection, table) for table in _db.metadata.tables}
            outbox_unique = unique_column_sets(connection, "outbox_message")
        assert differences == []
        assert {"school", "staff_user", "event", "event_text", "registration", "need", "decline"} <= tables
        # Alembic's comparison skips CHECK constraints: the models' and the database's are compared here.
        assert checks == {table: model_check_names(table) for table in _db.metadata.tables}
        assert checks["registration"] >= {"ck_registration_adults", "ck_registration_status"}
        assert ("dedupe_key",) in outbox_unique

        downgrade(revision="base")
        with _db.engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        _db.engine.dispose()
