"""Databases for the test suite and the benchmarks, which both need one
that exists before the app starts.

`python -m portal.devtools URL`: exit 0 when the PostgreSQL server at URL
answers, creating the database when it does not exist yet; exit 1 if not."""
import sys
import tempfile

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError


def ensure_database(url):
    url = make_url(url)
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
            ).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    finally:
        server.dispose()


def empty_database(url):
    """Create the database when missing, then drop everything in it."""
    ensure_database(url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def bench_database(url=None):
    """(url, folder) for a benchmark: the database asked for (PostgreSQL is
    created when missing), or a SQLite file in a temporary folder the caller
    cleans up (folder is None when there is nothing to clean)."""
    if not url:
        folder = tempfile.TemporaryDirectory()
        return f"sqlite:///{folder.name}/bench.db", folder
    if url.startswith("postgres"):
        ensure_database(url)
    return url, None


if __name__ == "__main__":
    try:
        ensure_database(sys.argv[1])
    except OperationalError as error:
        print(f"PostgreSQL not reachable: {error.orig}", file=sys.stderr)
        sys.exit(1)
