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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.errors import ParameterError
from detente.report.acceptance import acceptance
from detente.report.gather import (
    Runs,
    briefing_inputs,
    gather,
    interval_models,
    lead_model,
)
from detente.report.messages import MESSAGES, number, text
from detente.results import Forecast
from detente.results.forecast import central as central_of
from detente.results.forecast import median_over
from detente.scenario import Issue, Scenario, change_tree

if TYPE_CHECKING:
    from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"
#: Inputs per issue listed under "what drives it".
TOP_DRIVERS = 3
#: An issue whose 90% interval is narrower than this share of its scale has no drivers
#: worth ranking: the variance the indices divide is Monte Carlo noise.
STEADY = 0.01


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
    """Median over models of each id's ``key`` (``forecasts``, ``gains``) of each model's
    result (or its JSON); None where no model has a number."""
    values = [r[key] if isinstance(r, Mapping) else getattr(r, key) for r in models.values()]
    return median_over(values, list(ids))


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
    sep = text("report.list_sep", lang)
    if "issue" in change:
        issue = issue_name(change["issue"])
        return sep.join(
            text(f"report.change.{key}", lang, issue=issue, op=op(change[key]))
            for key in ("status_quo", "no_deal")
            if key in change
        )
    who = name(change["actor"])
    parts = []
    if "at_table" in change:
        key = "report.change.at_table" if change["at_table"] else "report.change.off_table"
        parts.append(text(key, lang, actor=who))
    if "capability" in change:
        parts.append(text("report.change.capability", lang, actor=who, op=op(change["capability"])))
    veto = change.get("veto")
    if veto is True or veto is False or veto == []:
        key = "report.change.veto" if veto else "report.change.no_veto"
        parts.append(text(key, lang, actor=who))
    elif veto is not None:
        issues = sep.join(issue_name(i) for i in veto)
        parts.append(text("report.change.veto_on", lang, actor=who, issues=issues))
    if "no_deal_cost" in change:
        parts.append(
            text("report.change.no_deal_cost", lang, actor=who, op=op(change["no_deal_cost"]))
        )
    for target, strength in (change.get("influence") or {}).items():
        tie = {"actor": who, "target": name(target)}
        if strength is None:
            parts.append(text("report.change.tie_cut", lang, **tie))
        else:
            parts.append(text("report.change.tie", lang, op=op(strength), **tie))
    for key, message in (
        ("salience", "report.change.salience"),
        ("positions", "report.change.position"),
    ):
        for issue_id, value in (change.get(key) or {}).items():
            parts.append(text(message, lang, actor=who, issue=issue_name(issue_id), op=op(value)))
    return sep.join(parts)


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


@dataclass
class _Page:
    """What every part of a briefing is written with: its scenario, runs and language."""

    scenario: Scenario
    runs: Runs
    lang: str

    def t(self, key: str, **values: Any) -> str:
        return text(key, self.lang, **values)

    def fmt(self, x: float | None, digits: int = 1, sign: bool = False) -> str:
        return number(x, self.lang, digits, sign)

    def title(self, model: str) -> str:
        from detente.report.charts import model_title

        return model_title(model, self.lang)


def _forecast_rows(page: _Page, mid: Mapping[str, float | None]) -> list[dict[str, Any]]:
    """Per issue: the central forecast in words, and each model's forecast (with its
    90% interval where the simulation has one)."""
    models = page.runs.forecast.models
    sims = page.runs.simulation.models if page.runs.simulation else {}
    # The headline's 90% forecast interval, as forecast prints it.
    band = ((page.runs.forecast.summary or {}).get("interval") or {}).get("90", {})
    rows = []
    for issue in page.scenario.issues:
        values = [v for r in models.values() if (v := r.forecasts.get(issue.id)) is not None]
        value = mid[issue.id]
        change = None if value is None or issue.status_quo is None else value - issue.status_quo
        key = (
            "report.forecast.issue"
            if issue.status_quo is not None
            else "report.forecast.issue_no_sq"
        )
        sentence = page.t(
            key,
            issue=issue.display_name,
            value=page.fmt(value),
            sq=page.fmt(issue.status_quo),
            change=page.fmt(change, sign=True),
            reading=reading(issue, value, page.lang),
            low=page.fmt(min(values) if values else None),
            high=page.fmt(max(values) if values else None),
        )
        cells = []
        for name, r in models.items():
            cell = page.fmt(r.forecasts.get(issue.id))
            stats = sims[name].issues().get(issue.id) if name in sims else None
            if stats and stats.get("p05") is not None:
                cell += f" [{page.fmt(stats['p05'])}–{page.fmt(stats['p95'])}]"
            cells.append(cell)
        shown = page.fmt(value)
        if band.get(issue.id) is not None:
            shown += f" [{page.fmt(band[issue.id][0])}–{page.fmt(band[issue.id][1])}]"
        rows.append({"issue": issue, "sentence": sentence, "central": shown, "cells": cells})
    return rows


@dataclass
class _Drivers:
    """What the forecast hinges on: the rows shown, the model ranked, and the issues
    whose forecast hardly moves."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    model: str | None = None
    ranked: bool = False
    steady: list[str] = field(default_factory=list)


def _drivers(page: _Page) -> _Drivers:
    from detente.report.charts import input_label

    out = _Drivers()
    sens = page.runs.sensitivity
    if sens is None or not sens.models:
        return out
    out.model = next(iter(sens.models))
    ranking = sens.models[out.model].ranking
    out.ranked = any(ranking.get(i.id) for i in page.scenario.issues)
    sim = page.runs.simulation
    spread = sim.models[out.model].issues() if sim and out.model in sim.models else {}
    for issue in page.scenario.issues:
        st = spread.get(issue.id) or {}
        lo, hi = issue.scale
        p05, p95 = st.get("p05"), st.get("p95")
        if p05 is not None and p95 is not None and p95 - p05 < STEADY * (hi - lo):
            # Variance ratios of a forecast that hardly varies are noise, not drivers.
            out.steady.append(
                page.t(
                    "report.drivers.steady",
                    issue=issue.display_name,
                    low=page.fmt(p05),
                    high=page.fmt(p95),
                )
            )
            continue
        for r in [r for r in ranking.get(issue.id, []) if (r.index or 0) > 0][:TOP_DRIVERS]:
            se = f" ± {page.fmt(r.index_se, 2)}" if r.index_se is not None else ""
            out.rows.append(
                {
                    "issue": issue.display_name,
                    "input": input_label(page.scenario, r.input, page.lang),
                    "index": page.fmt(r.index, 2) + se,
                    "low": page.fmt(r.low),
                    "high": page.fmt(r.high),
                }
            )
    return out


def _whatifs(page: _Page) -> list[dict[str, Any]]:
    """Per what-if: what it changes, and how far it moves each issue's central forecast."""
    comparison = page.runs.comparison
    if comparison is None:
        return []
    scenario, ids = page.scenario, page.scenario.issue_ids
    base_mid = central(comparison.baseline.models, "forecasts", ids)
    out = []
    for name, variant in comparison.variants.items():
        v_mid = central(variant.models, "forecasts", ids)
        changes = {
            i: None if v_mid[i] is None or base_mid[i] is None else v_mid[i] - base_mid[i]  # type: ignore[operator]
            for i in ids
        }
        moved = [(i, c) for i, c in changes.items() if c is not None and abs(c) >= 0.05]
        if moved:
            top_issue, top_change = max(moved, key=lambda item: abs(item[1]))
            summary = page.t(
                "report.largest_shift",
                issue=scenario.issue(top_issue).display_name,
                change=page.fmt(top_change, sign=True),
            )
        else:
            summary = page.t("report.no_shift")
        description = scenario.variants[name].description if name in scenario.variants else None
        verdict = (variant.summary or {}).get("ratification")
        out.append(
            {
                "name": name,
                # The analyst's description heads a what-if in the report's language;
                # the id (English, often) follows in small print.
                "label": description or name,
                "description": description,
                "changes": _variant_changes(scenario, name, page.lang),
                "cells": [page.fmt(changes[i], sign=True) for i in ids],
                "summary": summary,
                # Whether every veto player accepts the what-if's headline (— without one).
                "sticks": "—"
                if verdict is None
                else page.t("report.yes" if verdict["accepted"] else "report.no"),
            }
        )
    return out


def _model_notes(page: _Page) -> list[dict[str, Any]]:
    """Per model: its title, what it assumes, its known limits, preset and parameters."""
    notes = []
    for name, r in page.runs.forecast.models.items():
        assumes = f"model.{name}.assumes"
        known = assumes in MESSAGES[page.lang]
        preset_word, preset_id = preset_label(r.preset, page.lang)
        notes.append(
            {
                "name": name,
                "title": page.title(name),
                "assumes": page.t(assumes if known else "model.other.assumes"),
                "limits": page.t(f"model.{name}.limits" if known else "model.other.limits"),
                "preset_word": preset_word,
                "preset_id": preset_id,
                # Parameters are ids and values as the model takes them: shown as code.
                "params": [f"{k}={v}" for k, v in r.params.items()],
            }
        )
    return notes


def _figures(
    page: _Page, middle: Forecast, drivers: _Drivers, whatifs: list[Any]
) -> dict[str, Markup]:
    """The briefing's charts, inline SVG: rounds, gains, distribution, tornado, what-ifs."""
    from markupsafe import Markup

    from detente.report import charts

    scenario, runs, lang = page.scenario, page.runs, page.lang
    figures: dict[str, Markup] = {}

    def svg(name: str, draw: Callable[[], Any]) -> None:
        prefix = f"chart{len(figures) + 1}-"
        figures[name] = Markup(_inline_svg(draw().to_svg(), prefix))

    dynamic = [m for m, r in runs.forecast.models.items() if r.rounds]
    if dynamic:
        svg("rounds", lambda: charts.rounds_chart(scenario, runs.forecast, dynamic[0], lang=lang))
    svg("gains", lambda: charts.gains_chart(scenario, middle, "central", lang=lang))
    if runs.simulation and runs.simulation.models:
        sim = runs.simulation
        lead = lead_model(list(sim.models), sim)
        svg("distribution", lambda: charts.distribution_chart(scenario, sim, lead, lang=lang))
    if drivers.rows and runs.sensitivity is not None:
        sens, model = runs.sensitivity, drivers.model
        svg("tornado", lambda: charts.tornado_chart(scenario, sens, model, lang=lang))
    if whatifs and runs.comparison is not None:
        comparison = runs.comparison
        lead = next(iter(comparison.baseline.models))
        svg("variants", lambda: charts.variants_chart(scenario, comparison, lead, lang=lang))
    return figures


def render(
    scenario: Scenario,
    runs: Runs,
    lang: str = "en",
    now: datetime | None = None,
) -> str:
    """The briefing as one HTML document (see the module docstring)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from detente import __version__

    text("report.title", lang, title="")  # refuses an unknown language first
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"])
    )
    models = runs.forecast.models
    if not models:
        raise ParameterError("the forecast holds no model: nothing to report")
    page = _Page(scenario, runs, lang)
    t = page.t
    middle = central_result(runs.forecast)
    mid = middle.models["central"]
    ranked = sorted(
        ((a, g) for a, g in mid.gains.items() if g is not None), key=lambda item: -item[1]
    )
    sep = t("report.list_sep")
    names = {a.id: a.display_name for a in scenario.actors}
    winners = [names[a] for a, g in ranked if g > 0][:2]
    losers = [names[a] for a, g in ranked[::-1] if g < 0][:2]
    dynamic = [m for m, r in models.items() if r.rounds]
    drivers = _drivers(page)
    whatifs = _whatifs(page)
    sims = runs.simulation.models if runs.simulation else {}
    saved = runs.saved_run
    context = {
        "lang": lang,
        "t": t,
        "fmt": page.fmt,
        "scenario": scenario,
        "title": t("report.title", title=scenario.title),
        "generated": t(
            "report.generated", version=__version__, date=_date(now or datetime.now(UTC), lang)
        ),
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
        "model_titles": {m: page.title(m) for m in models},
        "skipped": {page.title(m): reason for m, reason in runs.forecast.skipped.items()},
        "forecasts": _forecast_rows(page, mid.forecasts),
        "acceptance": acceptance(page, mid.forecasts),
        "lead": t(
            "report.forecast.lead",
            n=len(models),
            draws=runs.simulation.draws if runs.simulation else 0,
        ),
        "simulation": runs.simulation,
        "interval_models": sep.join(page.title(m) for m in sims),
        "gains": [
            {"actor": names[a], "value": page.fmt(g, 3), "up": g > 0, "down": g < 0}
            for a, g in ranked
        ],
        "winners": t("report.winners.best", actors=sep.join(winners)) if winners else None,
        "losers": t("report.winners.worst", actors=sep.join(losers)) if losers else None,
        "drivers": drivers.rows,
        "ranked_inputs": drivers.ranked,
        "steady": drivers.steady,
        "drivers_model": page.title(drivers.model) if drivers.model else None,
        "has_inputs": _has_inputs(runs),
        "whatifs": whatifs,
        "issue_names": [i.display_name for i in scenario.issues],
        "model_notes": _model_notes(page),
        "figures": _figures(page, middle, drivers, whatifs),
        "warnings": runs.warnings,
        "dynamic_title": page.title(dynamic[0]) if dynamic else None,
    }
    return env.get_template("report.html.j2").render(**context)


def _has_inputs(runs: Runs) -> bool:
    """Whether the scenario has ranges to draw from (said so when no interval was made)."""
    made = runs.sensitivity or runs.simulation
    return True if made is None else bool(made.inputs)


def central_result(forecast: Forecast) -> Forecast:
    """A forecast whose one model, ``central``, is :func:`detente.results.forecast.central`
    of ``forecast`` (what the briefing's gains chart shows)."""
    return Forecast(scenario=forecast.scenario, models={"central": central_of(forecast)})


__all__ = [
    "Runs",
    "briefing_inputs",
    "central",
    "describe_change",
    "gather",
    "interval_models",
    "lead_model",
    "preset_label",
    "reading",
    "render",
]
