"""The briefing: one self-contained HTML file a reader who will not read JSON can use.

:func:`render` turns a scenario and the JSON of its runs (forecast, and where
available simulate, sensitivity and compare) into HTML: the question, the
actors and issues, the forecast per issue in words, its interval, who wins
and loses, what drives it, the what-ifs, each model's assumptions and known
limits, and the inputs' provenance. :func:`briefing` makes the runs a report
needs and renders it. Everything is inline (CSS, charts as SVG with glyphs
drawn as paths): the file opens offline and fetches nothing.

The *central* forecast of an issue is the median over the models that ran
(an odd count picks the middle model, an even count averages the middle two):
a summary that no single model's quirks decide. Its gains are computed from
the central forecasts with :func:`detente.gains.gains`.

Every heading and sentence comes from :mod:`.messages` in the report's
language; what the analyst wrote (names, scale labels, notes, provenance)
is shown as written.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from detente.errors import ParameterError
from detente.report.messages import MESSAGES, number, text
from detente.scenario import Issue, Scenario, change_tree

TEMPLATES = Path(__file__).parent / "templates"
#: Inputs per issue listed under "what drives it".
TOP_DRIVERS = 3
#: An issue whose 90% interval is narrower than this share of its scale has no drivers
#: worth ranking: the variance the indices divide is Monte Carlo noise.
STEADY = 0.01


@dataclass
class Runs:
    """The JSON of the runs a report is made from (see :func:`render`)."""

    forecast: dict[str, Any]
    simulation: dict[str, Any] | None = None
    sensitivity: dict[str, Any] | None = None
    comparison: dict[str, Any] | None = None
    #: Where the forecast came from: ``{"id", "kind", "started_at"}`` of a saved run.
    saved_run: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)


def reading(issue: Issue, value: float | None, lang: str = "en") -> str:
    """Where ``value`` lies on ``issue``'s scale, in the scale's words (cf. the CLI)."""
    if value is None:
        return text("report.reading.none", lang)
    lo, hi = issue.scale
    share = (value - lo) / (hi - lo)
    low, high = (
        (issue.labels.low, issue.labels.high)
        if issue.labels
        else (text("report.low_end", lang), text("report.high_end", lang))
    )
    if share <= 0.1:
        return text("report.reading.low", lang, low=low)
    if share >= 0.9:
        return text("report.reading.high", lang, high=high)
    if share < 0.4:
        return text("report.reading.lean_low", lang, low=low)
    if share > 0.6:
        return text("report.reading.lean_high", lang, high=high)
    return text("report.reading.middle", lang, low=low, high=high)


def central(models: Mapping[str, Any], key: str, ids: Sequence[str]) -> dict[str, float | None]:
    """Median over models of ``models[m][key][id]`` (None where no model has a number)."""
    out: dict[str, float | None] = {}
    for i in ids:
        values = [r[key].get(i) for r in models.values() if r[key].get(i) is not None]
        out[i] = float(statistics.median(values)) if values else None
    return out


def central_gains(
    scenario: Scenario, forecasts: Mapping[str, float | None]
) -> dict[str, float | None]:
    """Each actor's gain (:mod:`detente.gains`) if the central forecasts were the outcome."""
    from detente.gains import gains

    arrays = scenario.to_arrays()
    f = np.array([np.nan if forecasts[i] is None else forecasts[i] for i in arrays.issue_ids])
    normalised = (f - arrays.scale_low) / (arrays.scale_high - arrays.scale_low)
    g = gains(arrays, normalised)
    return {a: None if np.isnan(v) else float(v) for a, v in zip(arrays.actor_ids, g, strict=True)}


def describe_change(scenario: Scenario, change: Mapping[str, Any], lang: str) -> str:
    """A what-if's change: ``{actor: RU, capability: "*0.8"}``, "Russia capability ×0.8"."""

    def name(actor_id: str) -> str:
        return scenario.actor(actor_id).display_name if actor_id in scenario.actor_ids else actor_id

    def issue_name(issue_id: str) -> str:
        return scenario.issue(issue_id).display_name if issue_id in scenario.issue_ids else issue_id

    def op(value: Any) -> str:
        if isinstance(value, Mapping):
            value = value.get("value")
        if isinstance(value, str) and value.startswith("*"):
            return f"×{value[1:]}"
        if isinstance(value, str) and value[:1] in "+-":
            return value
        return f"= {value}"

    if "remove" in change:
        return text("report.change.removed", lang, actor=name(change["remove"]))
    if "add" in change:
        added = change["add"]
        return text("report.change.added", lang, actor=added.get("name") or added["id"])
    if "issue" in change:
        return text(
            "report.change.status_quo",
            lang,
            issue=issue_name(change["issue"]),
            op=op(change["status_quo"]),
        )
    who = name(change["actor"])
    parts = []
    if "at_table" in change:
        key = "report.change.at_table" if change["at_table"] else "report.change.off_table"
        parts.append(text(key, lang, actor=who))
    if "capability" in change:
        parts.append(text("report.change.capability", lang, actor=who, op=op(change["capability"])))
    for key, message in (
        ("salience", "report.change.salience"),
        ("positions", "report.change.position"),
    ):
        for issue_id, value in (change.get(key) or {}).items():
            parts.append(text(message, lang, actor=who, issue=issue_name(issue_id), op=op(value)))
    return text("report.list_sep", lang).join(parts)


def _variant_changes(scenario: Scenario, name: str, lang: str) -> list[str]:
    if name in scenario.variants:
        v = scenario.variants[name]
        lines = [describe_change(scenario, change_tree(c), lang) for c in v.changes]
        for shock in v.shocks:
            what = describe_change(
                scenario, {"actor": shock.actor, "capability": shock.capability}, lang
            )
            lines.append(text("report.change.shock", lang, round=shock.round, change=what))
        return lines
    return [name]


def _inline_svg(svg: str, prefix: str) -> str:
    """matplotlib's SVG file made fit to sit inside HTML: no XML prolog, DTD or metadata,
    and its ids prefixed so that two charts on one page never share one."""
    svg = re.sub(r'\bid="', f'id="{prefix}', svg)
    svg = svg.replace("url(#", f"url(#{prefix}").replace('href="#', f'href="#{prefix}')
    svg = re.sub(r"<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r'\swidth="[^"]*pt"\s+height="[^"]*pt"', ' width="100%"', svg, count=1)
    return svg.strip()


def _date(when: datetime, lang: str) -> str:
    return text("report.date", lang, y=when.year, m=when.month, d=when.day)


def _word(prefix: str, name: str, lang: str) -> str | None:
    """The catalogue's word for ``name`` (a run kind, a preset) if it has one: names that
    are words are translated, ids (``bdm``, ``ktab``) are not in the catalogue."""
    key = f"{prefix}.{name}"
    return text(key, lang) if key in MESSAGES[lang] else None


def preset_label(preset: str | None, lang: str) -> tuple[str | None, str | None]:
    """A preset as the report shows it: (its name in words, its id in code).

    ``default`` is only a word; a preset with a name in words also shows its id
    (what ``--preset`` takes); any other preset is an id, shown as one.
    """
    if not preset:
        return None, None
    word = _word("report.preset", preset, lang)
    return word, None if word is not None and preset == "default" else preset


def render(
    scenario: Scenario,
    runs: Runs,
    lang: str = "en",
    now: datetime | None = None,
) -> str:
    """The briefing as one HTML document (see the module docstring)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    from detente import __version__
    from detente.report import charts

    text("report.title", lang, title="")  # refuses an unknown language first
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"])
    )
    models = runs.forecast.get("models", {})
    if not models:
        raise ParameterError("the forecast holds no model: nothing to report")
    issue_ids = scenario.issue_ids

    def t(key: str, **values: Any) -> str:
        return text(key, lang, **values)

    figures: dict[str, Markup] = {}

    def fmt(x: float | None, digits: int = 1, sign: bool = False) -> str:
        return number(x, lang, digits, sign)

    def svg(draw: Callable[[], Any]) -> Markup:
        prefix = f"chart{len(figures) + 1}-"
        return Markup(_inline_svg(draw().to_svg(), prefix))

    # The headline and its 90% forecast interval, as forecast prints them (the median of the
    # models for a run saved before runs carried a summary).
    summary = runs.forecast.get("summary") or {}
    mid = dict(summary.get("central") or central(models, "forecasts", issue_ids))
    band90 = (summary.get("interval") or {}).get("90", {})
    mid_gains = central_gains(scenario, mid)
    sims = (runs.simulation or {}).get("models", {})
    forecasts = []
    for issue in scenario.issues:
        values = [
            r["forecasts"][issue.id]
            for r in models.values()
            if r["forecasts"].get(issue.id) is not None
        ]
        value = mid[issue.id]
        change = None if value is None or issue.status_quo is None else value - issue.status_quo
        key = (
            "report.forecast.issue"
            if issue.status_quo is not None
            else "report.forecast.issue_no_sq"
        )
        sentence = t(
            key,
            issue=issue.display_name,
            value=fmt(value),
            sq=fmt(issue.status_quo),
            change=fmt(change, sign=True),
            reading=reading(issue, value, lang),
            low=fmt(min(values) if values else None),
            high=fmt(max(values) if values else None),
        )
        cells = []
        for name, r in models.items():
            cell = fmt(r["forecasts"].get(issue.id))
            stats = sims.get(name, {}).get("issues", {}).get(issue.id)
            if stats and stats.get("p05") is not None:
                cell += f" [{fmt(stats['p05'])}–{fmt(stats['p95'])}]"
            cells.append(cell)
        band = band90.get(issue.id)
        shown = fmt(value) + ("" if band is None else f" [{fmt(band[0])}–{fmt(band[1])}]")
        forecasts.append({"issue": issue, "sentence": sentence, "central": shown, "cells": cells})

    ranked = sorted(
        ((a, g) for a, g in mid_gains.items() if g is not None), key=lambda item: -item[1]
    )
    sep = t("report.list_sep")
    names = {a.id: a.display_name for a in scenario.actors}
    winners = [names[a] for a, g in ranked if g > 0][:2]
    losers = [names[a] for a, g in ranked[::-1] if g < 0][:2]
    central_result = {"models": {"central": {"forecasts": mid, "gains": mid_gains}}}
    dynamic = [m for m, r in models.items() if r.get("rounds")]

    drivers: list[dict[str, Any]] = []
    drivers_model = None
    ranked_inputs = False
    steady: list[str] = []
    if runs.sensitivity and runs.sensitivity.get("models"):
        drivers_model = next(iter(runs.sensitivity["models"]))
        ranking = runs.sensitivity["models"][drivers_model]
        ranked_inputs = any(ranking.get(i.id) for i in scenario.issues)
        spread = (runs.simulation or {}).get("models", {}).get(drivers_model, {}).get("issues", {})
        for issue in scenario.issues:
            st = spread.get(issue.id) or {}
            lo, hi = issue.scale
            if (
                st.get("p05") is not None
                and st.get("p95") is not None
                and st["p95"] - st["p05"] < STEADY * (hi - lo)
            ):
                # Variance ratios of a forecast that hardly varies are noise, not drivers.
                steady.append(
                    t(
                        "report.drivers.steady",
                        issue=issue.display_name,
                        low=fmt(st["p05"]),
                        high=fmt(st["p95"]),
                    )
                )
                continue
            rows = [r for r in ranking.get(issue.id, []) if (r.get("index") or 0) > 0][:TOP_DRIVERS]
            for r in rows:
                drivers.append(
                    {
                        "issue": issue.display_name,
                        "input": charts.input_label(scenario, r["input"], lang),
                        "index": fmt(r["index"], 2)
                        + (f" ± {fmt(r['index_se'], 2)}" if r.get("index_se") is not None else ""),
                        "low": fmt(r["low"]),
                        "high": fmt(r["high"]),
                    }
                )

    whatifs: list[dict[str, Any]] = []
    if runs.comparison:
        base_mid = central(runs.comparison["baseline"]["models"], "forecasts", issue_ids)
        for name, variant in runs.comparison.get("variants", {}).items():
            v_mid = central(variant.get("models", {}), "forecasts", issue_ids)
            changes = {
                i: None if v_mid[i] is None or base_mid[i] is None else v_mid[i] - base_mid[i]  # type: ignore[operator]
                for i in issue_ids
            }
            moved = [(i, c) for i, c in changes.items() if c is not None and abs(c) >= 0.05]
            if moved:
                top_issue, top_change = max(moved, key=lambda item: abs(item[1]))
                summary = t(
                    "report.largest_shift",
                    issue=scenario.issue(top_issue).display_name,
                    change=fmt(top_change, sign=True),
                )
            else:
                summary = t("report.no_shift")
            description = scenario.variants[name].description if name in scenario.variants else None
            whatifs.append(
                {
                    "name": name,
                    # The analyst's description heads a what-if in the report's language;
                    # the id (English, often) follows in small print.
                    "label": description or name,
                    "description": description,
                    "changes": _variant_changes(scenario, name, lang),
                    "cells": [fmt(changes[i], sign=True) for i in issue_ids],
                    "summary": summary,
                }
            )

    model_notes = []
    for name, r in models.items():
        assumes = f"model.{name}.assumes"
        known = assumes in MESSAGES[lang]
        preset_word, preset_id = preset_label(r.get("preset"), lang)
        model_notes.append(
            {
                "name": name,
                "title": charts.model_title(name, lang),
                "assumes": t(assumes if known else "model.other.assumes"),
                "limits": t(f"model.{name}.limits" if known else "model.other.limits"),
                "preset_word": preset_word,
                "preset_id": preset_id,
                # Parameters are ids and values as the model takes them: shown as code.
                "params": [f"{k}={v}" for k, v in (r.get("params") or {}).items()],
            }
        )

    if dynamic:
        figures["rounds"] = svg(
            lambda: charts.rounds_chart(scenario, runs.forecast, dynamic[0], lang=lang)
        )
    figures["gains"] = svg(
        lambda: charts.gains_chart(scenario, central_result, "central", lang=lang)
    )
    if sims:
        lead = lead_model(list(sims), runs.simulation)
        figures["distribution"] = svg(
            lambda: charts.distribution_chart(scenario, runs.simulation, lead, lang=lang)  # type: ignore[arg-type]
        )
    if drivers:
        figures["tornado"] = svg(
            lambda: charts.tornado_chart(scenario, runs.sensitivity, drivers_model, lang=lang)  # type: ignore[arg-type]
        )
    if whatifs:
        lead = next(iter(runs.comparison["baseline"]["models"]))  # type: ignore[index]
        figures["variants"] = svg(
            lambda: charts.variants_chart(scenario, runs.comparison, lead, lang=lang)  # type: ignore[arg-type]
        )

    when = now or datetime.now(UTC)
    saved = runs.saved_run
    context = {
        "lang": lang,
        "t": t,
        "fmt": fmt,
        "scenario": scenario,
        "title": t("report.title", title=scenario.title),
        "generated": t("report.generated", version=__version__, date=_date(when, lang)),
        "from_run": t(
            "report.from_run",
            run=saved["id"],
            kind=_word("report.kind", saved["kind"], lang) or saved["kind"],
            date=_date(saved["started_at"], lang),
        )
        if saved
        else None,
        "question": t(
            "report.question.text",
            n_actors=len(scenario.actors),
            n_table=sum(a.at_table for a in scenario.actors),
            n_issues=len(scenario.issues),
        ),
        "models": models,
        "model_titles": {m: charts.model_title(m, lang) for m in models},
        "skipped": {
            charts.model_title(m, lang): reason
            for m, reason in runs.forecast.get("skipped", {}).items()
        },
        "forecasts": forecasts,
        "lead": t(
            "report.forecast.lead", n=len(models), draws=(runs.simulation or {}).get("draws", 0)
        ),
        "simulation": runs.simulation,
        "interval_models": sep.join(charts.model_title(m, lang) for m in sims),
        "gains": [
            {"actor": names[a], "value": fmt(g, 3), "up": g > 0, "down": g < 0} for a, g in ranked
        ],
        "winners": t("report.winners.best", actors=sep.join(winners)) if winners else None,
        "losers": t("report.winners.worst", actors=sep.join(losers)) if losers else None,
        "drivers": drivers,
        "ranked_inputs": ranked_inputs,
        "steady": steady,
        "drivers_model": charts.model_title(drivers_model, lang) if drivers_model else None,
        "has_inputs": bool((runs.sensitivity or runs.simulation or {}).get("inputs", True)),
        "whatifs": whatifs,
        "issue_names": [i.display_name for i in scenario.issues],
        "model_notes": model_notes,
        "figures": figures,
        "warnings": runs.warnings,
        "dynamic_title": charts.model_title(dynamic[0], lang) if dynamic else None,
    }
    return env.get_template("report.html.j2").render(**context)


def interval_models(forecast: Mapping[str, Any], intervals: str) -> list[str]:
    """The models whose intervals a report computes: ``batched`` (those that take a
    draw axis: fast), ``all``, ``none``, or names separated by commas."""
    from detente.models import REGISTRY

    ran = list(forecast.get("models", {}))
    if intervals == "none":
        return []
    if intervals == "all":
        return ran
    if intervals == "batched":
        return [m for m in ran if m in REGISTRY and REGISTRY[m].batched]
    names = [n.strip() for n in intervals.split(",") if n.strip()]
    unknown = [n for n in names if n not in ran]
    if unknown:
        raise ParameterError(
            f"--intervals names {', '.join(unknown)}, which did not run; ran: {', '.join(ran)}"
        )
    return names


def lead_model(models: Sequence[str], simulation: Mapping[str, Any] | None = None) -> str:
    """The model whose drivers and distribution a report shows.

    In order of preference: the dynamic models, then the compromise model (its
    forecast moves with every input), then the rest; with a ``simulation``
    (JSON), the first of them whose forecast the inputs' ranges actually move
    on some issue (p05 < p95), since the drivers of a forecast that never moves
    rank nothing: on the flagship, ``eu`` lands on the same positions in
    every draw.
    """
    from detente.models import REGISTRY

    def dynamic(m: str) -> bool:
        return m in REGISTRY and "rounds" in REGISTRY[m].Params.model_fields

    ordered = sorted(models, key=lambda m: 0 if dynamic(m) else 1 if m == "compromise" else 2)
    sims = (simulation or {}).get("models", {})
    for m in ordered:
        issues = sims.get(m, {}).get("issues", {})
        if any(
            st.get("p05") is not None and st.get("p95") is not None and st["p95"] > st["p05"]
            for st in issues.values()
        ):
            return m
    return ordered[0]


def gather(
    scenario: Scenario,
    forecast: Any = None,
    *,
    model: str = "all",
    preset: str | None = None,
    params: Mapping[str, Any] | None = None,
    intervals: str = "batched",
    draws: int = 1000,
    seed: int = 0,
    simulation: Any = None,
    comparison: Any = None,
    force: bool = False,
) -> tuple[Runs, list[tuple[str, Any]]]:
    """Every run a briefing needs, made unless given; also the runs made (kind, result).

    ``forecast``, ``simulation`` and ``comparison`` may be given as results
    or JSON dicts (from a saved run); what is missing is run now: the
    forecast with ``model``, intervals (simulate, ``draws`` draws) and the
    drivers (sensitivity, ``draws // 4`` base draws) for the models
    :func:`interval_models` picks, and the scenario's variants. ``force``
    runs past the limits of :mod:`detente.limits`.
    """
    from detente.compare import compare
    from detente.forecast import forecast as run_forecast
    from detente.sensitivity import sensitivity
    from detente.uncertainty import simulate

    made: list[tuple[str, Any]] = []
    common: dict[str, Any] = {"preset": preset, "params": dict(params or {}), "force": force}

    def as_json(result: Any) -> dict[str, Any]:
        return result if isinstance(result, dict) else result.to_dict()

    if forecast is None:
        forecast = run_forecast(scenario, model=model, **common)
        made.append(("forecast", forecast))
    data = as_json(forecast)
    warnings = list(getattr(forecast, "warnings", []))
    chosen = ",".join(interval_models(data, intervals))
    sens_json = None
    if chosen and draws > 0:
        if simulation is None:
            simulation = simulate(scenario, model=chosen, draws=draws, seed=seed, **common)
            made.append(("simulate", simulation))
        lead = lead_model(chosen.split(","), as_json(simulation))
        sens = sensitivity(scenario, model=lead, draws=max(draws // 4, 2), seed=seed, **common)
        made.append(("sensitivity", sens))
        sens_json = sens.to_dict()
    if comparison is None and scenario.variants:
        comparison = compare(scenario, model=",".join(data["models"]), **common)
        made.append(("compare", comparison))
    runs = Runs(
        forecast=data,
        simulation=None if simulation is None else as_json(simulation),
        sensitivity=sens_json,
        comparison=None if comparison is None else as_json(comparison),
        warnings=warnings,
    )
    return runs, made
