"""Saving, listing, reading and removing runs (:class:`RunStore`); see :mod:`detente.store`.

A run is saved whole, in one transaction: the scenario's tree and its hash,
what was run, the detente version, its start and finish, its result as the
command's ``--json`` prints it, its numbers as rows (:mod:`.rows`) and, for a
simulation, its draws (:mod:`.draws`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from detente.errors import ParameterError
from detente.kinds import KINDS as RUN_KINDS
from detente.kinds import get_kind
from detente.store.draws import Draws, draw_arrays, draws_frame, pack, unpack
from detente.store.export import export_run, values_frame
from detente.store.schema import (
    RunNotFoundError,
    StoreError,
    current_version,
    draws_table,
    engine,
    migrate,
    resolve_url,
    runs_table,
    values_table,
)

if TYPE_CHECKING:
    import pandas as pd

    from detente.results import Result
    from detente.scenario import Scenario

Kind = Literal["forecast", "simulate", "sensitivity", "compare", "track"]
KINDS: tuple[str, ...] = tuple(RUN_KINDS)


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
    #: What the result's tables and charts show beyond its JSON (None: none kept).
    detail: dict[str, Any] | None = None

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


class RunStore:
    """A database of runs (see the module docstring); open once, use, :meth:`close`.

    ``url`` is as for :func:`resolve_url`. Opening creates the tables, or
    migrates an older schema; a schema newer than this detente knows is
    refused with :class:`StoreError`.
    """

    def __init__(self, url: str | Path | None = None) -> None:
        self.url = resolve_url(url)
        try:
            self.engine = engine(self.url)
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
            return current_version(conn)

    def _migrate(self) -> None:
        with self._write() as conn:
            migrate(conn, self._shown_url)

    def save(
        self,
        kind: str,
        result: Result | Mapping[str, Any],
        scenario: Scenario | None = None,
        *,
        model: str | None = None,
        preset: str | None = None,
        params: Mapping[str, Any] | None = None,
        seed: int | None = None,
        options: Mapping[str, Any] | None = None,
        source: str | Path | None = None,
        started_at: datetime | None = None,
    ) -> int:
        """Save one run in one transaction and return its id.

        ``result`` is a result object (:mod:`detente.results`; its
        ``scenario`` is used when ``scenario`` is not given), whose JSON, detail
        and draws (a simulation's) are kept. A JSON dict is first read into the
        result of its ``kind`` (on ``scenario``): it keeps no draws. ``model``
        defaults to the models in the result; ``seed`` to the result's
        ``seed`` when it has one. ``options`` holds what else shaped the run
        (draws, rounds, variants). Times are UTC; ``started_at`` defaults to now.
        """
        try:
            run_kind = get_kind(kind)
        except ParameterError as exc:
            raise StoreError(str(exc)) from None
        if isinstance(result, Mapping):
            if scenario is None:
                raise StoreError("a run saved from its JSON needs its scenario: pass scenario=")
            result = run_kind.from_dict(result, scenario)
        if result.kind != kind:
            raise StoreError(f"a {type(result).__name__} is a {result.kind} run, not a {kind} run")
        data = result.to_dict()
        if seed is None and isinstance(data.get("seed"), int):
            seed = data["seed"]
        row = _row(
            kind,
            data,
            scenario if scenario is not None else result.scenario,
            result.detail(),
            model or ",".join(result.models),
            preset,
            params,
            seed,
            options,
        )
        # Compressed before the write lock is taken: other writers wait less.
        packed = [
            {
                "model": d.model,
                "quantity": d.quantity,
                "draws": d.values.shape[0],
                "columns": _dumps(list(d.columns)),
                "data": pack(d.values),
            }
            for d in draw_arrays(kind, result)
        ]
        return self._insert(row, source, started_at, run_kind.value_rows(data), packed)

    def _insert(
        self,
        row: dict[str, Any],
        source: str | Path | None,
        started_at: datetime | None,
        numbers: list[dict[str, Any]],
        packed: list[dict[str, Any]],
    ) -> int:
        """Write one run, its numbers and its draws in one transaction; its id."""
        finished = datetime.now(UTC)
        row = {
            **row,
            "started_at": started_at or finished,
            "finished_at": finished,
            "source": None if source is None else str(source),
        }
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
            detail=None if r["detail"] is None else json.loads(r["detail"]),
        )

    def result(self, run_id: int) -> Result:
        """Run ``run_id``'s result, as the object the command that made it printed
        (:mod:`detente.results`): its JSON, detail and draws read back."""
        run = self.get(run_id)
        draws = self.draws(run_id) if run.kind == "simulate" else []
        return get_kind(run.kind).from_dict(run.result, run.load_scenario(), run.detail, draws)

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
            Draws(r.model, r.quantity, tuple(json.loads(r.columns)), unpack(r.data)) for r in rows
        ]

    def why_no_draws(self, run_id: int) -> str:
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
        return draws_frame(run_id, self.draws(run_id))

    def values(self, run_id: int) -> pd.DataFrame:
        """The long table of run ``run_id``'s numbers, in the order they were saved."""
        self.get(run_id)
        return values_frame(self.engine, run_id)

    def export(
        self, run_id: int, fmt: str | None, path: str | Path, *, draws: bool = False
    ) -> Path:
        """Write run ``run_id`` to ``path``: ``json`` (all of it) or its long table as
        ``csv``/``parquet`` (Parquet needs pyarrow). The format is the one ``path``'s
        extension names (``fmt``, if given, must agree); CSV text cells are kept
        from spreadsheet formulas (:mod:`detente.io.cells`).

        ``draws`` writes the run's draws instead (:meth:`draws_table` as
        csv/parquet; json: the whole run plus ``"draws"``, a list of
        :meth:`Draws.to_dict`); :class:`StoreError` if the run keeps none.
        """
        return export_run(self, run_id, fmt, path, draws=draws)


_SUMMARY_FIELDS = dataclasses.fields(RunSummary)


def _row(
    kind: str,
    data: Mapping[str, Any],
    scenario: Scenario,
    detail: Mapping[str, Any] | None,
    model: str,
    preset: str | None,
    params: Mapping[str, Any] | None,
    seed: int | None,
    options: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """A run's row of ``runs`` but its times and source (see :meth:`RunStore._insert`)."""
    tree = scenario.to_tree()
    row = {
        "kind": kind,
        "scenario_title": scenario.title,
        "scenario_hash": scenario_hash(tree),
        "scenario": _dumps(tree),
        "model": model,
        "preset": preset,
        "params": _dumps(dict(params or {})),
        "seed": seed,
        "options": _dumps(dict(options or {})),
        "detente_version": _version(),
        "result": _dumps(data),
    }
    if detail is not None:
        # Left out when there is none, so that a store of an older schema still takes it.
        row["detail"] = _dumps(detail)
    return row


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
