"""The run store: runs saved whole, found, exported, removed; schema migrated; writers safe."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from detente import forecast, load, save
from detente import store as store_module
from detente.store import (
    DRAW_COLUMNS,
    RunNotFoundError,
    RunStore,
    StoreError,
    resolve_url,
    save_run,
    scenario_hash,
)
from detente.store import runs as store_runs
from detente.store import schema as store_schema
from detente.uncertainty import simulate

SCENARIO = {
    "title": "two actors",
    "issues": [{"id": "a", "scale": [0, 10], "status_quo": 0}],
    "actors": [
        {"id": "X", "capability": 1, "positions": {"a": 2}, "salience": {"a": 1}},
        {"id": "Y", "capability": 3, "positions": {"a": 10}, "salience": {"a": 1}},
    ],
}


@pytest.fixture
def store(tmp_path: Path) -> RunStore:
    with RunStore(tmp_path / "runs.sqlite") as opened:
        yield opened


def test_forecast_is_saved_whole_and_read_back(store: RunStore, flagship: Path) -> None:
    result = forecast(flagship, model="median,compromise")
    run_id = store.save("forecast", result, preset=None, params={}, source=flagship)
    run = store.get(run_id)
    assert run.kind == "forecast"
    assert run.model == "median,compromise"
    assert run.result == json.loads(result.to_json())
    assert run.load_scenario() == result.scenario
    assert run.scenario_hash == scenario_hash(result.scenario.to_tree())
    assert run.source == str(flagship)
    assert run.started_at <= run.finished_at
    assert run.started_at.tzinfo is not None
    assert run.detente_version


def test_long_table_holds_every_number(store: RunStore, flagship: Path) -> None:
    result = forecast(flagship, model="median")
    table = store.values(store.save("forecast", result))
    got = table[table.quantity == "forecast"].set_index("issue")["value"].to_dict()
    assert got == result["median"].forecasts
    gains = table[table.quantity == "gain"].set_index("actor")["value"].to_dict()
    assert gains == pytest.approx(result["median"].gains)


def test_per_round_positions_are_rows(store: RunStore) -> None:
    # A hand-made result of a dynamic model: 2 rounds, one issue, two actors.
    result = {
        "scenario": "two actors",
        "models": {
            "toy": {
                "forecasts": {"a": 6.0},
                "gains": {"X": -0.4, "Y": 0.6},
                "rounds": [{"a": {"X": 2.0, "Y": 10.0}}, {"a": {"X": 5.0, "Y": 7.0}}],
            }
        },
    }
    scenario = load_tree()
    table = store.values(store.save("forecast", result, scenario))
    positions = table[table.quantity == "position"]
    assert positions[["round", "actor", "value"]].values.tolist() == [
        [0, "X", 2.0],
        [0, "Y", 10.0],
        [1, "X", 5.0],
        [1, "Y", 7.0],
    ]


def load_tree():
    from detente.scenario import Scenario

    return Scenario.from_tree(SCENARIO)


def test_same_scenario_hashes_the_same_in_every_format(tmp_path: Path, flagship: Path) -> None:
    scenario = load(flagship)
    hashes = set()
    for suffix in (".yaml", ".csv", ".xlsx"):
        save(scenario, tmp_path / f"s{suffix}")
        hashes.add(scenario_hash(load(tmp_path / f"s{suffix}").to_tree()))
    assert len(hashes) == 1


def test_list_filters_and_orders_newest_first(store: RunStore, flagship: Path) -> None:
    first = store.save("forecast", forecast(flagship, model="median"))
    second = store.save("forecast", {"models": {}}, load_tree(), model="median")
    assert [r.id for r in store.runs()] == [second, first]
    assert [r.id for r in store.runs(scenario="RUSSIA")] == [first]
    assert [r.id for r in store.runs(scenario=store.get(second).scenario_hash[:8])] == [second]
    assert [r.id for r in store.runs(scenario="100%")] == []
    assert store.runs(kind="simulate") == []
    assert len(store.runs(limit=1)) == 1


def test_list_by_scenario_file(store: RunStore, flagship: Path, tmp_path: Path) -> None:
    scenario = load(flagship)
    from_yaml = store.save("forecast", forecast(flagship, model="median"), source=flagship)
    # The same scenario from another file and format: found by its content's hash.
    save(scenario, tmp_path / "copy.xlsx")
    from_xlsx = store.save(
        "forecast", forecast(tmp_path / "copy.xlsx", model="median"), source="elsewhere.xlsx"
    )
    other = store.save("forecast", {"models": {}}, load_tree(), model="median")
    assert [r.id for r in store.runs(file=flagship)] == [from_xlsx, from_yaml]
    assert [r.id for r in store.runs(file=tmp_path / "copy.xlsx")] == [from_xlsx, from_yaml]
    assert [r.id for r in store.runs(file=flagship, kind="simulate")] == []
    # A file edited since its runs: they are still its runs, by the path they were saved from.
    edited = tmp_path / "edited.yaml"
    save(scenario, edited)
    before = store.save("forecast", {"models": {}}, scenario, source=edited)
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace(scenario.title, "Renamed"), encoding="utf-8")
    assert [r.id for r in store.runs(file=edited)] == [before]
    assert [r.id for r in store.runs(file=str(edited.absolute()))] == [before]
    assert other not in [r.id for r in store.runs(file=flagship)]
    # A title search never reads a file, even when the text names one.
    assert store.runs(scenario=str(flagship)) == []


def test_list_by_scenario_file_that_is_no_scenario(store: RunStore, tmp_path: Path) -> None:
    from detente.errors import ScenarioError

    junk = tmp_path / "junk.yaml"
    junk.write_text("just: text\n", encoding="utf-8")
    with pytest.raises(ScenarioError):
        store.runs(file=junk)


def test_delete_removes_run_and_numbers(store: RunStore, flagship: Path) -> None:
    run_id = store.save("forecast", forecast(flagship, model="median"))
    sim_id = store.save("simulate", simulate(flagship, model="median", draws=20))
    store.delete(run_id)
    store.delete(sim_id)
    with pytest.raises(StoreError, match=f"no run {run_id}"):
        store.get(run_id)
    with store.engine.connect() as conn:
        for table in (store_module.values_table, store_module.draws_table):
            assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0
    with pytest.raises(StoreError, match="no run"):
        store.delete(run_id)


def test_missing_run_names_the_store_and_briefly_not(store: RunStore) -> None:
    with pytest.raises(RunNotFoundError) as caught:
        store.get(99999)
    assert caught.value.run_id == 99999
    assert str(caught.value) == f"no run 99999 in {store.url} (see `detente runs list`)"
    assert caught.value.brief == "no run 99999"
    for method in (store.draws, store.values, store.delete):
        with pytest.raises(RunNotFoundError):
            method(99999)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_export(store: RunStore, flagship: Path, tmp_path: Path, fmt: str) -> None:
    result = forecast(flagship, model="median")
    run_id = store.save("forecast", result)
    path = store.export(run_id, fmt, tmp_path / f"run.{fmt}")
    if fmt == "json":
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["result"] == json.loads(result.to_json())
        assert data["scenario"] == result.scenario.to_tree()
        return
    table = pd.read_csv(path) if fmt == "csv" else pd.read_parquet(path)
    expected = store.values(run_id)
    assert list(table.columns) == list(expected.columns)
    assert table["value"].tolist() == pytest.approx(expected["value"].tolist(), nan_ok=True)


def test_unknown_format_and_kind_are_refused(store: RunStore, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="valid formats: csv, parquet, json"):
        store.export(1, "xml", tmp_path / "x")
    with pytest.raises(StoreError, match="valid kinds"):
        store.save("guess", {}, load_tree())


def test_simulate_and_sensitivity_numbers(store: RunStore, flagship: Path) -> None:
    from detente.sensitivity import sensitivity
    from detente.uncertainty import simulate

    sim = simulate(flagship, model="compromise", draws=200, seed=3)
    table = store.values(store.save("simulate", sim))
    run = store.runs()[0]
    assert run.seed == 3
    p50 = table[(table.quantity == "forecast") & (table.stat == "p50")]
    expected = {k: v["p50"] for k, v in sim["compromise"].issues().items()}
    assert dict(zip(p50.issue, p50.value, strict=True)) == expected
    sens = sensitivity(flagship, model="compromise", draws=64)
    table = store.values(store.save("sensitivity", sens))
    top = sens["compromise"].ranking["territory"][0]
    row = table[(table.quantity == "index") & (table.issue == "territory")].iloc[0]
    assert (row.stat, row.value) == (top.input, pytest.approx(top.index))


def test_simulate_keeps_every_draw(store: RunStore, flagship: Path) -> None:
    sim = simulate(flagship, model="median,compromise", draws=300, seed=5)
    run_id = store.save("simulate", sim)
    draws = store.draws(run_id)
    assert [(d.model, d.quantity) for d in draws] == [
        ("median", "forecast"),
        ("median", "gain"),
        ("compromise", "forecast"),
        ("compromise", "gain"),
    ]
    for d in draws:
        kept = sim[d.model]
        expected = kept.forecasts if d.quantity == "forecast" else kept.gains
        assert d.columns == (kept.issue_ids if d.quantity == "forecast" else kept.actor_ids)
        assert d.values.dtype == np.float64 and d.values.shape == (300, len(d.columns))
        np.testing.assert_array_equal(d.values, expected)  # bit for bit, NaN included
    # The summaries saved are those of the same draws.
    p95 = store.values(run_id).query(
        "model == 'compromise' and quantity == 'forecast' and stat == 'p95'"
    )
    compromise = draws[2]
    assert len(p95) == len(compromise.columns)
    for issue, value in zip(p95.issue, p95.value, strict=True):
        column = compromise.values[:, compromise.columns.index(issue)]
        assert value == pytest.approx(np.percentile(column, 95))
    table = store.draws_table(run_id)
    assert list(table.columns) == list(DRAW_COLUMNS)
    assert len(table) == 2 * 300 * (5 + 5)
    row = table[(table.model == "compromise") & (table.draw == 7) & (table.issue == "nato")]
    assert (
        row.value.item()
        == sim["compromise"].forecasts[7, sim["compromise"].issue_ids.index("nato")]
    )
    gain = table[(table.model == "median") & (table.draw == 0) & (table.actor == "RU")]
    assert gain.value.item() == sim["median"].gains[0, sim["median"].actor_ids.index("RU")]
    assert table[table.quantity == "forecast"].actor.isna().all()


def test_only_result_objects_of_simulate_runs_leave_draws(store: RunStore, flagship: Path) -> None:
    sim = simulate(flagship, model="median", draws=20)
    from_dict = store.save("simulate", sim.to_dict(), sim.scenario)
    assert store.draws(from_dict) == []
    assert store.draws(store.save("forecast", forecast(flagship, model="median"))) == []
    assert store.draws_table(from_dict).empty
    assert list(store.draws_table(from_dict).columns) == list(DRAW_COLUMNS)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_export_draws(store: RunStore, flagship: Path, tmp_path: Path, fmt: str) -> None:
    sim = simulate(flagship, model="compromise", draws=50, seed=1)
    run_id = store.save("simulate", sim)
    path = store.export(run_id, fmt, tmp_path / f"draws.{fmt}", draws=True)
    if fmt == "json":
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["result"] == json.loads(sim.to_json())
        forecasts = data["draws"][0]
        assert (forecasts["model"], forecasts["quantity"]) == ("compromise", "forecast")
        assert forecasts["columns"] == list(sim["compromise"].issue_ids)
        assert forecasts["values"] == sim["compromise"].forecasts.tolist()
        assert data["draws"][1]["values"] == sim["compromise"].gains.tolist()
        return
    table = pd.read_csv(path) if fmt == "csv" else pd.read_parquet(path)
    expected = store.draws_table(run_id)
    assert list(table.columns) == list(DRAW_COLUMNS)
    assert table["value"].tolist() == pytest.approx(expected["value"].tolist())
    assert table["draw"].tolist() == expected["draw"].tolist()


def test_export_draws_of_a_run_without_them_is_refused(
    store: RunStore, flagship: Path, tmp_path: Path
) -> None:
    run_id = store.save("forecast", forecast(flagship, model="median"))
    with pytest.raises(StoreError, match="is a forecast run: only simulate runs keep"):
        store.export(run_id, "csv", tmp_path / "x.csv", draws=True)
    assert not (tmp_path / "x.csv").exists()


def test_draws_json_writes_nan_as_null() -> None:
    draws = store_module.Draws("m", "forecast", ("a", "b"), np.array([[1.0, np.nan]]))
    assert draws.to_dict()["values"] == [[1.0, None]]


def test_schema_version_is_recorded(store: RunStore) -> None:
    assert store.schema_version() == store_module.SCHEMA_VERSION == max(store_module.MIGRATIONS)
    assert sorted(store_module.MIGRATIONS) == list(range(1, store_module.SCHEMA_VERSION + 1))


def test_migration_steps_run_once_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flagship: Path
) -> None:
    path = tmp_path / "old.sqlite"
    with RunStore(path) as old:
        kept = old.save("forecast", forecast(flagship, model="median"))
    calls = []
    step = store_module.SCHEMA_VERSION + 1

    def add_label(conn: sa.Connection) -> None:
        calls.append(step)
        conn.execute(sa.text("ALTER TABLE runs ADD COLUMN label TEXT"))

    monkeypatch.setitem(store_module.MIGRATIONS, step, add_label)
    monkeypatch.setattr(store_schema, "SCHEMA_VERSION", step)
    for _ in range(2):
        with RunStore(path) as new:
            assert new.schema_version() == step
            assert new.get(kept).model == "median"
    assert calls == [step]
    with sa.create_engine(f"sqlite:///{path}").connect() as conn:
        assert "label" in {c["name"] for c in sa.inspect(conn).get_columns("runs")}


def test_version_1_store_gains_the_draws_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flagship: Path
) -> None:
    path = tmp_path / "v1.sqlite"
    with monkeypatch.context() as v1:
        v1.setattr(store_schema, "MIGRATIONS", {1: store_module.MIGRATIONS[1]})
        v1.setattr(store_schema, "SCHEMA_VERSION", 1)
        v1.setattr(store_runs, "draw_arrays", lambda kind, result: [])  # as v1 saved
        with RunStore(path) as old:
            assert old.schema_version() == 1
            old_sim = old.save("simulate", simulate(flagship, model="median", draws=20))
    with sa.create_engine(f"sqlite:///{path}").connect() as conn:
        assert "run_draws" not in sa.inspect(conn).get_table_names()
    with RunStore(path) as new:
        assert new.schema_version() == store_module.SCHEMA_VERSION
        assert new.get(old_sim).kind == "simulate"
        assert len(new.values(old_sim)) > 0
        assert new.draws(old_sim) == []  # saved before the store kept draws
        with pytest.raises(StoreError, match="saved before the store kept them"):
            new.export(old_sim, "csv", tmp_path / "d.csv", draws=True)
        fresh = new.save("simulate", simulate(flagship, model="median", draws=20))
        assert [d.quantity for d in new.draws(fresh)] == ["forecast", "gain"]
        with new.engine.connect() as conn:
            applied = conn.execute(sa.select(store_module.schema_table.c.version)).scalars()
            assert sorted(applied) == list(range(1, store_module.SCHEMA_VERSION + 1))


def test_newer_schema_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "new.sqlite"
    RunStore(path).close()
    with sa.create_engine(f"sqlite:///{path}").begin() as conn:
        conn.execute(
            store_module.schema_table.insert().values(version=9, applied_at=pd.Timestamp.now())
        )
    with pytest.raises(StoreError, match="schema version 9, newer"):
        RunStore(path)


def test_url_resolution(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DETENTE_DB", str(tmp_path / "env.sqlite"))
    assert resolve_url() == f"sqlite:///{tmp_path / 'env.sqlite'}"
    assert resolve_url("sqlite:///elsewhere.db") == "sqlite:///elsewhere.db"
    monkeypatch.delenv("DETENTE_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert resolve_url() == f"sqlite:///{tmp_path / 'data' / 'detente' / 'runs.sqlite'}"


def test_unreachable_store_is_a_clear_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    with pytest.raises(StoreError, match="cannot open the run store"):
        RunStore(f"sqlite:///{blocked}/runs.sqlite")


def _writer(url: str, tag: int, count: int) -> None:
    scenario = load_tree()
    for k in range(count):
        numbers = {"a": float(tag * 1000 + k)}
        save_run(
            "forecast",
            {"models": {f"w{tag}": {"forecasts": numbers, "gains": {"X": 0.0, "Y": 0.0}}}},
            scenario,
            db=url,
            options={"tag": tag, "k": k},
        )


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    count = 25
    ctx = multiprocessing.get_context("fork")
    writers = [ctx.Process(target=_writer, args=(url, tag, count)) for tag in (1, 2)]
    for w in writers:
        w.start()
    for w in writers:
        w.join(60)
        assert w.exitcode == 0
    with RunStore(url) as store:
        runs = [store.get(r.id) for r in store.runs()]
        assert len(runs) == 2 * count
        seen = {(r.options["tag"], r.options["k"]) for r in runs}
        assert seen == {(t, k) for t in (1, 2) for k in range(count)}
        for r in runs:
            table = store.values(r.id)
            forecast_value = table[table.quantity == "forecast"]["value"].tolist()
            assert forecast_value == [r.options["tag"] * 1000 + r.options["k"]]
        with store.engine.connect() as conn:
            mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        assert mode == "wal"


POSTGRES_URL = os.environ.get("DETENTE_TEST_POSTGRES")


@pytest.mark.skipif(
    POSTGRES_URL is None,
    reason="PostgreSQL: set DETENTE_TEST_POSTGRES=postgresql+psycopg://... to test a server",
)
def test_postgresql_round_trip(flagship: Path) -> None:
    with RunStore(POSTGRES_URL) as store:
        result = forecast(flagship, model="median")
        run_id = store.save("forecast", result)
        assert store.get(run_id).result == json.loads(result.to_json())
        assert len(store.values(run_id)) == len(
            store_module.value_rows("forecast", result.to_dict())
        )
        store.delete(run_id)
        sim = simulate(flagship, model="median", draws=20)
        sim_id = store.save("simulate", sim)
        np.testing.assert_array_equal(store.draws(sim_id)[0].values, sim["median"].forecasts)
        store.delete(sim_id)


def _first_opener(url: str, tag: int, count: int, barrier: Any) -> None:
    barrier.wait()  # every process opens the new store at the same moment
    _writer(url, tag, count)


@pytest.mark.skipif(
    POSTGRES_URL is None,
    reason="PostgreSQL: set DETENTE_TEST_POSTGRES=postgresql+psycopg://... to test a server",
)
def test_postgresql_concurrent_first_opens_lose_nothing() -> None:
    """Issue 12, finding 3: processes opening a new store at once lost runs
    (UniqueViolation on detente_schema; 4 writers x 1000 runs: 1002 lost)."""
    import uuid

    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"detente_race_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        writers, count = 4, 10
        ctx = multiprocessing.get_context("fork")
        barrier = ctx.Barrier(writers)
        procs = [
            ctx.Process(target=_first_opener, args=(url, tag, count, barrier))
            for tag in range(1, writers + 1)
        ]
        for p in procs:
            p.start()
        for p in procs:
            p.join(120)
        assert [p.exitcode for p in procs] == [0] * writers
        with RunStore(url) as store:
            runs = [store.get(r.id) for r in store.runs()]
            assert store.schema_version() == store_schema.SCHEMA_VERSION
            with store.engine.connect() as conn:
                versions = conn.execute(sa.select(store_schema.schema_table.c.version)).scalars()
                assert sorted(versions) == sorted(store_schema.MIGRATIONS)
        assert len(runs) == writers * count
        seen = {(r.options["tag"], r.options["k"]) for r in runs}
        assert seen == {(t, k) for t in range(1, writers + 1) for k in range(count)}
    finally:
        sa.create_engine(url).dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


def test_csv_export_keeps_formulas_out(tmp_path: Path) -> None:
    # Issue 12, finding 15: ids and texts such as "=1+1" were written as they are.
    import copy
    import csv

    from detente.scenario import Scenario

    tree = copy.deepcopy(SCENARIO)
    tree["actors"][0]["id"] = "=1+1"
    result = {"models": {"median": {"forecasts": {"a": -5.0}, "gains": {"=1+1": 0.5, "Y": -1.0}}}}
    with RunStore(f"sqlite:///{tmp_path / 'r.sqlite'}") as store:
        run_id = store.save("forecast", result, Scenario.from_tree(tree))
        path = store.export(run_id, None, tmp_path / "run.csv")
        assert store.export(run_id, None, tmp_path / "run.json").suffix == ".json"
    cells = [c for row in csv.reader(path.open()) for c in row]
    assert "'=1+1" in cells and "=1+1" not in cells
    assert "-5.0" in cells and "-1.0" in cells  # numbers are not guarded
