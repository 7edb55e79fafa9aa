"""`flask db upgrade` on an empty database yields exactly the models' schema."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db as _db
from tests.conftest import TEST_DATABASE_URL


@pytest.fixture
def empty_database_url(tmp_path):
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_path / 'migrations.db'}"
    from sqlalchemy.engine import make_url

    from tests.postgres import empty_database

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
        assert differences == []
        assert {"school", "staff_user", "event", "event_text", "registration", "need", "decline"} <= tables

        downgrade(revision="base")
        with _db.engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        _db.engine.dispose()
