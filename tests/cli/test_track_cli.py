"""``detente track``: JSON interface, exit 2 on refused input, a screen that reads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from detente.cli import app
from tests.conftest import EXAMPLES

TRACK = EXAMPLES / "ukraine-2025-26"
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "100"})
    return result.exit_code, result.stdout, result.stderr


def test_json_lists_snapshots_by_date_whatever_the_order_given() -> None:
    files = sorted(TRACK.glob("20*.yaml"), reverse=True)
    code, out, _ = invoke(
        "track",
        *map(str, files),
        "--observed",
        str(TRACK / "observed.yaml"),
        "--model",
        "median",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    days = [s["as_of"] for s in data["snapshots"]]
    assert days == sorted(days)
    assert data["snapshots"][0]["file"] == str(TRACK / "2025-02-19.yaml")
    assert {s["kind"] for s in data["scores"]} == {"outcome", "proposal"}


def test_screen_fits_100_columns_and_says_a_proposal_is_not_an_outcome() -> None:
    code, out, _ = invoke("track", str(TRACK))
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "A proposal is not an outcome" in out
    assert "Scored against later outcomes" in out and "Scored against later proposals" in out
    assert "what changed since 2025-02-19" in out


def test_refusals_exit_2_naming_file_entry_and_fix(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    shutil.copytree(TRACK, folder)
    shutil.copy(folder / "2025-04-25.yaml", folder / "copy.yaml")
    code, _, err = invoke("track", str(folder))
    assert code == 2
    assert "copy.yaml: as_of: 2025-04-25 is also the date of" in err
    assert "Traceback" not in err

    seen = tmp_path / "seen.yaml"
    seen.write_text(
        "observations:\n"
        "  - {date: 2025-06-01, issue: nato, value: 140, kind: outcome, source: s}\n",
        encoding="utf-8",
    )
    code, _, err = invoke("track", str(TRACK), "--observed", str(seen))
    assert code == 2
    assert f"{seen}: observation 1 (2025-06-01, nato): value 140 is outside" in err
    assert "fix:" in err


def test_a_track_run_is_saved_and_shown_like_every_run(tmp_path: Path) -> None:
    db = str(tmp_path / "runs.sqlite")
    code, printed, err = invoke("track", str(TRACK), "--db", db, "--detail")
    assert code == 0 and "saved as run 1" in err
    code, out, _ = invoke("runs", "show", "1", "--db", db)
    assert code == 0
    assert "run 1: track of" in out
    # Exactly what `detente track` printed, every score included.
    assert "Every score" in printed and printed in out
    assert "what changed since 2025-04-25" in out
    assert "A proposal is not an outcome" in out
    # Its chart, drawn again from the store alone.
    code, out, _ = invoke("plot", "1", "--kind", "track", "--db", db, "-o", str(tmp_path / "t.svg"))
    assert code == 0 and (tmp_path / "t.svg").read_text(encoding="utf-8").startswith("<?xml")
    code, _, err = invoke(
        "forecast", str(EXAMPLES / "ukraine-2025.yaml"), "-m", "median", "--db", db
    )
    assert code == 0 and "saved as run 2" in err
    code, _, err = invoke("plot", "2", "--kind", "track", "--db", db, "-o", str(tmp_path / "f.svg"))
    assert code == 2 and "run 2 is a forecast run; a track chart is drawn from a track run" in err
    code, out, _ = invoke(
        "runs", "export", "1", "--db", db, "--format", "json", "-o", str(tmp_path / "r.json")
    )
    assert code == 0
    saved = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert saved["result"]["snapshots"][0]["as_of"] == "2025-02-19"


def test_no_save_saves_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "runs.sqlite")
    code, _, err = invoke("track", str(TRACK), "--db", db, "--no-save")
    assert code == 0 and "saved as run" not in err
