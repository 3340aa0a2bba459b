"""Charts of forecasts, draws, sensitivity and what-ifs (matplotlib, Agg; PNG and SVG).

Every chart is drawn from a scenario and a result as its JSON dict (what
``--json`` prints and the run store keeps), so a chart can be made again
from a saved run without running anything:

=============== ==================================== ========================
kind            data                                 function
=============== ==================================== ========================
``rounds``      forecast JSON                        :func:`rounds_chart`
``gains``       forecast JSON                        :func:`gains_chart`
``distribution`` simulate JSON                       :func:`distribution_chart`
``tornado``     sensitivity JSON                     :func:`tornado_chart`
``challenges``  forecast JSON (eu's params), or None :func:`challenge_chart`
``variants``    compare JSON                         :func:`variants_chart`
=============== ==================================== ========================

Each returns a :class:`Chart` (a matplotlib ``Figure``) with
:meth:`Chart.to_svg` (text, glyphs drawn as paths so the SVG needs no font),
:meth:`Chart.to_png` and :meth:`Chart.write` (``.png`` or ``.svg``). No
pyplot: figures hold no global state, so a server may draw in threads.
Importing this module needs matplotlib (``pip install 'detente[viz]'``).
``lang="zh"`` writes every label in Chinese (:mod:`.messages`) with a CJK
font (:mod:`.fonts`).

>>> from detente import forecast, load
>>> scenario = load("examples/ukraine-2025.yaml")
>>> result = forecast(scenario, model="median").to_dict()
>>> svg = gains_chart(scenario, result).to_svg()
>>> svg.startswith("<?xml")
True
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from matplotlib.ticker import MaxNLocator

from detente.errors import ParameterError
from detente.kinds import chart_source
from detente.report.figure import (
    COLORS,
    FORMATS,
    GAIN_DOWN,
    GAIN_UP,
    Chart,
    actor_color,
    actor_name,
    grid,
    grid_columns,
    new_chart,
    plain_numbers,
)
from detente.report.layout import (
    chart_legend,
    chart_title,
    fit_text,
    input_label,
    model_title,
    panel_title,
    wrap_labels,
)
from detente.report.messages import text
from detente.results import Comparison, Forecast, Result, Sensitivity, Simulation

R = TypeVar("R", Forecast, Simulation, Sensitivity, Comparison)

if TYPE_CHECKING:
    from detente.scenario import Scenario

KINDS: tuple[str, ...] = ("rounds", "gains", "distribution", "tornado", "challenges", "variants")
#: What each kind is drawn from (the kind of run, in the store's words: see
#: :data:`detente.kinds.KINDS`).
SOURCES: dict[str, str] = {kind: chart_source(kind) for kind in KINDS}


def _model(result: Result, model: str | None) -> str:
    models = result.models
    if not models:
        raise ParameterError("the result holds no model to chart")
    if model is None:
        return next(iter(models))
    found: str | None = {m.lower(): m for m in models}.get(model.strip().lower())
    if found is None:
        raise ParameterError(f"the result has no model {model!r}; it has: {', '.join(models)}")
    return found


def _issues(scenario: Scenario, issue: str | None) -> list[Any]:
    if issue is None:
        return list(scenario.issues)
    if issue not in scenario.issue_ids:
        raise ParameterError(f"no issue {issue!r}; valid issues: {', '.join(scenario.issue_ids)}")
    return [scenario.issue(issue)]


def rounds_chart(
    scenario: Scenario,
    forecast: Forecast | Mapping[str, Any],
    model: str | None = None,
    issue: str | None = None,
    lang: str = "en",
) -> Any:
    """Positions by round, one panel per issue, one line per actor; forecast marked.

    A static model (no ``rounds`` in its result) shows the starting positions
    and its forecast on a one-step axis.
    """
    forecast = _read(Forecast, forecast, scenario)
    model = _model(forecast, model)
    result = forecast.models[model]
    issues = _issues(scenario, issue)
    steps = result.rounds
    chart = new_chart(lang, 9, 2.6 * ((len(issues) + 1) // 2) + 0.8, scenario)
    with chart.drawing():
        axes = grid(chart, len(issues))
        for ax, iss in zip(axes, issues, strict=True):
            for actor in scenario.actors:
                if steps:
                    ys = [step[iss.id].get(actor.id) for step in steps]
                    if all(y is None for y in ys):
                        continue
                    xs = list(range(len(ys)))
                    style = "-" if actor.at_table else ":"
                    ax.plot(
                        xs,
                        [float("nan") if y is None else y for y in ys],
                        style,
                        color=actor_color(scenario, actor.id),
                        label=actor.display_name,
                        lw=1.6,
                    )
                else:
                    pos = actor.positions.get(iss.id)
                    if pos is None:
                        continue
                    ax.plot(
                        [0, 1],
                        [pos.value, pos.value],
                        "-" if actor.at_table else ":",
                        color=actor_color(scenario, actor.id),
                        label=actor.display_name,
                        lw=1.6,
                    )
            value = result.forecasts.get(iss.id)
            last = len(steps) - 1 if steps else 1
            if value is not None:
                ax.plot(
                    [last],
                    [value],
                    marker="*",
                    ms=13,
                    color="black",
                    zorder=5,
                    label=text("chart.forecast", lang),
                    ls="none",
                )
            if iss.status_quo is not None:
                ax.axhline(
                    iss.status_quo,
                    color="grey",
                    lw=0.8,
                    ls="--",
                    label=text("chart.status_quo", lang),
                )
            ax.set_ylim(*iss.scale)
            panel_title(chart, ax, iss.display_name, grid_columns(len(issues)))
            ax.set_xlabel(text("chart.round", lang) if steps else "")
            if steps:
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            else:
                ax.set_xticks([])
        handles, labels = axes[0].get_legend_handles_labels()
        for ax in axes[1:]:
            for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
                if lab not in labels:
                    handles.append(h)
                    labels.append(lab)
        chart_legend(chart, handles, labels)
        key = "chart.rounds.title" if steps else "chart.rounds.static"
        chart_title(chart, text(key, lang, model=model_title(model, lang)))
    return chart


def gains_chart(
    scenario: Scenario,
    forecast: Forecast | Mapping[str, Any],
    model: str | None = None,
    lang: str = "en",
) -> Any:
    """Each actor's gain against the status quo: winners green, losers red, ranked."""
    forecast = _read(Forecast, forecast, scenario)
    model = _model(forecast, model)
    gains = forecast.models[model].gains
    ranked = sorted(((a, g) for a, g in gains.items() if g is not None), key=lambda item: item[1])
    chart = new_chart(lang, 7, 0.45 * max(len(ranked), 2) + 1.4, scenario)
    with chart.drawing():
        ax = chart.subplots()
        names = []
        for actor_id, _ in ranked:
            name = actor_name(scenario, actor_id)
            if actor_id in scenario.actor_ids and not scenario.actor(actor_id).at_table:
                # Chinese brackets are full-width: no space before them.
                name += ("" if lang == "zh" else " ") + text("chart.off_table", lang)
            names.append(name)
        values = [g for _, g in ranked]
        colors = [GAIN_UP if g > 0 else GAIN_DOWN if g < 0 else "grey" for g in values]
        bars = ax.barh(range(len(values)), values, color=colors)
        ax.bar_label(bars, labels=[f"{v:+.2f}" for v in values], padding=3, fontsize=8)
        ax.set_yticks(range(len(values)), wrap_labels(chart, names, 0.4))
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlabel(text("chart.gains.axis", lang))
        span = max((abs(v) for v in values), default=1.0) or 1.0
        ax.set_xlim(-1.3 * span, 1.3 * span)
        chart_title(chart, text("chart.gains.title", lang, model=model_title(model, lang)))
    return chart


def distribution_chart(
    scenario: Scenario,
    simulation: Simulation | Mapping[str, Any],
    model: str | None = None,
    issue: str | None = None,
    lang: str = "en",
) -> Any:
    """Histogram of each issue's forecast over the draws, with its 5–95% interval."""
    simulation = _read(Simulation, simulation, scenario)
    model = _model(simulation, model)
    result = simulation.models[model]
    issues = _issues(scenario, issue)
    chart = new_chart(lang, 9, 2.3 * ((len(issues) + 1) // 2) + 0.8, scenario)
    with chart.drawing():
        axes = grid(chart, len(issues))
        for ax, iss in zip(axes, issues, strict=True):
            hist = result.histograms()[iss.id]
            edges, counts = hist["edges"], hist["counts"]
            widths = [b - a for a, b in itertools.pairwise(edges)]
            ax.bar(
                edges[:-1],
                counts,
                width=widths,
                align="edge",
                color="#90a4ae",
                edgecolor="white",
                lw=0.5,
            )
            stats = result.issues()[iss.id]
            p05, p50, p95 = stats.get("p05"), stats.get("p50"), stats.get("p95")
            if p05 is not None and p50 is not None and p95 is not None:
                ax.axvspan(
                    p05, p95, color="#1f77b4", alpha=0.12, label=text("chart.interval", lang)
                )
                ax.axvline(p50, color="#1f77b4", lw=1.5, label=text("chart.median", lang))
            point = result.point.get(iss.id)
            if point is not None:
                ax.axvline(point, color="black", ls="--", lw=1, label=text("chart.point", lang))
            if iss.status_quo is not None:
                ax.axvline(
                    iss.status_quo, color="grey", ls=":", lw=1, label=text("chart.status_quo", lang)
                )
            ax.set_xlim(*iss.scale)
            panel_title(chart, ax, iss.display_name, grid_columns(len(issues)))
            ax.set_ylabel(text("chart.draws", lang))
        handles, labels = axes[0].get_legend_handles_labels()
        chart_legend(chart, handles, labels)
        chart_title(
            chart,
            text(
                "chart.distribution.title",
                lang,
                model=model_title(model, lang),
                draws=simulation.draws,
            ),
        )
    return chart


def tornado_chart(
    scenario: Scenario,
    sensitivity: Sensitivity | Mapping[str, Any],
    model: str | None = None,
    issue: str | None = None,
    top: int = 8,
    lang: str = "en",
) -> Any:
    """One-at-a-time swings of the ``top`` inputs an issue's forecast hinges on most.

    Each bar runs from the forecast with the input at its low end to the
    forecast with it at its high end (every other input at its value);
    inputs in the sensitivity ranking's order. ``issue`` defaults to the one
    with the widest swing. When no input moved alone changes the forecast,
    the chart spans the issue's scale and says so in words.
    """
    sensitivity = _read(Sensitivity, sensitivity, scenario)
    model = _model(sensitivity, model)
    ranking = sensitivity.models[model].ranking
    point = sensitivity.models[model].point
    if issue is None:
        issue = max(
            scenario.issue_ids,
            key=lambda i: max((r.swing for r in ranking.get(i, [])), default=0.0),
        )
    iss = _issues(scenario, issue)[0]
    rows = [
        r
        for r in ranking.get(iss.id, [])
        if r.low is not None and r.high is not None and r.low != r.high
    ][:top]
    chart = new_chart(lang, 8, 0.42 * max(len(rows), 2) + 1.5, scenario)
    with chart.drawing():
        ax = chart.subplots()
        centre = point.get(iss.id)
        rows = rows[::-1]
        for y, r in enumerate(rows):
            lo, hi = float(r.low), float(r.high)  # type: ignore[arg-type]  # kept: both given
            base = centre if centre is not None else (lo + hi) / 2
            ax.barh(
                y,
                lo - base,
                left=base,
                color="#ef9a9a",
                label=text("chart.tornado.low", lang) if y == 0 else None,
            )
            ax.barh(
                y,
                hi - base,
                left=base,
                color="#90caf9",
                label=text("chart.tornado.high", lang) if y == 0 else None,
            )
        names = [input_label(scenario, r.input, lang) for r in rows]
        ax.set_yticks(range(len(rows)), wrap_labels(chart, names, 0.4))
        if centre is not None:
            ax.axvline(centre, color="black", lw=1, label=text("chart.point", lang))
        ends = [x for r in rows for x in (r.low, r.high) if x is not None] + (
            [centre] if centre is not None else []
        )
        lo, hi = iss.scale
        if rows:
            pad = max(max(ends) - min(ends), hi - lo) * 0.03 + (max(ends) - min(ends)) * 0.12
            ax.set_xlim(max(lo, min(ends) - pad), min(hi, max(ends) + pad))
        else:
            # Nothing to draw: the issue's whole scale (a point forecast at an end stays
            # in sight), and a note that says so.
            ax.set_xlim(lo - 0.02 * (hi - lo), hi + 0.02 * (hi - lo))
            note = ax.text(
                0.5,
                0.5,
                text("chart.tornado.none", lang),
                transform=ax.transAxes,
                ha="center",
                va="center",
                color="dimgrey",
                bbox={"facecolor": "white", "edgecolor": "none"},
            )
            fit_text(chart, note, 0.8 * chart.bbox.width)
        plain_numbers(ax)
        ax.set_xlabel(text("chart.tornado.axis", lang))
        handles, labels = ax.get_legend_handles_labels()
        if handles:
            chart_legend(chart, handles, labels, fontsize=8)
        chart_title(
            chart,
            text(
                "chart.tornado.title",
                lang,
                issue=iss.display_name,
                model=model_title(model, lang),
            ),
        )
    return chart


def challenge_chart(
    scenario: Scenario,
    forecast: Forecast | Mapping[str, Any] | None = None,
    issue: str | None = None,
    lang: str = "en",
) -> Any:
    """The expected-utility model's first round: how each actor sees each other (eq. 25).

    One point per ordered pair (i, j) of actors at the table: x = E^i(U_ij),
    i's expected utility of challenging j; y = E^i(U_ji), i's estimate of j's
    expected utility of challenging i. The quadrants are Bueno de Mesquita's
    (1994, fig. 4.1): conflict (both > 0), i compels j (x > 0 >= y),
    compromise (x < 0 < y), stalemate (both <= 0). Drawn from the first
    round ``forecast``'s eu result keeps (its heaviest actors; see
    :func:`detente.models.eu.first_round`); an issue it has none of says so.
    """
    first: dict[str, Any] = {}
    if forecast is not None:
        forecast = _read(Forecast, forecast, scenario)
        if "eu" in forecast.models:
            first = forecast.models["eu"].outcome.detail.get("first_round", {})
    issues = _issues(scenario, issue)
    chart = new_chart(lang, 9, 3.6 * ((len(issues) + 1) // 2) + 0.6, scenario)
    with chart.drawing():
        axes = grid(chart, len(issues))
        for ax, iss in zip(axes, issues, strict=True):
            kept = first.get(iss.id)
            ax.axhline(0, color="grey", lw=0.8)
            ax.axvline(0, color="grey", lw=0.8)
            panel_title(chart, ax, iss.display_name, grid_columns(len(issues)))
            if kept is None:
                ax.text(
                    0.5,
                    0.5,
                    text("chart.challenges.none", lang),
                    ha="center",
                    transform=ax.transAxes,
                )
                continue
            ids = kept["actors"]
            a, b = np.asarray(kept["eu_challenge"]), np.asarray(kept["eu_rival"])
            span = max(float(abs(a).max()), float(abs(b).max()), 1e-9) * 1.25
            for p, i in enumerate(ids):
                for q, j in enumerate(ids):
                    if p == q:
                        continue
                    ax.plot(a[p, q], b[p, q], "o", color=actor_color(scenario, i))
                    ax.annotate(
                        f"{i}→{j}",
                        (a[p, q], b[p, q]),
                        xytext=(4, 3),
                        textcoords="offset points",
                        fontsize=8,
                    )
            ax.set_xlim(-span, span)
            ax.set_ylim(-span, span)
            for x, y, key in (
                (0.97, 0.97, "conflict"),
                (0.97, 0.03, "compel"),
                (0.03, 0.97, "compromise"),
                (0.03, 0.03, "stalemate"),
            ):
                ax.text(
                    x,
                    y,
                    text(f"chart.challenges.{key}", lang),
                    transform=ax.transAxes,
                    ha="right" if x > 0.5 else "left",
                    va="top" if y > 0.5 else "bottom",
                    color="dimgrey",
                    fontsize=8,
                )
            ax.set_xlabel(text("chart.challenges.x", lang), fontsize=8)
            ax.set_ylabel(text("chart.challenges.y", lang), fontsize=8)
        # The map is eu's whatever the run's models were: the title says so.
        title = text("chart.challenges.title", lang)
        chart_title(chart, text("chart.titled", lang, title=title, model=model_title("eu", lang)))
    return chart


def variants_chart(
    scenario: Scenario,
    comparison: Comparison | Mapping[str, Any],
    model: str | None = None,
    lang: str = "en",
) -> Any:
    """Baseline and every what-if's forecast per issue, on each issue's scale in percent."""
    comparison = _read(Comparison, comparison, scenario)
    baseline = comparison.baseline
    model = _model(baseline, model)
    variants = comparison.variants
    height = 0.55 * len(scenario.issues) * (1 + len(variants) / 4) + 1.6
    chart = new_chart(lang, 9, height, scenario, *variants)
    with chart.drawing():
        ax = chart.subplots()
        names = [text("chart.baseline", lang), *variants]
        results = [baseline, *variants.values()]
        rows = len(names)
        for k, iss in enumerate(scenario.issues):
            lo, hi = iss.scale

            def pct(x: float, lo: float = lo, hi: float = hi) -> float:
                return 100 * (x - lo) / (hi - lo)

            if iss.status_quo is not None:
                ax.plot(
                    [pct(iss.status_quo)] * 2,
                    [k - 0.4, k + 0.4],
                    color="grey",
                    ls=":",
                    lw=1,
                    label=text("chart.status_quo", lang) if k == 0 else None,
                )
            base = _forecast_of(baseline, model, iss.id)
            for v, (name, res) in enumerate(zip(names, results, strict=True)):
                value = _forecast_of(res, model, iss.id)
                if value is None:
                    continue
                y = k + 0.6 * (v / max(rows - 1, 1) - 0.5)
                color = "black" if v == 0 else COLORS[(v - 1) % len(COLORS)]
                if v and base is not None:
                    ax.annotate(
                        "",
                        (pct(value), y),
                        (pct(base), y),
                        arrowprops={"arrowstyle": "->", "color": color, "lw": 1},
                    )
                ax.plot(
                    pct(value),
                    y,
                    "D" if v == 0 else "o",
                    color=color,
                    label=name if k == 0 else None,
                    ms=5,
                )
        ax.set_yticks(
            range(len(scenario.issues)),
            wrap_labels(chart, [i.display_name for i in scenario.issues], 0.3),
        )
        ax.invert_yaxis()
        ax.set_xlim(-2, 102)
        ax.set_xlabel(text("chart.variants.axis", lang))
        handles, labels = ax.get_legend_handles_labels()
        chart_legend(chart, handles, labels, fontsize=8)
        chart_title(chart, text("chart.variants.title", lang, model=model_title(model, lang)))
    return chart


_DRAW: dict[str, Callable[..., Any]] = {
    "rounds": rounds_chart,
    "gains": gains_chart,
    "distribution": distribution_chart,
    "tornado": tornado_chart,
    "challenges": challenge_chart,
    "variants": variants_chart,
}


def chart(
    kind: str,
    scenario: Scenario,
    data: Result | Mapping[str, Any] | None,
    model: str | None = None,
    issue: str | None = None,
    lang: str = "en",
) -> Any:
    """Draw the chart ``kind`` from the result of the run it is drawn from (see the
    module docstring); a JSON dict is first read into that result."""
    if kind not in _DRAW:
        raise ParameterError(f"unknown chart kind {kind!r}; valid kinds: {', '.join(KINDS)}")
    text("chart.round", lang)  # refuses an unknown language before drawing
    if kind == "challenges":
        if model not in (None, "eu"):
            raise ParameterError(
                f"a challenges chart maps the first round of the expected-utility model "
                f"(eu), which {model} does not have: ask for model eu, or leave the model out"
            )
        return challenge_chart(scenario, data, issue=issue, lang=lang)  # type: ignore[arg-type]
    if data is None:
        raise ParameterError(f"a {kind} chart needs the result of a {SOURCES[kind]} run")
    if kind == "gains":
        return gains_chart(scenario, data, model=model, lang=lang)  # type: ignore[arg-type]
    if kind == "variants":
        return variants_chart(scenario, data, model=model, lang=lang)  # type: ignore[arg-type]
    return _DRAW[kind](scenario, data, model=model, issue=issue, lang=lang)


def _read(cls: type[R], data: R | Mapping[str, Any], scenario: Scenario) -> R:
    """``data`` as a result of ``cls``: a result as it is, a JSON dict read into one."""
    if isinstance(data, cls):
        return data
    return cls.from_dict(data, scenario)  # type: ignore[attr-defined, arg-type, no-any-return]


def _forecast_of(result: Forecast, model: str, issue: str) -> float | None:
    """``model``'s forecast of ``issue`` in ``result`` (None: it did not run, or gave none)."""
    ran = result.models.get(model)
    return None if ran is None else ran.forecasts.get(issue)


__all__ = [
    "FORMATS",
    "KINDS",
    "SOURCES",
    "Chart",
    "challenge_chart",
    "chart",
    "distribution_chart",
    "gains_chart",
    "input_label",
    "model_title",
    "rounds_chart",
    "tornado_chart",
    "variants_chart",
]
