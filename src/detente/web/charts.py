"""The report's charts (:mod:`detente.report.charts`) for the pages, drawn from saved runs.

A page shows a chart as ``<img src="/runs/ID/charts/KIND.svg?model=M">``:
the browser fetches the charts of a result in parallel, and a chart is drawn
from the run store, so a result's charts can be shown again at any time.
Drawing sets matplotlib's settings for the chart's fonts (global state), so
charts are drawn one at a time; a saved run never changes, so each chart is
drawn once and kept (:data:`CACHE_SIZE` of them).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from detente.errors import ParameterError
from detente.kinds import get_kind
from detente.results import Result

#: Charts kept after drawing (SVG text, tens of kB each).
CACHE_SIZE = 256
_lock = threading.Lock()
_cache: OrderedDict[tuple[Any, ...], str] = OrderedDict()


@dataclass(frozen=True)
class ChartSpec:
    """One chart of a result: its kind, model and issue (the pages caption it by kind)."""

    kind: str
    model: str
    issue: str | None

    def url(self, run_id: int, lang: str = "en") -> str:
        query = f"model={self.model}&lang={lang}"
        if self.issue is not None:
            query += f"&issue={self.issue}"
        return f"/runs/{run_id}/charts/{self.kind}.svg?{query}"


def specs(result: Result) -> dict[str, list[ChartSpec]]:
    """The charts each model's result is shown with: those its kind of run declares
    (:data:`detente.kinds.KINDS`), a tornado per issue, rounds only where a model has them.
    The challenges map is the briefing's and the command line's, not the pages'."""
    out: dict[str, list[ChartSpec]] = {}
    kinds = [k for k in get_kind(result.kind).charts if k != "challenges"]
    for model, res in result.models.items():
        charts = []
        for kind in kinds:
            if kind == "tornado":
                charts += [ChartSpec("tornado", model, issue) for issue in res.ranking]
            elif kind != "rounds" or res.rounds:
                charts.append(ChartSpec(kind, model, None))
        out[model] = charts
    return out


def check(kind: str, run_kind: str, run_id: int) -> None:
    """Refuse a chart that a run of ``run_kind`` cannot draw, saying which runs can."""
    from detente.report.charts import KINDS, SOURCES

    if kind not in KINDS:
        raise ParameterError(f"unknown chart kind {kind!r}; valid kinds: {', '.join(KINDS)}")
    if SOURCES[kind] != run_kind:
        raise ParameterError(
            f"a {kind} chart needs the result of a {SOURCES[kind]} run; "
            f"run {run_id} is a {run_kind} run"
        )


def svg(
    run_id: int,
    kind: str,
    result: Result,
    model: str | None,
    issue: str | None,
    lang: str,
) -> str:
    """The chart as SVG text (drawn once per run, kind, model, issue and language)."""
    from detente.report.charts import chart

    key = (run_id, kind, model, issue, lang)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        drawn = chart(kind, result.scenario, result, model=model, issue=issue, lang=lang)
        text: str = drawn.to_svg()
        _cache[key] = text
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
        return text
