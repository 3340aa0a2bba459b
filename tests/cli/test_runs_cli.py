"""Every forecast, simulate, sensitivity and compare is saved; ``detente runs`` finds them;
``detente compare`` and ``detente plot`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from detente.cli import app
from detente.store import RunStore

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "runs.sqlite")


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        ("forecast", ["--model", "median"]),
        ("simulate", ["--model", "compromise", "--draws", "50"]),
        ("sensitivity", ["--model", "compromise", "--draws", "8"]),
        ("compare", ["--model", "median", "--variant", "sanctions-bite"]),
    ],
)
def test_each_command_saves_its_run(
    flagship: Path, db: str, command: str, extra: list[str]
) -> None:
    code, out, err = invoke(command, str(flagship), "--json", "--db", db, *extra)
    assert code == 0, err
    assert "saved as run 1" in err
    with RunStore(db) as store:
        run = store.get(1)
    assert run.kind == command
    assert run.result == json.loads(out)  # stdout stays one JSON object, as saved
    assert run.source == str(flagship)
    if command in ("simulate", "sensitivity"):
        assert run.seed == 0 and run.options["draws"] == int(extra[-1])


def test_no_save(flagship: Path, db: str) -> None:
    code, _, err = invoke("forecast", str(flagship), "-m", "median", "--db", db, "--no-save")
    assert code == 0 and "saved" not in err
    with RunStore(db) as store:
        assert store.runs() == []


def test_default_store_is_detente_db(
    flagship: Path, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DETENTE_DB", db)
    assert invoke("forecast", str(flagship), "-m", "median")[0] == 0
    with RunStore(db) as store:
        assert [r.kind for r in store.runs()] == ["forecast"]


def test_unwritable_store_warns_and_still_answers(flagship: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    code, out, err = invoke(
        "forecast", str(flagship), "-m", "median", "--json", "--db", str(blocked / "x.sqlite")
    )
    assert code == 0
    assert "run not saved" in err
    assert json.loads(out)["models"]["median"]


def test_list_show_export_rm(flagship: Path, db: str, tmp_path: Path) -> None:
    invoke("forecast", str(flagship), "-m", "median", "--db", db)
    invoke("forecast", str(flagship), "-m", "eu", "--db", db)
    code, out, _ = invoke("runs", "list", "--db", db, "--json")
    assert code == 0
    listed = json.loads(out)
    assert [r["id"] for r in listed] == [2, 1]
    assert [r["model"] for r in listed] == ["eu", "median"]
    code, out, _ = invoke("runs", "list", "--db", db, "--scenario", "no such title")
    assert code == 0 and "no runs saved yet" not in out
    assert "no saved run in" in out and "matches --scenario 'no such title'" in out
    assert "--scenario matches a scenario file" in out and "part of a scenario title" in out
    code, out, _ = invoke("runs", "list", "--db", db)
    assert "Ending" in out and "median" in out

    code, out, _ = invoke("runs", "show", "2", "--db", db)
    assert code == 0 and "forecast of Ending the Russia" in out and "Territory" in out
    code, out, _ = invoke("runs", "show", "2", "--db", db, "--json")
    shown = json.loads(out)
    assert shown["id"] == 2 and shown["result"]["models"]["eu"]["rounds"]

    target = tmp_path / "r.csv"
    code, out, _ = invoke("runs", "export", "2", "--format", "csv", "-o", str(target), "--db", db)
    assert code == 0 and "wrote" in out
    table = pd.read_csv(target)
    assert set(table["quantity"]) == {"forecast", "gain", "position"}
    rounds = len(shown["result"]["models"]["eu"]["rounds"])
    assert (table["quantity"] == "position").sum() == rounds * 5 * 5  # rounds x issues x actors

    code, _, err = invoke("runs", "export", "2", "--format", "xml", "--db", db)
    assert code == 2 and "valid formats: csv, parquet, json" in err

    code, out, _ = invoke("runs", "rm", "1", "--db", db)
    assert code == 0 and "removed run 1" in out
    code, _, err = invoke("runs", "show", "1", "--db", db)
    assert code == 2 and "no run 1" in err and "Traceback" not in err


def test_list_says_why_it_shows_nothing(flagship: Path, db: str) -> None:
    code, out, _ = invoke("runs", "list", "--db", db)
    assert code == 0 and "no runs saved yet" in out
    code, out, _ = invoke("runs", "list", "--db", db, "--scenario", "Ukraine")
    assert code == 0 and "no runs saved yet" in out  # nothing to match: the store is empty
    invoke("forecast", str(flagship), "-m", "median", "--db", db)
    code, out, _ = invoke("runs", "list", "--db", db, "--kind", "simulat")
    assert code == 0 and "matches --kind 'simulat' (kinds: forecast, simulate" in out
    assert "--scenario matches" not in out  # not asked about


def test_list_by_scenario_file(flagship: Path, db: str, tmp_path: Path) -> None:
    from detente import load, save

    invoke("forecast", str(flagship), "-m", "median", "--db", db)
    other = tmp_path / "other.yaml"
    text = flagship.read_text(encoding="utf-8").replace("Ending the", "Ending, perhaps, the")
    other.write_text(text, encoding="utf-8")
    invoke("forecast", str(other), "-m", "median", "--db", db)
    copy = tmp_path / "copy.xlsx"
    save(load(flagship), copy)
    for given in (str(flagship), str(copy)):
        code, out, err = invoke("runs", "list", "--db", db, "--scenario", given, "--json")
        assert code == 0, err
        assert [r["id"] for r in json.loads(out)] == [1], given
    code, out, _ = invoke("runs", "list", "--db", db, "--scenario", str(other), "--json")
    assert [r["id"] for r in json.loads(out)] == [2]
    # The title still matches both.
    code, out, _ = invoke("runs", "list", "--db", db, "--scenario", "ending", "--json")
    assert [r["id"] for r in json.loads(out)] == [2, 1]
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: [\n", encoding="utf-8")
    code, _, err = invoke("runs", "list", "--db", db, "--scenario", str(broken))
    assert code == 2 and "broken.yaml" in err and "Traceback" not in err
    code, out, _ = invoke("runs", "list", "--help")
    assert "scenario file" in out


def test_show_prints_each_kind_in_tables(flagship: Path, db: str) -> None:
    invoke("simulate", str(flagship), "-m", "compromise", "--draws", "200", "--db", db)
    invoke("sensitivity", str(flagship), "-m", "compromise", "--draws", "16", "--db", db)
    invoke("compare", str(flagship), "-m", "median", "-w", "RU.capability*=0.5", "--db", db)
    shown = {}
    for run_id in (1, 2, 3):
        code, out, err = invoke("runs", "show", str(run_id), "--db", db)
        assert code == 0, err
        assert "characters of JSON" not in out
        assert f"detente runs show {run_id} --json" in out
        shown[run_id] = out
    with RunStore(db) as store:
        sim = store.get(1).result["models"]["compromise"]
        sens = store.get(2).result["models"]["compromise"]
        comp = store.get(3).result
    territory = sim["issues"]["territory"]
    assert "compromise: 200 draws, seed 0" in shown[1]
    assert "90% interval" in shown[1] and "chance of a gain" in shown[1]
    assert f"{territory['p05']:.1f}–{territory['p95']:.1f}" in shown[1]
    assert f"{territory['mean']:.1f}" in shown[1]
    assert "draws kept" in shown[1] and "detente runs export 1 --draws" in shown[1]
    top = sens["territory"][0]
    assert "Territory: forecast" in shown[2] and top["input"] in shown[2]
    assert f"{top['index']:.3f}" in shown[2]
    change = comp["delta"]["RU.capability*=0.5"]["median"]["forecasts"]["territory"]
    assert "What-ifs: forecasts [median]" in shown[3] and "RU.capability*=0.5" in shown[3]
    assert f"({change:+.1f})" in shown[3]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_export_draws(flagship: Path, db: str, tmp_path: Path, fmt: str) -> None:
    invoke("simulate", str(flagship), "-m", "median,compromise", "--draws", "40", "--db", db)
    target = tmp_path / f"d.{fmt}"
    code, _, err = invoke(
        "runs", "export", "1", "--draws", "-f", fmt, "-o", str(target), "--db", db
    )
    assert code == 0, err
    if fmt == "json":
        data = json.loads(target.read_text(encoding="utf-8"))
        assert data["id"] == 1 and data["result"]["draws"] == 40
        assert [(d["model"], d["quantity"]) for d in data["draws"]] == [
            ("median", "forecast"),
            ("median", "gain"),
            ("compromise", "forecast"),
            ("compromise", "gain"),
        ]
        assert all(len(d["values"]) == 40 for d in data["draws"])
        return
    table = pd.read_csv(target) if fmt == "csv" else pd.read_parquet(target)
    assert list(table.columns) == ["run_id", "model", "quantity", "draw", "issue", "actor", "value"]
    assert len(table) == 2 * 40 * (5 + 5)
    assert sorted(set(table["draw"])) == list(range(40))


def test_export_draws_default_name_and_refusal(
    flagship: Path, db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    invoke("simulate", str(flagship), "-m", "median", "--draws", "10", "--db", db)
    invoke("forecast", str(flagship), "-m", "median", "--db", db)
    code, _, _ = invoke("runs", "export", "1", "--draws", "-f", "csv", "--db", db)
    assert code == 0 and (tmp_path / "run-1-draws.csv").is_file()
    code, _, err = invoke("runs", "export", "2", "--draws", "-f", "csv", "--db", db)
    assert code == 2 and "run 2 is a forecast run: only simulate runs keep" in err
    assert not (tmp_path / "run-2-draws.csv").exists()


def test_compare_cli_table_and_json(flagship: Path, db: str) -> None:
    code, out, err = invoke(
        "compare", str(flagship), "-m", "compromise", "--what-if", "RU.capability*=0.5", "--db", db
    )
    assert code == 0, err
    assert "RU.capability*=0.5" in out and "baseline" in out
    code, out, _ = invoke(
        "compare",
        str(flagship),
        "-m",
        "compromise",
        "-w",
        "RU.capability*=0.5",
        "--json",
        "--no-save",
    )
    data = json.loads(out)
    assert set(data) == {"baseline", "variants", "delta"}
    assert data["delta"]["RU.capability*=0.5"]["compromise"]["forecasts"]["territory"] < 0
    code, _, err = invoke("compare", str(flagship), "-w", "RU.clout=1", "--no-save")
    assert code == 2 and "cannot read" in err and "Traceback" not in err
    code, _, err = invoke("compare", str(flagship), "-v", "nope", "--no-save")
    assert code == 2 and "use one of: table-only, ukraine-europe-at-table" in err


def test_plot_from_scenario_and_from_run(flagship: Path, db: str, tmp_path: Path) -> None:
    out_file = tmp_path / "g.svg"
    code, _, err = invoke(
        "plot", str(flagship), "--kind", "gains", "-m", "median", "-o", str(out_file), "--db", db
    )
    assert code == 0, err
    assert out_file.read_text(encoding="utf-8").startswith("<?xml")
    # The forecast the chart needed was saved; the chart can be drawn from it again.
    png = tmp_path / "r.png"
    code, _, err = invoke(
        "plot", "1", "--kind", "rounds", "-o", str(png), "--db", db, "--lang", "zh"
    )
    assert code == 0, err
    assert png.read_bytes()[:4] == b"\x89PNG"
    code, _, err = invoke("plot", "1", "--kind", "distribution", "-o", str(png), "--db", db)
    assert (
        code == 2
        and "run 1 is a forecast run; a distribution chart is drawn from a simulate" in err
    )
    code, _, err = invoke("plot", str(flagship), "--kind", "pie", "-o", str(png), "--no-save")
    assert code == 2 and "valid kinds" in err
    code, _, err = invoke("plot", str(flagship), "--kind", "gains", "-o", str(tmp_path / "x.gif"))
    assert code == 2 and "use one of: .png, .svg" in err


def test_plot_without_matplotlib_says_what_to_install(
    flagship: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    real = builtins.__import__

    def no_charts(name: str, *args: object, **kwargs: object) -> object:
        if name == "detente.report" or name.startswith("matplotlib"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_charts)
    code, _, err = invoke("plot", str(flagship), "--kind", "gains", "-o", str(tmp_path / "g.png"))
    assert code == 2 and "pip install 'detente[viz]'" in err


def test_export_format_follows_the_extension(flagship: Path, db: str, tmp_path: Path) -> None:
    # Issue 12, finding 16: `runs export 9 -o run9.csv` wrote JSON into the .csv.
    invoke("forecast", str(flagship), "-m", "median", "--db", db)
    code, _, err = invoke("runs", "export", "1", "-o", str(tmp_path / "run1.csv"), "--db", db)
    assert code == 0, err
    assert list(pd.read_csv(tmp_path / "run1.csv").columns)[:3] == ["run_id", "variant", "model"]
    code, _, _ = invoke("runs", "export", "1", "-o", str(tmp_path / "run1.JSON"), "--db", db)
    assert code == 0 and json.loads((tmp_path / "run1.JSON").read_text())["id"] == 1
    code, _, err = invoke("runs", "export", "1", "-f", "json", "-o", str(tmp_path / "r.csv"))
    assert code == 2 and "--format json disagrees with the file's extension .csv" in err
    code, _, err = invoke("runs", "export", "1", "-o", str(tmp_path / "r.txt"), "--db", db)
    assert code == 2 and "cannot tell the format from '.txt'" in err
    assert not (tmp_path / "r.csv").exists() and not (tmp_path / "r.txt").exists()
