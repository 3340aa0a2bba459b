"""The track briefing: one self-contained file, in English and Chinese."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("jinja2")

from markupsafe import escape
from typer.testing import CliRunner

from detente.cli import app
from detente.report.track_html import render
from detente.track import Track, track
from tests.conftest import EXAMPLES

TRACK = EXAMPLES / "ukraine-2025-26"
NOW = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def result() -> Track:
    return track(TRACK, model="compromise")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_briefing_holds_chart_changes_notes_and_scores(result: Track, lang: str) -> None:
    html = render(result, lang=lang, now=NOW)
    assert html.count("<svg") == 1 and "http" not in html.split("<body>")[0]
    for section in ("moved", "changes", "fared", "sources"):
        assert f'<section id="{section}">' in html
    for point in result.points[1:]:
        for change in point.changes:
            assert escape(str(change.note)) in html
    sentence = "A proposal is not an outcome" if lang == "en" else "提案不是结果"
    assert sentence in html


def test_report_command_writes_the_track_briefing(tmp_path: Path) -> None:
    output = tmp_path / "track.html"
    outcome = CliRunner().invoke(app, ["report", str(TRACK), "-o", str(output), "--lang", "zh"])
    assert outcome.exit_code == 0, outcome.stderr
    assert "追踪简报" in output.read_text(encoding="utf-8")
