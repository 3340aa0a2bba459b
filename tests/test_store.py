"""The run store: runs saved whole, found, exported, removed; schema migrated; writers safe."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from detente import forecast, load, save
from detente import store as store_module
from detente.store import RunStore, StoreError, resolve_url, save_run, scenario_hash

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


def test_delete_removes_run_and_numbers(store: RunStore, flagship: Path) -> None:
    run_id = store.save("forecast", forecast(flagship, model="median"))
    store.delete(run_id)
    with pytest.raises(StoreError, match=f"no run {run_id}"):
        store.get(run_id)
    with store.engine.connect() as conn:
        left = conn.execute(sa.select(sa.func.count()).select_from(store_module.values_table))
        assert left.scalar() == 0
    with pytest.raises(StoreError, match="no run"):
        store.delete(run_id)


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


def test_schema_version_is_recorded(store: RunStore) -> None:
    assert store.schema_version() == store_module.SCHEMA_VERSION


def test_migration_steps_run_once_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flagship: Path
) -> None:
    path = tmp_path / "old.sqlite"
    with RunStore(path) as old:
        kept = old.save("forecast", forecast(flagship, model="median"))
    calls = []

    def add_label(conn: sa.Connection) -> None:
        calls.append(2)
        conn.execute(sa.text("ALTER TABLE runs ADD COLUMN label TEXT"))

    monkeypatch.setitem(store_module.MIGRATIONS, 2, add_label)
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 2)
    for _ in range(2):
        with RunStore(path) as new:
            assert new.schema_version() == 2
            assert new.get(kept).model == "median"
    assert calls == [2]
    with sa.create_engine(f"sqlite:///{path}").connect() as conn:
        assert "label" in {c["name"] for c in sa.inspect(conn).get_columns("runs")}


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
