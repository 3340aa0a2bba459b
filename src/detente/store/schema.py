"""Where the run store lives, its tables, and the steps that bring a database up to date.

The schema carries its version in the table ``detente_schema``;
:data:`MIGRATIONS` lists the steps from an empty database to
:data:`SCHEMA_VERSION`, applied in order when a store is opened
(:func:`migrate`). SQLite is opened in WAL mode with a 30 s busy timeout, and
every write is a ``BEGIN IMMEDIATE`` transaction (:func:`engine`), so two
processes saving at once both wait their turn and neither loses a run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from detente.errors import DetenteError

ENV_VAR = "DETENTE_DB"
#: Seconds a writer waits for another process's transaction (SQLite).
BUSY_TIMEOUT = 30.0
SCHEMA_VERSION = 3


class StoreError(DetenteError):
    """The run store cannot be opened, or holds no such run."""


class RunNotFoundError(StoreError):
    """The store holds no run ``run_id``.

    The message names the store and points at ``detente runs list``, which
    helps on the command line; a web server answers with :attr:`brief`
    instead, which tells a visitor neither where its database lives nor
    about commands they cannot run.
    """

    def __init__(self, run_id: int, store: str) -> None:
        self.run_id = run_id
        super().__init__(f"no run {run_id} in {store} (see `detente runs list`)")

    @property
    def brief(self) -> str:
        return f"no run {self.run_id}"


metadata = sa.MetaData()

schema_table = sa.Table(
    "detente_schema",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)


def _runs_columns_v1() -> list[sa.Column[Any]]:
    """The columns of ``runs`` as version 1 made them (later versions add to them)."""
    return [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scenario_title", sa.Text, nullable=False),
        sa.Column("scenario_hash", sa.String(64), nullable=False, index=True),
        sa.Column("scenario", sa.Text, nullable=False),
        sa.Column("source", sa.Text),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("preset", sa.Text),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("seed", sa.BigInteger),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("detente_version", sa.String(40), nullable=False),
        sa.Column("result", sa.Text, nullable=False),
    ]


runs_table = sa.Table(
    "runs",
    metadata,
    *_runs_columns_v1(),
    # What the result's tables and charts show beyond its JSON (JSON; see
    # detente.results.Result.detail): eu's first round, a sensitivity's presets.
    sa.Column("detail", sa.Text),
)


def _run_rows(name: str, *columns: sa.Column[Any]) -> sa.Table:
    """A table of rows that belong to one run, in order: each row's run (its rows go with it)
    and its place among them, then ``columns``."""
    return sa.Table(
        name,
        metadata,
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), index=True),
        sa.Column("seq", sa.Integer, nullable=False),
        *columns,
    )


values_table = _run_rows(
    "run_values",
    sa.Column("variant", sa.Text, nullable=False),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("quantity", sa.String(40), nullable=False),
    sa.Column("round", sa.Integer),
    sa.Column("issue", sa.Text),
    sa.Column("actor", sa.Text),
    sa.Column("stat", sa.String(20)),
    sa.Column("value", sa.Float),
)


draws_table = _run_rows(
    "run_draws",
    sa.Column("model", sa.Text, nullable=False),
    # "forecast" (columns: issue ids, scenario units) or "gain" (columns: actor ids).
    sa.Column("quantity", sa.String(40), nullable=False),
    sa.Column("draws", sa.Integer, nullable=False),
    sa.Column("columns", sa.Text, nullable=False),
    # zlib-compressed .npy of a float64 (draws, len(columns)) array (np.load reads it back).
    sa.Column("data", sa.LargeBinary, nullable=False),
)


def _create_v1(conn: Connection) -> None:
    sa.Table(runs_table.name, sa.MetaData(), *_runs_columns_v1()).create(conn)
    metadata.create_all(conn, tables=[values_table])


def _add_draws_v2(conn: Connection) -> None:
    """Version 2: every draw of a simulate run (runs saved before keep their summaries only)."""
    metadata.create_all(conn, tables=[draws_table])


def _add_detail_v3(conn: Connection) -> None:
    """Version 3: what a result's tables and charts show beyond its JSON (older runs: none)."""
    conn.execute(sa.text("ALTER TABLE runs ADD COLUMN detail TEXT"))


#: PostgreSQL advisory lock key held while a store's schema is created or migrated
#: (any constant shared by every detente; these are the bytes of "detente").
MIGRATION_LOCK = int.from_bytes(b"detente", "big")
#: Schema migrations: version -> step that brings a database from version - 1 to it.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: _create_v1,
    2: _add_draws_v2,
    3: _add_detail_v3,
}


def default_path() -> Path:
    """``runs.sqlite`` in the user's data directory (e.g. ~/.local/share/detente)."""
    from platformdirs import user_data_path

    return user_data_path("detente", appauthor=False) / "runs.sqlite"


def resolve_url(db: str | Path | None = None) -> str:
    """The store's SQLAlchemy URL: ``db``, else ``$DETENTE_DB``, else :func:`default_path`.

    A value without ``://`` is a file path and means SQLite.

    >>> resolve_url("postgresql+psycopg://me@localhost/detente")
    'postgresql+psycopg://me@localhost/detente'
    >>> resolve_url("/tmp/x.sqlite")
    'sqlite:////tmp/x.sqlite'
    """
    chosen = db if db is not None else os.environ.get(ENV_VAR) or None
    if chosen is None:
        path = default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    text = str(chosen)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().absolute()}"


def current_version(conn: Connection) -> int:
    if not sa.inspect(conn).has_table(schema_table.name):
        return 0
    return int(conn.execute(sa.select(sa.func.max(schema_table.c.version))).scalar() or 0)


def migrate(conn: Connection, shown_url: str) -> None:
    """Create the tables of an empty store, or bring an older one to :data:`SCHEMA_VERSION`.

    :class:`StoreError` for a store newer than this detente knows. Several
    processes may open a new store at once: on SQLite the write lock
    (``BEGIN IMMEDIATE``) makes them take turns; on PostgreSQL, where
    ``CREATE TABLE`` checked first still races (a UniqueViolation in the
    catalogue, and runs lost), a transaction-level advisory lock does.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    schema_table.create(conn, checkfirst=True)
    current = current_version(conn)
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"the run store {shown_url} has schema version {current}, newer "
            f"than this detente knows ({SCHEMA_VERSION}): upgrade detente"
        )
    for version in range(current + 1, max(MIGRATIONS) + 1):
        MIGRATIONS[version](conn)
        conn.execute(schema_table.insert().values(version=version, applied_at=datetime.now(UTC)))


def engine(url: str) -> Engine:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # A deferred transaction that reads, then writes, fails at once with
        # "database is locked" when another process holds the lock; IMMEDIATE
        # takes the write lock first and waits for it (busy timeout).
        write = conn.get_execution_options().get("detente_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
