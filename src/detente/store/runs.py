"""The run store: every forecast, simulation, sensitivity analysis and comparison, kept.

A run is saved whole, in one transaction: the scenario as given (its tree,
see :meth:`detente.scenario.Scenario.to_tree`, and the SHA-256 of that tree
in canonical JSON, so the same scenario read from YAML, CSV or xlsx hashes
the same), what was run (kind, model, preset, parameters, seed, options),
the detente version, when it started and finished, and the result exactly as
the command's ``--json`` prints it. Every number of the result is also
written as one row of a long table (``run_values``: run, variant, model,
quantity, round, issue, actor, stat, value), so that per-round positions and
per-draw summaries can be queried with SQL and exported as CSV or Parquet. A
simulate run saved from its result object (or with its draws beside its JSON)
also keeps every draw
(``run_draws``): per model, each draw's forecast per issue and gain per
actor, as one compressed float64 array per model and quantity
(:class:`Draws`). Ten thousand draws of five issues make 50,000 numbers per
model and quantity: as rows of the long table they would multiply its size
and the time a save takes; as one BLOB they add some 25 ms per model.

Where the store lives (:func:`resolve_url`): the ``db`` argument (``--db``),
else the environment variable ``DETENTE_DB``, else ``runs.sqlite`` in the
user's data directory (platformdirs). Either a SQLAlchemy URL
(``sqlite:///path``, ``postgresql+psycopg://user@host/db``) or a plain file
path, which means SQLite.

SQLite is opened in WAL mode with a 30 s busy timeout, and every write is a
``BEGIN IMMEDIATE`` transaction, so two processes saving at once both wait
their turn and neither loses a run. The schema carries its version in the
table ``detente_schema``; :data:`MIGRATIONS` lists the steps from an empty
database to :data:`SCHEMA_VERSION`, applied in order when a store is opened.

>>> from detente import forecast
>>> store = RunStore("sqlite://")           # in memory
>>> run_id = store.save("forecast", forecast("examples/ukraine-2025.yaml", model="median"))
>>> store.get(run_id).result["models"]["median"]["forecasts"]["nato"]
100.0
>>> [r.kind for r in store.runs()]
['forecast']
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from detente.errors import DetenteError

if TYPE_CHECKING:
    import pandas as pd

    from detente.arrays import FloatArray
    from detente.scenario import Scenario

Kind = Literal["forecast", "simulate", "sensitivity", "compare"]
KINDS: tuple[str, ...] = ("forecast", "simulate", "sensitivity", "compare")
EXPORT_FORMATS: tuple[str, ...] = ("csv", "parquet", "json")
ENV_VAR = "DETENTE_DB"
#: Seconds a writer waits for another process's transaction (SQLite).
BUSY_TIMEOUT = 30.0
SCHEMA_VERSION = 2
#: Columns of the long table of numbers (``run_values``), in export order.
VALUE_COLUMNS = ("run_id", "variant", "model", "quantity", "round", "issue", "actor", "stat")
#: Columns of the per-draw table (:meth:`RunStore.draws_table`), in export order.
DRAW_COLUMNS = ("run_id", "model", "quantity", "draw", "issue", "actor", "value")
#: zlib level of the per-draw arrays: level 1 compresses a model's 10,000 draws
#: in about 10 ms; higher levels take twice as long and save a few per cent
#: (random floats barely compress; discrete forecasts shrink ~50x at any level).
DRAWS_COMPRESSION = 1


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

runs_table = sa.Table(
    "runs",
    metadata,
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
)

values_table = sa.Table(
    "run_values",
    metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), index=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("variant", sa.Text, nullable=False),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("quantity", sa.String(40), nullable=False),
    sa.Column("round", sa.Integer),
    sa.Column("issue", sa.Text),
    sa.Column("actor", sa.Text),
    sa.Column("stat", sa.String(20)),
    sa.Column("value", sa.Float),
)


draws_table = sa.Table(
    "run_draws",
    metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), index=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("model", sa.Text, nullable=False),
    # "forecast" (columns: issue ids, scenario units) or "gain" (columns: actor ids).
    sa.Column("quantity", sa.String(40), nullable=False),
    sa.Column("draws", sa.Integer, nullable=False),
    sa.Column("columns", sa.Text, nullable=False),
    # zlib-compressed .npy of a float64 (draws, len(columns)) array (np.load reads it back).
    sa.Column("data", sa.LargeBinary, nullable=False),
)


def _create_v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[runs_table, values_table])


def _add_draws_v2(conn: Connection) -> None:
    """Version 2: every draw of a simulate run (runs saved before keep their summaries only)."""
    metadata.create_all(conn, tables=[draws_table])


#: Schema migrations: version -> step that brings a database from version - 1 to it.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _create_v1, 2: _add_draws_v2}


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


def scenario_hash(tree: Mapping[str, Any]) -> str:
    """SHA-256 of the scenario tree as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(tree, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("detente")
    except PackageNotFoundError:  # running from a source tree
        import detente

        return detente.__version__


@dataclass(frozen=True)
class RunSummary:
    """One line of ``detente runs list``."""

    id: int
    kind: str
    started_at: datetime
    finished_at: datetime
    scenario_title: str
    scenario_hash: str
    model: str
    preset: str | None
    seed: int | None

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


@dataclass(frozen=True)
class Run(RunSummary):
    """A saved run, whole: what was asked, on which scenario, and what came out."""

    scenario: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    detente_version: str = ""
    result: dict[str, Any] = field(default_factory=dict)

    def load_scenario(self) -> Scenario:
        """The scenario this run was made on, validated again."""
        from detente.scenario import Scenario

        return Scenario.from_tree(self.scenario, file=f"run {self.id}")

    def to_dict(self) -> dict[str, Any]:
        """Everything stored about the run (the JSON of ``runs show --json``/``export``)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "scenario_title": self.scenario_title,
            "scenario_hash": self.scenario_hash,
            "source": self.source,
            "model": self.model,
            "preset": self.preset,
            "params": self.params,
            "seed": self.seed,
            "options": self.options,
            "detente_version": self.detente_version,
            "scenario": self.scenario,
            "result": self.result,
        }


@dataclass(frozen=True, eq=False)
class Draws:
    """One model's numbers in every draw of a simulate run.

    ``values[d, j]`` is draw ``d``'s ``quantity`` for ``columns[j]``: with
    ``quantity == "forecast"`` the forecast of issue ``columns[j]`` in the
    scenario's units, with ``"gain"`` the gain of actor ``columns[j]``
    against the status quo. NaN where the model gave no forecast.
    """

    model: str
    quantity: str
    columns: tuple[str, ...]
    values: FloatArray

    def to_dict(self) -> dict[str, Any]:
        """As JSON: ``values`` a list of draws, each a list in ``columns`` order (NaN: null)."""
        cells = self.values.astype(object)
        cells[np.isnan(self.values)] = None
        return {
            "model": self.model,
            "quantity": self.quantity,
            "columns": list(self.columns),
            "values": cells.tolist(),
        }


def draw_arrays(kind: str, result: Any) -> list[Draws]:
    """Every draw a result object holds: per model of a simulate run
    (:class:`detente.uncertainty.ModelSimulation`), its forecasts per issue and
    gains per actor. A JSON dict holds summaries only, so it gives none."""
    if kind != "simulate" or isinstance(result, Mapping):
        return []
    out: list[Draws] = []
    for name, model in getattr(result, "models", {}).items():
        for quantity, attr, ids in (
            ("forecast", "forecasts", "issue_ids"),
            ("gain", "gains", "actor_ids"),
        ):
            values, columns = getattr(model, attr, None), getattr(model, ids, None)
            if values is None or columns is None:
                continue
            array = np.asarray(values, dtype=np.float64)
            if array.ndim == 2 and array.shape[1] == len(columns):
                out.append(Draws(name, quantity, tuple(columns), array))
    return out


def _pack(values: FloatArray) -> bytes:
    """A float64 array as zlib-compressed ``.npy`` bytes (dtype and shape travel with it)."""
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(values, dtype="<f8"), allow_pickle=False)
    return zlib.compress(buffer.getvalue(), DRAWS_COMPRESSION)


def _unpack(data: bytes) -> FloatArray:
    array: FloatArray = np.load(io.BytesIO(zlib.decompress(data)), allow_pickle=False)
    return array


def _as_dict(result: Any) -> dict[str, Any]:
    if isinstance(result, Mapping):
        return dict(result)
    to_dict = getattr(result, "to_dict", None)
    if to_dict is None:
        raise TypeError(f"cannot store a {type(result).__name__}: give a dict or a result")
    return to_dict()  # type: ignore[no-any-return]


def _number(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    return float(x)


def value_rows(kind: str, result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every number of a result as rows of the long table (without ``run_id``).

    forecast: ``forecast``/``gain`` per issue/actor and ``position`` per
    round, issue and actor; simulate: the same quantities with ``stat``
    (mean, p05 ... p95, point) and ``gain_chance``; sensitivity: ``index``,
    ``first_order``, ``index_se``, ``tornado_low``/``tornado_high`` per issue
    with the input in ``stat``; compare: the forecasts of the baseline and of
    each variant, and ``forecast_change``/``gain_change`` per variant.
    """
    rows: list[dict[str, Any]] = []

    def add(variant: str, model: str, quantity: str, value: Any, **where: Any) -> None:
        number = _number(value)
        if number is None and value is not None:
            return
        rows.append(
            {
                "variant": variant,
                "model": model,
                "quantity": quantity,
                "round": where.get("round"),
                "issue": where.get("issue"),
                "actor": where.get("actor"),
                "stat": where.get("stat"),
                "value": number,
            }
        )

    def forecast_rows(variant: str, models: Mapping[str, Any]) -> None:
        for model, res in models.items():
            for issue, v in res.get("forecasts", {}).items():
                add(variant, model, "forecast", v, issue=issue)
            for actor, v in res.get("gains", {}).items():
                add(variant, model, "gain", v, actor=actor)
            for t, step in enumerate(res.get("rounds") or []):
                for issue, positions in step.items():
                    for actor, v in positions.items():
                        add(variant, model, "position", v, round=t, issue=issue, actor=actor)

    if kind == "forecast":
        forecast_rows("", result.get("models", {}))
    elif kind == "simulate":
        for model, res in result.get("models", {}).items():
            for issue, stats in res.get("issues", {}).items():
                for stat, v in stats.items():
                    add("", model, "forecast", v, issue=issue, stat=stat)
            for issue, v in res.get("point", {}).items():
                add("", model, "forecast", v, issue=issue, stat="point")
            for actor, stats in res.get("gains", {}).items():
                for stat, v in stats.items():
                    add("", model, "gain", v, actor=actor, stat=stat)
            for actor, v in res.get("gain_chance", {}).items():
                add("", model, "gain_chance", v, actor=actor)
    elif kind == "sensitivity":
        for model, issues in result.get("models", {}).items():
            for issue, ranked in issues.items():
                for r in ranked:
                    for key, quantity in (
                        ("index", "index"),
                        ("first_order", "first_order"),
                        ("index_se", "index_se"),
                        ("low", "tornado_low"),
                        ("high", "tornado_high"),
                    ):
                        add("", model, quantity, r.get(key), issue=issue, stat=r["input"])
    elif kind == "compare":
        forecast_rows("baseline", result.get("baseline", {}).get("models", {}))
        for name, variant in result.get("variants", {}).items():
            forecast_rows(name, variant.get("models", {}))
        for name, per_model in result.get("delta", {}).items():
            for model, delta in per_model.items():
                for issue, v in delta.get("forecasts", {}).items():
                    add(name, model, "forecast_change", v, issue=issue)
                for actor, v in delta.get("gains", {}).items():
                    add(name, model, "gain_change", v, actor=actor)
    return rows


class RunStore:
    """A database of runs (see the module docstring); open once, use, :meth:`close`.

    ``url`` is as for :func:`resolve_url`. Opening creates the tables, or
    migrates an older schema; a schema newer than this detente knows is
    refused with :class:`StoreError`.
    """

    def __init__(self, url: str | Path | None = None) -> None:
        self.url = resolve_url(url)
        try:
            self.engine = _engine(self.url)
            self._migrate()
        except (sa.exc.SQLAlchemyError, OSError) as exc:
            raise StoreError(f"cannot open the run store {self._shown_url}: {exc}") from None

    @property
    def _shown_url(self) -> str:
        return sa.make_url(self.url).render_as_string(hide_password=True)

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One transaction that takes the write lock at once (SQLite: BEGIN IMMEDIATE)."""
        with self.engine.connect().execution_options(detente_write=True) as conn, conn.begin():
            yield conn

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return _current_version(conn)

    def _migrate(self) -> None:
        with self._write() as conn:
            schema_table.create(conn, checkfirst=True)
            current = _current_version(conn)
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"the run store {self._shown_url} has schema version {current}, newer "
                    f"than this detente knows ({SCHEMA_VERSION}): upgrade detente"
                )
            for version in range(current + 1, max(MIGRATIONS) + 1):
                MIGRATIONS[version](conn)
                conn.execute(
                    schema_table.insert().values(version=version, applied_at=datetime.now(UTC))
                )

    def save(
        self,
        kind: str,
        result: Any,
        scenario: Scenario | None = None,
        *,
        model: str | None = None,
        preset: str | None = None,
        params: Mapping[str, Any] | None = None,
        seed: int | None = None,
        options: Mapping[str, Any] | None = None,
        source: str | Path | None = None,
        started_at: datetime | None = None,
        draws: Sequence[Draws] | None = None,
    ) -> int:
        """Save one run in one transaction and return its id.

        ``result`` is a result object (``Forecast``, ``Simulation``,
        ``Sensitivity``, ``Comparison``: its ``.scenario`` is used when
        ``scenario`` is not given) or its JSON dict. A ``Simulation`` also
        leaves every draw (:meth:`draws`); its JSON dict only the summaries,
        unless its ``draws`` (:func:`draw_arrays`) are given beside it.
        ``model`` defaults to the models in the result; ``seed`` to the
        result's ``seed`` when it has one. ``options`` holds what else shaped
        the run (draws, rounds, variants). Times are UTC; ``started_at``
        defaults to now.
        """
        if kind not in KINDS:
            raise StoreError(f"unknown kind of run {kind!r}; valid kinds: {', '.join(KINDS)}")
        scn = scenario if scenario is not None else getattr(result, "scenario", None)
        if scn is None:
            raise StoreError("a run is saved with its scenario: pass scenario=")
        data = _as_dict(result)
        tree = scn.to_tree()
        models = data.get("models") or data.get("baseline", {}).get("models") or {}
        if seed is None and isinstance(data.get("seed"), int):
            seed = data["seed"]
        finished = datetime.now(UTC)
        row = {
            "kind": kind,
            "started_at": started_at or finished,
            "finished_at": finished,
            "scenario_title": scn.title,
            "scenario_hash": scenario_hash(tree),
            "scenario": _dumps(tree),
            "source": None if source is None else str(source),
            "model": model or ",".join(models),
            "preset": preset,
            "params": _dumps(dict(params or {})),
            "seed": seed,
            "options": _dumps(dict(options or {})),
            "detente_version": _version(),
            "result": _dumps(data),
        }
        numbers = value_rows(kind, data)
        # Compressed before the write lock is taken: other writers wait less.
        packed = [
            {
                "model": d.model,
                "quantity": d.quantity,
                "draws": d.values.shape[0],
                "columns": _dumps(list(d.columns)),
                "data": _pack(d.values),
            }
            for d in (draw_arrays(kind, result) if draws is None else draws)
        ]
        with self._write() as conn:
            inserted = conn.execute(runs_table.insert().values(**row))
            run_id = int(inserted.inserted_primary_key[0])  # type: ignore[index]
            if numbers:
                conn.execute(
                    values_table.insert(),
                    [{"run_id": run_id, "seq": i, **r} for i, r in enumerate(numbers)],
                )
            if packed:
                conn.execute(
                    draws_table.insert(),
                    [{"run_id": run_id, "seq": i, **d} for i, d in enumerate(packed)],
                )
        return run_id

    def runs(
        self,
        scenario: str | None = None,
        kind: str | None = None,
        limit: int | None = None,
        *,
        file: str | Path | None = None,
    ) -> list[RunSummary]:
        """Saved runs, newest first.

        ``scenario`` keeps runs whose title contains it (any case), or whose
        scenario hash starts with it; ``kind`` keeps one kind of run.
        ``file`` keeps the runs of the scenario in that file: those whose
        scenario hashes as the file's does now (the same scenario, saved
        from any file or format), and those saved from that path, even if
        the file has changed since. The file is read and validated
        (:class:`detente.errors.ScenarioError` if it is not a scenario);
        ``scenario`` never reads a file, so a server may pass it on.
        """
        cols = [runs_table.c[f.name] for f in _SUMMARY_FIELDS]
        query = sa.select(*cols).order_by(runs_table.c.id.desc())
        if file is not None:
            from detente.io import load

            path = Path(file)
            digest = scenario_hash(load(path).to_tree())
            # ``source`` is the path as the command was given it, relative or not.
            sources = {str(file), str(path), str(path.absolute()), str(path.resolve())}
            query = query.where(
                sa.or_(
                    runs_table.c.scenario_hash == digest,
                    runs_table.c.source.in_(sorted(sources)),
                )
            )
        if scenario:
            needle = scenario.lower()
            query = query.where(
                sa.or_(
                    sa.func.lower(runs_table.c.scenario_title).contains(needle, autoescape=True),
                    runs_table.c.scenario_hash.startswith(needle, autoescape=True),
                )
            )
        if kind:
            query = query.where(runs_table.c.kind == kind)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [_summary(r._mapping) for r in conn.execute(query)]

    def get(self, run_id: int) -> Run:
        """The whole run ``run_id``; :class:`StoreError` if there is none."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(runs_table).where(runs_table.c.id == run_id)).first()
        if row is None:
            raise RunNotFoundError(run_id, self._shown_url)
        r = row._mapping
        return Run(
            **vars(_summary(r)),
            scenario=json.loads(r["scenario"]),
            source=r["source"],
            params=json.loads(r["params"]),
            options=json.loads(r["options"]),
            detente_version=r["detente_version"],
            result=json.loads(r["result"]),
        )

    def delete(self, run_id: int) -> None:
        """Remove run ``run_id``, its numbers and draws (:class:`RunNotFoundError`: none)."""
        with self._write() as conn:
            conn.execute(values_table.delete().where(values_table.c.run_id == run_id))
            conn.execute(draws_table.delete().where(draws_table.c.run_id == run_id))
            gone = conn.execute(runs_table.delete().where(runs_table.c.id == run_id)).rowcount
        if not gone:
            raise RunNotFoundError(run_id, self._shown_url)

    def _kind(self, conn: Connection, run_id: int) -> str:
        """Run ``run_id``'s kind: a cheap check that it exists (else :class:`RunNotFoundError`)."""
        kind = conn.execute(sa.select(runs_table.c.kind).where(runs_table.c.id == run_id)).scalar()
        if kind is None:
            raise RunNotFoundError(run_id, self._shown_url)
        return str(kind)

    def draws(self, run_id: int) -> list[Draws]:
        """Every draw of run ``run_id``, per model and quantity, in the order saved.

        Empty for runs that keep none: any but simulate, and simulate runs
        saved from a JSON dict without its draws or by a detente older than
        schema version 2.
        """
        query = (
            sa.select(draws_table.c.model, draws_table.c.quantity, draws_table.c.columns)
            .add_columns(draws_table.c.data)
            .where(draws_table.c.run_id == run_id)
            .order_by(draws_table.c.seq)
        )
        with self.engine.connect() as conn:
            self._kind(conn, run_id)
            rows = conn.execute(query).all()
        return [
            Draws(r.model, r.quantity, tuple(json.loads(r.columns)), _unpack(r.data)) for r in rows
        ]

    def _why_no_draws(self, run_id: int) -> str:
        with self.engine.connect() as conn:
            kind = self._kind(conn, run_id)
        if kind != "simulate":
            return f"run {run_id} is a {kind} run: only simulate runs keep their draws"
        return (
            f"run {run_id} keeps no draws: it was saved before the store kept them (schema "
            "version 2), or from its summaries only; its summaries are in its long table "
            "of numbers"
        )

    def draws_table(self, run_id: int) -> pd.DataFrame:
        """Run ``run_id``'s draws as a long table (:data:`DRAW_COLUMNS`): one row per
        model, quantity, draw and issue (forecasts) or actor (gains)."""
        return _draws_frame(run_id, self.draws(run_id))

    def values(self, run_id: int) -> pd.DataFrame:
        """The long table of run ``run_id``'s numbers, in the order they were saved."""
        import pandas as pd

        self.get(run_id)
        query = (
            sa.select(*(values_table.c[c] for c in (*VALUE_COLUMNS, "value")))
            .where(values_table.c.run_id == run_id)
            .order_by(values_table.c.seq)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        table = pd.DataFrame(rows, columns=[*VALUE_COLUMNS, "value"])
        return table.astype({"run_id": "int64", "round": "Int64", "value": "float64"})

    def export(self, run_id: int, fmt: str, path: str | Path, *, draws: bool = False) -> Path:
        """Write run ``run_id`` to ``path``: ``json`` (all of it) or its long table as
        ``csv``/``parquet`` (Parquet needs pyarrow).

        ``draws`` writes the run's draws instead (:meth:`draws_table` as
        csv/parquet; json: the whole run plus ``"draws"``, a list of
        :meth:`Draws.to_dict`); :class:`StoreError` if the run keeps none.
        """
        path = Path(path)
        if fmt not in EXPORT_FORMATS:
            raise StoreError(f"unknown format {fmt!r}; valid formats: {', '.join(EXPORT_FORMATS)}")
        kept = self.draws(run_id) if draws else []
        if draws and not kept:
            raise StoreError(self._why_no_draws(run_id))
        if fmt == "json":
            whole = self.get(run_id).to_dict()
            if draws:
                whole["draws"] = [d.to_dict() for d in kept]
            text = json.dumps(whole, indent=2, ensure_ascii=False)
            path.write_text(text + "\n", encoding="utf-8")
            return path
        table = _draws_frame(run_id, kept) if draws else self.values(run_id)
        if fmt == "csv":
            table.to_csv(path, index=False)
            return path
        try:
            table.to_parquet(path, index=False)
        except ImportError:
            raise StoreError(
                "Parquet export needs pyarrow: pip install 'detente[parquet]'"
            ) from None
        return path


def _draws_frame(run_id: int, kept: Sequence[Draws]) -> pd.DataFrame:
    """``kept`` draws as the long table :meth:`RunStore.draws_table` gives."""
    import pandas as pd

    frames = []
    for d in kept:
        n, k = d.values.shape
        names = np.tile(np.asarray(d.columns, dtype=object), n)
        per_issue = d.quantity == "forecast"
        frames.append(
            pd.DataFrame(
                {
                    "run_id": np.full(n * k, run_id, dtype=np.int64),
                    "model": d.model,
                    "quantity": d.quantity,
                    "draw": np.repeat(np.arange(n, dtype=np.int64), k),
                    "issue": names if per_issue else None,
                    "actor": None if per_issue else names,
                    "value": d.values.ravel(),
                }
            )
        )
    if not frames:
        return pd.DataFrame({c: [] for c in DRAW_COLUMNS}).astype(
            {"run_id": "int64", "draw": "int64", "value": "float64"}
        )
    return pd.concat(frames, ignore_index=True)[list(DRAW_COLUMNS)]


_SUMMARY_FIELDS = dataclasses.fields(RunSummary)


def _summary(r: Any) -> RunSummary:
    return RunSummary(
        id=int(r["id"]),
        kind=r["kind"],
        started_at=_utc(r["started_at"]),
        finished_at=_utc(r["finished_at"]),
        scenario_title=r["scenario_title"],
        scenario_hash=r["scenario_hash"],
        model=r["model"],
        preset=r["preset"],
        seed=r["seed"],
    )


def _current_version(conn: Connection) -> int:
    if not sa.inspect(conn).has_table(schema_table.name):
        return 0
    return int(conn.execute(sa.select(sa.func.max(schema_table.c.version))).scalar() or 0)


def _engine(url: str) -> Engine:
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


def save_run(
    kind: str,
    result: Any,
    scenario: Scenario | None = None,
    *,
    db: str | Path | None = None,
    **meta: Any,
) -> int:
    """Open the store at ``db`` (see :func:`resolve_url`), save one run, close; its id.

    ``meta`` is passed to :meth:`RunStore.save` (model, preset, params, seed,
    options, source, started_at).
    """
    with RunStore(db) as store:
        return store.save(kind, result, scenario, **meta)
