"""Engine set-up and the one locking primitive the services rely on."""
from sqlalchemy import event as sa_event, select

from .extensions import db

WRITE_STATEMENTS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


def configure_engine(engine, busy_timeout_ms, random_page_cost=None):
    if engine.dialect.name == "postgresql" and random_page_cost:
        # PostgreSQL's default cost of a random read (4) dates from spinning
        # disks; on SSDs it makes the planner scan whole tables where an
        # index lookup is far cheaper (the needs of one event among 500,000).
        @sa_event.listens_for(engine, "connect")
        def _on_pg_connect(dbapi_connection, _record):
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f"SET random_page_cost = {float(random_page_cost)}")
            dbapi_connection.commit()

    if engine.dialect.name != "sqlite":
        return
    in_memory = engine.url.database in (None, "", ":memory:")

    # pysqlite starts transactions lazily and never takes the write lock up
    # front, so two requests could both count free places before either
    # writes. Taking over BEGIN lets lock_event() ask for BEGIN IMMEDIATE.
    @sa_event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa_event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = bool(connection.get_execution_options().get("sqlite_immediate"))
        connection.info["sqlite_immediate"] = immediate
        connection.info["sqlite_wrote"] = False
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    @sa_event.listens_for(engine, "before_cursor_execute")
    def _note_writes(connection, _cursor, statement, _parameters, _context, _executemany):
        # A transaction that has written already holds SQLite's write lock.
        if statement.lstrip().upper().startswith(WRITE_STATEMENTS):
            connection.info["sqlite_wrote"] = True


def _ensure_sqlite_write_transaction(session):
    if session.new or session.dirty or session.deleted:
        session.flush()
    connection = session.connection()
    if connection.info.get("sqlite_immediate") or connection.info.get("sqlite_wrote"):
        return
    # Only reads so far: end that read transaction and start one that holds
    # the database's write lock, so the counts read next cannot go stale.
    session.rollback()
    session.connection(execution_options={"sqlite_immediate": True})


def begin_write():
    """Start (or upgrade to) a transaction that may write. On SQLite a
    transaction that read first and writes later fails at once when another
    connection committed in between, so writers take the lock up front."""
    session = db.session
    if session.get_bind().dialect.name == "sqlite":
        _ensure_sqlite_write_transaction(session)


def lock_row(model, row_id):
    """Load a row for update: SELECT ... FOR UPDATE on PostgreSQL, the
    database write lock on SQLite. Returns None when the row does not exist."""
    session = db.session
    if session.get_bind().dialect.name == "sqlite":
        _ensure_sqlite_write_transaction(session)
    statement = (
        select(model)
        .where(model.id == row_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.execute(statement).scalar_one_or_none()
