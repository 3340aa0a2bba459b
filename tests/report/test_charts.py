"""Every chart kind renders for every model, in English and Chinese, as PNG and SVG."""

from __future__ import annotations

import copy
import re
import warnings
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("matplotlib")

from detente import forecast, load
from detente.errors import ParameterError
from detente.models import REGISTRY
from detente.report import charts, fonts, layout
from detente.results import Result
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
def results(small: Scenario) -> dict[str, Result]:
    return {
        "forecast": forecast(small, model=EVERY),
        "simulate": simulate(small, model=EVERY, draws=8, seed=1),
        "sensitivity": sensitivity(small, model=EVERY, draws=2, seed=1),
    }


def _svg_text_free(svg: str) -> None:
    # Glyphs are drawn as paths: the file needs no font and fetches nothing.
    assert "<text" not in svg
    assert not re.search(r"""(href|src)=["'](https?:)?//""", svg)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("kind", ["rounds", "gains", "distribution", "tornado"])
def test_every_kind_renders_for_every_model(
    small: Scenario, results: dict[str, Result], kind: str, model: str
) -> None:
    source = charts.SOURCES[kind]
    if model not in results[source]:
        pytest.fail(f"{model} did not run: {results[source].skipped}")  # type: ignore[attr-defined]
    chart = charts.chart(kind, small, results[source], model=model, issue="a")
    assert chart.to_png(dpi=30)[:8] == b"\x89PNG\r\n\x1a\n"
    if model == "eu":
        svg = chart.to_svg()
        assert svg.startswith("<?xml")
        _svg_text_free(svg)


def test_challenge_map_of_eu(small: Scenario, results: dict[str, Result]) -> None:
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
    sens = results["sensitivity"].to_dict()
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


# -- Layout: notes, titles and legends that read (audit findings) -----------------------------

LONG_NAME = "Tariffs on imported steel, aluminium and rare-earth magnets from every trading partner"


def _drawn(chart: Any) -> Any:
    """Lay the chart out as it is saved; the renderer its extents are measured with."""
    chart.canvas.draw()
    return chart.canvas.get_renderer()


def _inside(chart: Any, bbox: Any) -> bool:
    return bool(bbox.x0 >= -0.5 and bbox.x1 <= chart.bbox.width + 0.5)


def _still(small: Scenario) -> dict[str, Any]:
    """A sensitivity result in which no input moved alone changes the forecast on a."""
    rows = [
        {"input": "X.capability", "index": 0.4, "low": 100.0, "high": 100.0},
        {"input": "Y.position.a", "index": 0.0, "low": 100.0, "high": 100.0},
    ]
    return {"models": {"median": {"a": rows, "b": rows}}, "point": {"median": {"a": 100.0}}}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tornado_says_when_nothing_moves(small: Scenario, lang: str) -> None:
    from matplotlib.text import Text

    chart = charts.tornado_chart(small, _still(small), model="median", issue="a", lang=lang)
    _drawn(chart)
    ax = chart.axes[0]
    note = charts.text("chart.tornado.none", lang)
    shown = [t.get_text().replace("\n", "") for t in chart.findobj(Text)]
    assert note in shown
    assert not ax.patches  # no bars
    assert ax.get_yticks().size == 0
    lo, hi = ax.get_xlim()
    assert lo <= 0 < 100 <= hi and hi - lo < 110  # the issue's scale, the point in sight
    formatter = ax.xaxis.get_major_formatter()
    assert formatter.get_offset() == ""  # never "1e−8+9.999999999e1"
    assert "e" not in "".join(t.get_text() for t in ax.get_xticklabels())  # plain numbers


def test_tornado_of_the_flagship_under_median_has_its_note(february: Path) -> None:
    # The audit's case: the weighted median holds still when any one input moves alone
    # (February's table alone: no ties to move the US).
    scenario = load(february)
    sens = sensitivity(scenario, model="median", draws=2, seed=1).to_dict()
    chart = charts.chart("tornado", scenario, sens, model="median")
    _drawn(chart)
    ax = chart.axes[0]
    assert any(t.get_text() == charts.text("chart.tornado.none") for t in ax.texts)
    assert ax.xaxis.get_major_formatter().get_offset() == ""


def test_tornado_of_tiny_swings_has_no_offset(small: Scenario) -> None:
    rows = [{"input": "X.capability", "index": 0.4, "low": 99.9999999, "high": 100.0}]
    sens = {"models": {"median": {"a": rows}}, "point": {"median": {"a": 100.0}}}
    chart = charts.tornado_chart(small, sens, model="median", issue="a")
    _drawn(chart)
    ax = chart.axes[0]
    assert ax.xaxis.get_major_formatter().get_offset() == ""
    lo, hi = ax.get_xlim()
    assert hi - lo >= 1  # a few units of the scale, not a billionth of one


@pytest.fixture(scope="module")
def long_small() -> Scenario:
    tree = copy.deepcopy(SMALL)
    tree["issues"][0]["name"] = LONG_NAME
    return Scenario.from_tree(tree)


@pytest.fixture(scope="module")
def long_results(long_small: Scenario) -> dict[str, Result]:
    from detente.compare import compare

    return {
        "forecast": forecast(long_small, model="eu"),
        "simulate": simulate(long_small, model="eu", draws=8, seed=1),
        "sensitivity": sensitivity(long_small, model="eu", draws=2, seed=1),
        "compare": compare(
            long_small, what_ifs=["W.at_table=true; W.positions.b=9; W.salience.b=1"], model="eu"
        ),
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", charts.KINDS)
def test_titles_fit_the_figure(
    long_small: Scenario, long_results: dict[str, Result], kind: str, lang: str
) -> None:
    data = long_results[charts.SOURCES[kind]]
    # Every issue (two panels a row: half the width for each panel's title); the tornado's
    # title names the issue with the long name.
    issue = "a" if kind == "tornado" else None
    chart = charts.chart(kind, long_small, data, model="eu", issue=issue, lang=lang)
    renderer = _drawn(chart)
    title = chart._suptitle
    assert _inside(chart, title.get_window_extent(renderer)), title.get_text()
    # Wrapping moves words to new lines, never drops them.
    assert "".join(charts.model_title("eu", lang).split()) in "".join(title.get_text().split())
    boxes = [ax.title.get_window_extent(renderer) for ax in chart.axes if ax.get_visible()]
    for ax, box in zip(chart.axes, boxes, strict=False):
        assert _inside(chart, box), ax.title.get_text()
        assert not any(_overlaps(box, other) for other in boxes if other is not box)
        assert not _overlaps(box, title.get_window_extent(renderer))
        for label in ax.get_yticklabels():
            assert _inside(chart, label.get_window_extent(renderer)), label.get_text()


def test_long_tornado_title_is_wrapped(
    long_small: Scenario, long_results: dict[str, Result]
) -> None:
    chart = charts.tornado_chart(long_small, long_results["sensitivity"], model="eu", issue="a")
    renderer = _drawn(chart)
    title = chart._suptitle
    lines = title.get_text().split("\n")
    assert len(lines) >= 2
    assert lines[-1] == charts.model_title("eu")  # the break falls before the model's name
    assert title.get_fontsize() == pytest.approx(12)  # wrapped, not shrunk
    assert title.get_window_extent(renderer).width <= chart.bbox.width


@pytest.mark.parametrize(
    "value",
    [
        "第1轮双边挑战:i如何看待j" * 8,  # Chinese: no spaces to break at
        "x" * 300,  # one word longer than the figure: shrunk to fit
    ],
)
def test_titles_without_spaces_fit(small: Scenario, value: str) -> None:
    chart = charts.gains_chart(small, forecast(small, model="median").to_dict(), lang="zh")
    with chart.drawing():
        title = layout.chart_title(chart, value)
    renderer = _drawn(chart)
    assert title.get_text().replace("\n", "") == value
    assert _inside(chart, title.get_window_extent(renderer))


def test_chinese_lines_do_not_start_with_closing_punctuation() -> None:
    lines = layout.wrap_text("对俄制裁（援助偿还、矿产资源），以及其他", len, 4)
    for line in lines.split("\n"):
        assert line[0] not in "，、）", lines
        assert line[-1] != "（", lines


def _overlaps(a: Any, b: Any) -> bool:
    return bool(a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("model", ["eu", "smp"])
def test_variants_legend_clear_of_title_and_data(flagship: Path, model: str, lang: str) -> None:
    # The audit's case: eu's long name ran the title into a legend at the top right.
    from detente.compare import compare

    path = flagship if lang == "en" else flagship.with_name("ukraine-2025.zh.yaml")
    scenario = load(path)
    chart = charts.chart(
        "variants", scenario, compare(scenario, model=model).to_dict(), model=model, lang=lang
    )
    renderer = _drawn(chart)
    legend = chart.legends[0].get_window_extent(renderer)
    assert not _overlaps(legend, chart._suptitle.get_window_extent(renderer))
    for ax in chart.axes:
        assert not _overlaps(legend, ax.get_window_extent(renderer))
    assert _inside(chart, legend)


@pytest.mark.parametrize("kind", ["rounds", "distribution", "tornado", "variants"])
def test_every_legend_clear_of_title_and_data(
    long_small: Scenario, long_results: dict[str, Result], kind: str
) -> None:
    data = long_results[charts.SOURCES[kind]]
    chart = charts.chart(kind, long_small, data, model="eu", issue="a")
    renderer = _drawn(chart)
    legends = chart.legends + [ax.get_legend() for ax in chart.axes if ax.get_legend()]
    assert legends
    title = chart._suptitle.get_window_extent(renderer)
    for legend in legends:
        box = legend.get_window_extent(renderer)
        assert _inside(chart, box)
        assert not _overlaps(box, title)
        for ax in chart.axes:
            assert not _overlaps(box, ax.get_window_extent(renderer)), kind


def test_challenge_map_says_it_is_eu(small: Scenario, results: dict[str, Result]) -> None:
    for lang in ("en", "zh"):
        chart = charts.chart("challenges", small, results["forecast"], lang=lang)
        assert charts.model_title("eu", lang) in chart._suptitle.get_text().replace("\n", "")
    assert charts.chart("challenges", small, None, model="eu").axes
    with pytest.raises(
        ParameterError, match=r"challenges chart maps .* model \(eu\), which median"
    ):
        charts.chart("challenges", small, results["forecast"], model="median")


def test_plot_refuses_challenges_of_another_model(flagship: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from detente.cli import app

    out = tmp_path / "c.png"
    args = ["plot", str(flagship), "-k", "challenges", "-o", str(out), "--no-save"]
    refused = CliRunner().invoke(app, [*args, "-m", "median"])
    assert refused.exit_code == 2
    assert "eu" in refused.stderr and not out.exists()
    assert CliRunner().invoke(app, args).exit_code == 0
    assert out.read_bytes()[:4] == b"\x89PNG"
    # eu's preset and parameters reach the chart: a bad one is refused, not ignored.
    bad = CliRunner().invoke(app, [*args, "--param", "nonsense=1"])
    assert bad.exit_code == 2 and "has no parameter 'nonsense'" in bad.stderr
    assert CliRunner().invoke(app, [*args, "--preset", "scholz2011"]).exit_code == 0


def test_a_tornado_made_now_defaults_to_compromise(flagship: Path) -> None:
    # Issue 12, finding 19: it defaulted to the median (often no bar at all) and ran
    # every model's sensitivity (48 s).
    from detente.cli.plot import gather

    _, data = gather(
        str(flagship),
        "tornado",
        model=None,
        preset=None,
        params={},
        draws=1000,
        seed=0,
        db=None,
        save=False,
    )
    assert data is not None and list(data["models"]) == ["compromise"]
    bars = [r for r in data["models"]["compromise"]["territory"] if r["low"] != r["high"]]
    assert len(bars) >= 3
