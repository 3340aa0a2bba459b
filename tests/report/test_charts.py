"""Every chart kind renders for every model, in English and Chinese, as PNG and SVG."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("matplotlib")

from detente import forecast, load
from detente.errors import ParameterError
from detente.models import REGISTRY
from detente.report import charts, fonts
from detente.scenario import Scenario
from detente.sensitivity import sensitivity
from detente.uncertainty import simulate

# Small enough that every model (exchange, smp included) runs in a blink.
SMALL = {
    "title": "三方谈判 small",
    "issues": [
        {"id": "a", "name": "Tariff", "scale": [0, 100], "status_quo": 20},
        {"id": "b", "name": "Quota", "scale": [0, 10], "status_quo": 8},
    ],
    "actors": [
        {
            "id": "X",
            "name": "Exporter",
            "capability": {"value": 50, "low": 40, "high": 60},
            "positions": {"a": 10, "b": 2},
            "salience": {"a": 0.9, "b": 0.3},
        },
        {
            "id": "Y",
            "name": "Importer",
            "capability": 40,
            "positions": {"a": {"value": 80, "low": 60, "high": 90}, "b": 9},
            "salience": {"a": 0.4, "b": 0.8},
        },
        {
            "id": "Z",
            "name": "Broker",
            "capability": 30,
            "positions": {"a": 50, "b": 5},
            "salience": {"a": 0.5, "b": 0.5},
        },
        {
            "id": "W",
            "name": "Bystander",
            "capability": 20,
            "at_table": False,
            "positions": {"a": 0, "b": None},
            "salience": {"a": 0.2, "b": None},
        },
    ],
}
MODELS = list(REGISTRY)
EVERY = ",".join(MODELS)


@pytest.fixture(scope="module")
def small() -> Scenario:
    return Scenario.from_tree(SMALL)


@pytest.fixture(scope="module")
def results(small: Scenario) -> dict[str, dict[str, Any]]:
    return {
        "forecast": forecast(small, model=EVERY).to_dict(),
        "simulate": simulate(small, model=EVERY, draws=8, seed=1).to_dict(),
        "sensitivity": sensitivity(small, model=EVERY, draws=2, seed=1).to_dict(),
    }


def _svg_text_free(svg: str) -> None:
    # Glyphs are drawn as paths: the file needs no font and fetches nothing.
    assert "<text" not in svg
    assert not re.search(r"""(href|src)=["'](https?:)?//""", svg)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("kind", ["rounds", "gains", "distribution", "tornado"])
def test_every_kind_renders_for_every_model(
    small: Scenario, results: dict[str, dict[str, Any]], kind: str, model: str
) -> None:
    source = charts.SOURCES[kind]
    if model not in results[source]["models"]:
        pytest.fail(f"{model} did not run: {results[source].get('skipped')}")
    chart = charts.chart(kind, small, results[source], model=model, issue="a")
    assert chart.to_png(dpi=30)[:8] == b"\x89PNG\r\n\x1a\n"
    if model == "eu":
        svg = chart.to_svg()
        assert svg.startswith("<?xml")
        _svg_text_free(svg)


def test_challenge_map_of_eu(small: Scenario, results: dict[str, dict[str, Any]]) -> None:
    from detente.models.eu import opening_round

    chart = charts.chart("challenges", small, results["forecast"], issue="a")
    _svg_text_free(chart.to_svg())
    # One point per ordered pair of the three actors at the table, at (E^i(U_ij), E^i(U_ji)).
    members, first = opening_round(small.to_arrays(), REGISTRY["eu"].resolve(None, {}), 0)
    points = sorted(
        (float(line.get_xdata()[0]), float(line.get_ydata()[0]))
        for line in chart.axes[0].get_lines()
        if line.get_marker() == "o"
    )
    expected = sorted(
        (float(first.eu_challenge[0, p, q]), float(first.eu_rival[0, p, q]))
        for p in range(len(members))
        for q in range(len(members))
        if p != q
    )
    assert len(members) == 3
    assert points == expected
    assert chart.to_png()[:8] == b"\x89PNG\r\n\x1a\n"


def test_rounds_of_a_dynamic_model_follow_its_rounds(small: Scenario) -> None:
    result = forecast(small, model="eu").to_dict()
    chart = charts.rounds_chart(small, result)
    ax = chart.axes[0]
    steps = result["models"]["eu"]["rounds"]
    exporter = next(line for line in ax.get_lines() if line.get_label() == "Exporter")
    assert list(exporter.get_ydata()) == [step["a"]["X"] for step in steps]
    star = next(line for line in ax.get_lines() if line.get_label() == "forecast")
    assert list(star.get_ydata()) == [result["models"]["eu"]["forecasts"]["a"]]


def test_static_model_shows_positions_and_forecast(small: Scenario) -> None:
    result = forecast(small, model="median").to_dict()
    chart = charts.rounds_chart(small, result, issue="b")
    labels = [line.get_label() for line in chart.axes[0].get_lines()]
    # W is not involved in b: no line; the forecast and status quo are marked.
    assert labels == ["Exporter", "Importer", "Broker", "forecast", "status quo"]
    assert "static" in chart._suptitle.get_text()


def test_gains_are_ranked_and_coloured(small: Scenario) -> None:
    result = forecast(small, model="compromise").to_dict()
    gains = result["models"]["compromise"]["gains"]
    chart = charts.gains_chart(small, result)
    bars = chart.axes[0].patches
    widths = [b.get_width() for b in bars]
    assert widths == sorted(g for g in gains.values() if g is not None)
    for bar in bars:
        colour = charts.GAIN_UP if bar.get_width() > 0 else charts.GAIN_DOWN
        assert bar.get_facecolor()[:3] == pytest.approx(
            tuple(int(colour[k : k + 2], 16) / 255 for k in (1, 3, 5))
        )
    names = [t.get_text() for t in chart.axes[0].get_yticklabels()]
    assert "Bystander (off the table)" in names


def test_tornado_bars_span_low_to_high(small: Scenario, results: dict[str, Any]) -> None:
    sens = results["sensitivity"]
    chart = charts.tornado_chart(small, sens, model="compromise", issue="a")
    ranked = [
        r
        for r in sens["models"]["compromise"]["a"]
        if r["low"] is not None and r["low"] != r["high"]
    ]
    bars = chart.axes[0].patches
    point = sens["point"]["compromise"]["a"]
    # Two bars per input (towards low, towards high), drawn from the bottom up.
    ends = sorted((round(b.get_x() + b.get_width(), 9) for b in bars), key=float)
    expected = sorted(round(x, 9) for r in ranked for x in (r["low"], r["high"]))
    assert ends == expected
    assert all(b.get_x() == pytest.approx(point) for b in bars)


def test_write_png_and_svg(small: Scenario, tmp_path: Path) -> None:
    chart = charts.gains_chart(small, forecast(small, model="median").to_dict())
    assert chart.write(tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"
    assert chart.write(tmp_path / "g.svg").read_text(encoding="utf-8").startswith("<?xml")
    with pytest.raises(ParameterError, match=r"use one of: \.png, \.svg"):
        chart.write(tmp_path / "g.jpg")


def test_svg_is_reproducible(small: Scenario) -> None:
    result = forecast(small, model="median").to_dict()
    assert charts.gains_chart(small, result).to_svg() == charts.gains_chart(small, result).to_svg()


def test_bad_requests_are_clear(small: Scenario) -> None:
    result = forecast(small, model="median").to_dict()
    with pytest.raises(ParameterError, match="valid kinds: rounds, gains"):
        charts.chart("pie", small, result)
    with pytest.raises(ParameterError, match="no model 'eu'; it has: median"):
        charts.chart("gains", small, result, model="eu")
    with pytest.raises(ParameterError, match="valid issues: a, b"):
        charts.chart("rounds", small, result, issue="c")
    with pytest.raises(ParameterError, match="needs the result of a simulate run"):
        charts.chart("distribution", small, None)
    with pytest.raises(ParameterError, match="valid languages: en, zh"):
        charts.chart("gains", small, result, lang="fr")


@pytest.mark.skipif(
    fonts.cjk_font() is None, reason="no CJK font installed (" + fonts.INSTALL_HINT + ")"
)
def test_chinese_chart_text_uses_a_cjk_font(flagship: Path) -> None:
    from matplotlib import font_manager

    scenario = load(flagship.with_name("ukraine-2025.zh.yaml"))
    result = forecast(scenario, model="eu").to_dict()
    chart = charts.rounds_chart(scenario, result, issue="territory", lang="zh")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would fail here
        chart.to_png()
        chart.to_svg()
    from matplotlib.text import Text

    texts = [t for t in chart.findobj(Text) if fonts.has_cjk(t.get_text())]
    assert texts, "the Chinese chart holds Chinese text"
    for t in texts:
        paths = font_manager.fontManager._find_fonts_by_props(t.get_fontproperties())
        for ch in {c for c in t.get_text() if fonts.has_cjk(c)}:
            assert any(fonts.covers(p, ch) for p in paths), (ch, paths)
    assert chart.fonts[0] == fonts.cjk_font()


def test_missing_cjk_font_warns(small: Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    with pytest.warns(UserWarning, match="no font with Chinese characters"):
        charts.gains_chart(small, forecast(small, model="median").to_dict(), lang="zh")


@pytest.mark.parametrize("model", MODELS)
def test_variants_chart_for_every_model(small: Scenario, model: str) -> None:
    from detente.compare import compare

    comparison = compare(
        small, what_ifs=["W.at_table=true; W.positions.b=9; W.salience.b=1"], model=model
    )
    chart = charts.chart("variants", small, comparison.to_dict(), model=model)
    assert chart.to_png(dpi=30)[:4] == b"\x89PNG"
    # One marker per issue for the baseline and for the what-if, at the forecast's percent.
    ax = chart.axes[0]
    base = [line for line in ax.get_lines() if line.get_label() == "baseline"]
    assert len(base) == 1
    forecast_a = comparison.baseline[model].forecasts["a"]
    if forecast_a is not None:
        assert base[0].get_xdata()[0] == pytest.approx(forecast_a)  # scale 0-100: percent = value
