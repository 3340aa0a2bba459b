"""The run page leads with the same headline as ``detente forecast --json``: per issue the
central forecast and its 90% forecast interval (issue 14), in English and in Chinese."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from detente.cli import app as cli
from detente.web.messages import MESSAGES
from tests.web.conftest import FLAGSHIP
from tests.web.test_runs import wait


def _cli_summary() -> dict:  # type: ignore[type-arg]
    out = CliRunner().invoke(cli, ["forecast", str(FLAGSHIP), "--json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)["summary"]  # type: ignore[no-any-return]


def _row(page: str, issue: str) -> str:
    """The headline table's row of ``issue``."""
    table = page.split('<table class="forecast headline">', 1)[1].split("</table>", 1)[0]
    match = re.search(rf'<tr data-issue="{issue}">(.*?)</tr>', table, re.S)
    assert match, f"no headline row for {issue}"
    return match.group(1)


def test_the_run_page_shows_the_cli_headline(client: TestClient) -> None:
    summary = _cli_summary()
    run = client.post("/api/forecast", json={"scenario": "ukraine-2025"})
    assert run.status_code == 200, run.text
    run_id = run.headers["x-detente-run"]
    for lang in ("en", "zh"):
        page = client.get(f"/runs/{run_id}?lang={lang}").text
        words = MESSAGES[lang]
        assert words["result.interval90"] in page
        assert words["result.calibration"] in page
        for issue, central in summary["central"].items():
            low, high = summary["interval"]["90"][issue]
            row = _row(page, issue)
            assert f">{central:.1f}<" in row
            assert f"[{low:.1f}, {high:.1f}]" in row
    # the flagship's veto players refuse the central forecast: the nearest package shows
    nearest = summary["ratification"]["nearest"]
    page = client.get(f"/runs/{run_id}?lang=en").text
    assert 'class="forecast nearest"' in page
    assert f">{nearest['territory']:.1f}<" in page
    assert "forecast interval" in page


def test_simulate_names_its_input_band(client: TestClient) -> None:
    body = {"kind": "simulate", "scenario": "ukraine-2025", "model": "compromise", "draws": 50}
    job = wait(client, client.post("/api/jobs", json=body).json()["id"])
    page = client.get(f"/runs/{job['run_id']}?lang=zh").text
    assert "输入波动带" in page and "90%预测区间" in page
