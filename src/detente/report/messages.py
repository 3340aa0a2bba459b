"""The message catalogue: every word charts and reports print, in English and Chinese.

:func:`text` looks a message up by key; a key missing from a language is an
error, not a silent fallback to English, and the tests check that both
languages hold the same keys and placeholders. Words that come from the
scenario (titles, issue names, scale labels, notes) are the analyst's and
are printed as written.
"""

from __future__ import annotations

import string
from typing import Any, Literal

from detente.report.messages_zh import ZH

Lang = Literal["en", "zh"]
LANGS: tuple[str, ...] = ("en", "zh")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # charts
        "chart.rounds.title": "Positions by round — {model}",
        "chart.rounds.static": "{model} is static: positions and its forecast",
        "chart.round": "round",
        "chart.position": "position",
        "chart.forecast": "forecast",
        "chart.status_quo": "status quo",
        "chart.gains.title": "Who wins, who loses — {model}",
        "chart.gains.axis": "gain against the status quo (salience-weighted)",
        "chart.off_table": "(off the table)",
        "chart.distribution.title": "Forecast distribution — {model} ({draws} draws)",
        "chart.draws": "draws",
        "chart.interval": "5–95% interval",
        "chart.median": "median",
        "chart.point": "point forecast",
        "chart.tornado.title": "What moves the forecast on {issue} — {model}",
        "chart.tornado.axis": "forecast with the input at its low / high end",
        "chart.tornado.low": "input at low",
        "chart.tornado.high": "input at high",
        "chart.tornado.none": (
            "No input, moved alone to its low or high end, changes this forecast."
        ),
        "chart.challenges.title": "Bilateral challenges in round 1: how i sees j",
        "chart.titled": "{title} — {model}",
        "chart.challenges.x": "E^i(U_ij): i challenges j",
        "chart.challenges.y": "E^i(U_ji): j challenges i, as i sees it",
        "chart.challenges.conflict": "conflict",
        "chart.challenges.compel": "i compels j",
        "chart.challenges.compromise": "i compromises",
        "chart.challenges.stalemate": "stalemate",
        "chart.challenges.none": "fewer than two actors at the table",
        "chart.variants.title": "What-ifs against the baseline — {model}",
        "chart.variants.axis": "position on the issue's scale (0 = low end, 100 = high end)",
        "chart.baseline": "baseline",
        "chart.track.title": "How the headline forecast moved, {first} to {last}",
        "chart.track.central": "central forecast",
        "chart.track.band50": "50% forecast interval",
        "chart.track.band90": "90% forecast interval",
        "chart.track.outcome": "outcome (signed or decided)",
        "chart.track.proposal": "proposal (a tabled text, not an outcome)",
        # the track briefing
        "report.track.title": "Track briefing: {title}",
        "report.track.span": "{count} dated snapshots, {first} to {last}.",
        "report.track.moved": "How the forecast moved",
        "report.track.moved.lead": (
            "Each snapshot is the scenario as it was known on its date. Per issue: the "
            "headline forecast, its 90% forecast interval in brackets, and the status quo below."
        ),
        "report.track.as_of": "as of",
        "report.track.headline": "Headline: {method}",
        "report.track.calibration": "Intervals: {calibration}",
        "report.track.changes": "What changed, and why",
        "report.track.since": "{day} ({file}): what changed since {before}",
        "report.track.who": "who",
        "report.track.what": "what",
        "report.track.from_to": "from → to",
        "report.track.why": "why (the analyst's note)",
        "report.track.none": "No input changed.",
        "report.track.fared": "How the forecasts fared",
        "report.track.not_outcome": (
            "A proposal is not an outcome: it says where a party or a mediator wanted an issue "
            "to land, not where it landed. The two are scored apart."
        ),
        "report.track.against": "Against later {kind}",
        "report.track.kind.outcome": "outcomes (signed or decided)",
        "report.track.kind.proposal": "proposals (tabled texts)",
        "report.track.n": "observations",
        "report.track.mae": "mean absolute error",
        "report.track.inside": "inside the 90% interval",
        "report.track.of": "{k} of {n}",
        "report.track.no_observations": "No observations were given: nothing is scored.",
        "report.track.observations": "What was observed",
        "report.track.date": "date",
        "report.track.value": "value",
        "report.track.kind": "kind",
        "report.track.source": "source",
        "report.track.sources": "Where each snapshot's inputs come from",
        "report.track.field.positions": "position on {issue}",
        "report.track.field.salience": "salience of {issue}",
        "report.track.field.capability": "capability",
        "report.track.field.at_table": "at the table",
        "report.track.field.status_quo": "status quo",
        "report.track.field.actor": "actor",
        "report.track.field.issue": "issue",
        "report.track.field.no_deal": "no-deal point",
        "report.track.field.no_deal_cost": "cost of no deal",
        "report.track.field.veto": "veto",
        "input.capability": "capability",
        "input.position": "position on {issue}",
        "input.salience": "salience of {issue}",
        # report
        "report.title": "Briefing: {title}",
        "report.generated": "Generated by detente {version} on {date}.",
        "report.from_run": "From saved run {run} ({kind}, {date}).",
        "report.kind.forecast": "forecast",
        "report.kind.simulate": "simulation",
        "report.kind.sensitivity": "sensitivity analysis",
        "report.kind.compare": "comparison of what-ifs",
        "report.contents": "Contents",
        "report.question": "The question",
        "report.question.text": (
            "How will this negotiation end? {n_actors} actors ({n_table} at the table) "
            "contest {n_issues} issues. Each issue is a line between two outcomes; the "
            "status quo is where it stands today."
        ),
        "report.actors_issues": "Actors and issues",
        "report.issues": "Issues",
        "report.actors": "Actors",
        "report.issue": "issue",
        "report.scale": "scale",
        "report.low_end": "low end",
        "report.high_end": "high end",
        "report.status_quo": "status quo",
        "report.actor": "actor",
        "report.capability": "capability",
        "report.at_table": "at the table",
        "report.yes": "yes",
        "report.no": "no",
        "report.not_involved": "not involved",
        "report.positions_caption": "Positions (salience in brackets)",
        "report.forecast": "The forecast, issue by issue",
        "report.forecast.lead": (
            "The central forecast is the headline: the weighted mean of the seated actors' "
            "positions, the most accurate of the {n} models on EU legislative negotiations; "
            "in brackets, its 90% forecast interval (the models' error included). The table "
            "gives each model's forecast, with its input band (5–95% of {draws} draws of the "
            "inputs) where the scenario gives ranges."
        ),
        "report.forecast.issue": (
            "{issue}: the models put the outcome at {value} (status quo {sq}, change "
            "{change}), which reads as {reading}. The models range from {low} to {high}."
        ),
        "report.forecast.issue_no_sq": (
            "{issue}: the models put the outcome at {value}, which reads as {reading}. "
            "The models range from {low} to {high}."
        ),
        "report.model": "model",
        "report.central": "central (headline) [90% forecast interval]",
        "report.no_forecast": "no forecast",
        "report.stick": "Would the deal stick?",
        "report.stick.text": (
            "Some actors' consent is needed whether or not they sit at the table: {players} "
            "hold a veto. A veto player accepts a package when it leaves it no worse off than "
            "the talks failing (where each issue would then stand, plus its cost of no deal). "
            "When one would refuse, the nearest acceptable package is the one every veto "
            "player accepts that the table gives up least for."
        ),
        "report.stick.accepted": (
            "Every veto player accepts the central forecast: the deal would stick as forecast."
        ),
        "report.stick.rejected": (
            "{actors} would reject the central forecast: the deal would not stick as "
            "forecast. The nearest package every veto player accepts:"
        ),
        "report.stick.binding": (
            "At that package the conditions of {actors} bind: each accepts it with nothing "
            "to spare, so any move back toward the table's deal loses them."
        ),
        "report.stick.central": "central forecast",
        "report.stick.nearest": "nearest acceptable package",
        "report.stick.change": "change",
        "report.stick.reading": "reads as",
        "report.stick.models": "Each model's forecast, judged the same way:",
        "report.stick.sticks": "accepted by every veto player",
        "report.stick.rejected_by": "rejected by",
        "report.stick.binding_row": "binding at the nearest package",
        "report.stick.none": "none",
        "report.stick.chance": (
            "Over {draws} draws of the inputs: the share of draws in which every veto player "
            "accepts each model's forecast (the chance the deal sticks), and each veto "
            "player's share."
        ),
        "report.stick.all": "the deal sticks",
        "report.interval": "Forecast interval and input band",
        "report.interval.text": (
            "The forecast interval beside the central forecast holds the models' error: it "
            "is calibrated on EU legislative negotiations (DEU, 351 issues), and for other "
            "kinds of negotiation it is a floor, the real uncertainty may be wider. Inputs "
            "with a range were drawn {draws} times (seed {seed}); each model's cell gives "
            "its input band, the 5th–95th percentile of its forecast over the draws: a wide "
            "band means the answer hinges on estimates we are unsure of, a narrow one does "
            "not make the answer sure."
        ),
        "report.interval.none": "No input of this scenario carries a range: no interval.",
        "report.interval.skipped": "Intervals were not computed (draws = 0).",
        "report.winners": "Who wins and who loses",
        "report.winners.text": (
            "A gain is how much closer the forecast is to what an actor wants than the "
            "status quo is, weighted by how much it cares (central: the headline)."
        ),
        "report.winners.best": "Gains most: {actors}.",
        "report.winners.worst": "Loses most: {actors}.",
        "report.gain": "gain",
        "report.drivers": "What drives it",
        "report.drivers.text": (
            "The inputs each issue's forecast hinges on most under {model}: total-order "
            "Sobol index (share of the forecast's variance, ± its Monte Carlo standard "
            "error: where a forecast hardly varies, the estimate is rough) and the "
            "forecast with the input at its low and high end."
        ),
        "report.drivers.none": "No input carries a range: nothing to rank.",
        "report.drivers.still": (
            "No input moves a forecast of {model} within its range: every draw lands "
            "on the same outcome."
        ),
        "report.drivers.steady": (
            "{issue}: the forecast stays between {low} and {high} in 90% of the draws, "
            "too steady for its variance to be shared out among the inputs."
        ),
        "report.input": "input",
        "report.index": "share of variance",
        "report.at_low": "at low",
        "report.at_high": "at high",
        "report.whatifs": "What-ifs",
        "report.whatifs.text": (
            "Each what-if changes the scenario and forecasts again; the table gives the "
            "change of the central forecast against the baseline."
        ),
        "report.whatifs.none": "The scenario defines no what-ifs (variants).",
        "report.whatif": "what-if",
        "report.changes": "changes",
        "report.largest_shift": "The largest shift is on {issue} ({change}).",
        "report.no_shift": "No forecast moves.",
        "report.models": "The models: assumptions and known limits",
        "report.assumes": "Assumes",
        "report.limits": "Known limits",
        "report.parameters": "Parameters",
        # Presets whose names are words; the others (bdm, scholz2011, ktab) are ids.
        "report.preset.default": "default",
        "report.preset.equal-gain": "equal gain",
        "report.provenance": "Where the inputs come from",
        "report.notes": "Analyst's notes",
        "report.warnings": "Warnings",
        "report.reading.none": "no forecast",
        "report.reading.low": "≈ {low}",
        "report.reading.high": "≈ {high}",
        "report.reading.lean_low": "leaning to: {low}",
        "report.reading.lean_high": "leaning to: {high}",
        "report.reading.middle": "midway between “{low}” and “{high}”",
        "report.list_sep": ", ",
        "report.clause_sep": "; ",
        "report.colon": ": ",
        "report.date": "{y}-{m:02d}-{d:02d}",
        "report.rounds_caption": "How positions move round by round under {model}.",
        "report.skipped": "{model} did not run: {reason}",
        "report.draws_model": "Intervals: {models}.",
        "report.change.removed": "remove {actor}",
        "report.change.added": "add {actor}",
        "report.change.at_table": "{actor} at the table",
        "report.change.off_table": "{actor} leaves the table",
        "report.change.capability": "{actor} capability {op}",
        "report.change.salience": "{actor} salience of {issue} {op}",
        "report.change.position": "{actor} position on {issue} {op}",
        "report.change.status_quo": "status quo of {issue} {op}",
        "report.change.no_deal": "no-deal point of {issue} {op}",
        "report.change.veto": "{actor} holds a veto on every issue",
        "report.change.no_veto": "{actor} holds no veto",
        "report.change.veto_on": "{actor} holds a veto on {issues}",
        "report.change.no_deal_cost": "{actor} cost of no deal {op}",
        "report.change.tie": "tie from {actor} to {target} {op}",
        "report.change.tie_cut": "tie from {actor} to {target} removed",
        "report.change.shock": "from round {round}: {change}",
        # models: assumptions and limits
        "model.median.assumes": (
            "The outcome is the weighted median of positions (Black 1948): no coalition "
            "can beat it on a single issue under weighted majority."
        ),
        "model.median.limits": (
            "Ignores how strongly the actors off the median care; issues are independent; "
            "no bargaining or time."
        ),
        "model.compromise.assumes": (
            "The outcome is the capability-and-salience-weighted mean of positions "
            "(the compromise model: Van den Bos 1991; Achen 2006)."
        ),
        "model.compromise.limits": (
            "Every actor pulls in proportion to its weight, even extreme ones; issues are "
            "independent; no strategy."
        ),
        "model.nbs.assumes": (
            "The outcome maximises the weighted product of the actors' gains over the "
            "status quo (Nash bargaining solution)."
        ),
        "model.nbs.limits": (
            "Needs a status quo as the disagreement point (none: no forecast); utilities "
            "are assumed quadratic in distance; issues are independent."
        ),
        "model.eu.assumes": (
            "Actors challenge, compel and compromise round by round, each weighing its "
            "expected utility of challenging another (Bueno de Mesquita's expected-utility "
            "model as written down by Scholz et al. 2011)."
        ),
        "model.eu.limits": (
            "The original code was never published: this is a reconstruction; it need "
            "not converge and can oscillate; risk attitudes are inferred, not observed."
        ),
        "model.smp.assumes": (
            "Actors bargain pairwise over all issues at once, in the spatial model of "
            "politics of KTAB (Wise et al.): challenges weighed by the probabilities of "
            "coalitions winning."
        ),
        "model.smp.limits": (
            "Results depend on the voting rule and model variants chosen; it can be slow "
            "with many actors; positions interact across issues only through salience."
        ),
        "model.exchange.assumes": (
            "Actors trade concessions on issues they care little about for gains on issues "
            "they care much about (Stokman and Van Oosten's exchange model)."
        ),
        "model.exchange.limits": (
            "Assumes trades are kept; the order of exchanges and the shares of the gains "
            "are modelling choices; issues with few actors leave little to trade."
        ),
        "model.central.title": "the headline (weighted mean)",
        "model.ensemble.assumes": "Combines the other models' forecasts into one.",
        "model.ensemble.limits": "Only as good as the models it combines and their weights.",
        "model.headline.assumes": (
            "The central forecast: the weighted mean of the seated actors' positions "
            "(compromise), the most accurate model on EU legislative data."
        ),
        "model.headline.limits": "Those of the compromise model; its errors set the intervals.",
        "model.other.assumes": "See the model's documentation.",
        "model.other.limits": "See the model's documentation.",
    },
    "zh": ZH,
}


_FULL = {",": "\uff0c", ";": "\uff1b", ":": "\uff1a", "!": "\uff01", "?": "\uff1f"}
_OPEN, _CLOSE = "\uff08", "\uff09"


def _is_cjk(c: str) -> bool:
    return "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef"


def fullwidth(message: str) -> str:
    """Chinese typography for text written with ASCII punctuation.

    ``, ; : ! ?`` next to a Chinese character become full-width, and so do
    both brackets of a pair that holds or touches one; formulas such as
    ``E^i(U_ij)`` and placeholders stay as written.

    >>> fullwidth("现状{sq}(变化{change}),即{reading}。E^i(U_ij):挑战")
    '现状{sq}（变化{change}），即{reading}。E^i(U_ij)：挑战'
    """
    chars = list(message)
    stack: list[int] = []
    for k, c in enumerate(chars):
        if c == "(":
            stack.append(k)
        elif c == ")" and stack:
            start = stack.pop()
            touching = message[max(start - 1, 0) : k + 2]
            if any(_is_cjk(x) for x in touching):
                chars[start], chars[k] = _OPEN, _CLOSE
    for k, c in enumerate(chars):
        if c in _FULL:
            around = chars[max(k - 1, 0) : k] + chars[k + 1 : k + 2]
            if any(_is_cjk(x) for x in around):
                chars[k] = _FULL[c]
    return "".join(chars)


# The catalogue's Chinese is written with ASCII punctuation; print it the Chinese way.
MESSAGES["zh"] = {key: fullwidth(value) for key, value in MESSAGES["zh"].items()}


def text(key: str, lang: str = "en", **values: Any) -> str:
    """The message ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    if lang not in MESSAGES:
        from detente.errors import ParameterError

        raise ParameterError(f"unknown language {lang!r}; valid languages: {', '.join(LANGS)}")
    return MESSAGES[lang][key].format(**values) if values else MESSAGES[lang][key]


def placeholders(message: str) -> set[str]:
    """The ``{names}`` a message expects."""
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def number(x: float | None, lang: str = "en", digits: int = 1, sign: bool = False) -> str:
    """A number as a reader of ``lang`` writes it (``—`` for none)."""
    if x is None:
        return "—"
    text_ = f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"
    return text_.replace("-", "−")
