"""What a worker process runs: the library's own functions, on a scenario tree.

Each entry of :data:`WORK` takes the request (``scenario``: a tree, as
``GET /api/scenarios/{name}`` returns it; ``model``, ``preset``, ``params``
and, for Monte Carlo, ``draws`` and ``seed``; for a comparison,
``variants`` and ``what_ifs``) and a ``progress(done, total,
text)`` callback, and returns exactly the JSON of the matching CLI command,
with the warnings the CLI prints on stderr. Beside its JSON a result carries,
under :data:`RECORD_KEY`, what the run store keeps beyond it (its detail, a
simulation's draws) until it is saved: :func:`restore` reads the whole back
into the result object the store takes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from detente.compare import compare
from detente.forecast import forecast
from detente.kinds import get_kind
from detente.results import Result
from detente.scenario import Scenario

Progress = Callable[[int, int, str], None]
#: Where a job's result carries its detail and draws until it is saved.
RECORD_KEY = "_record"
Done = tuple[dict[str, Any], list[str]]


def record(result: Result) -> dict[str, Any]:
    """``result``'s JSON, with what the store keeps beyond it under :data:`RECORD_KEY`."""
    return {
        **result.to_dict(),
        RECORD_KEY: {"detail": result.detail(), "draws": result.draw_arrays()},
    }


def restore(kind: str, data: dict[str, Any], scenario: Scenario) -> Result:
    """The result of ``kind`` that :func:`record` wrote as ``data`` (whose
    :data:`RECORD_KEY` it takes out, leaving the JSON), on ``scenario``."""
    kept = data.pop(RECORD_KEY, None) or {}
    return get_kind(kind).from_dict(data, scenario, kept.get("detail"), kept.get("draws") or ())


def scenario_of(payload: dict[str, Any]) -> Scenario:
    return Scenario.from_tree(payload["scenario"], file=payload.get("file") or "<scenario>")


def run_forecast(payload: dict[str, Any], progress: Progress) -> Done:
    """``detente forecast --json``."""
    scenario = scenario_of(payload)
    progress(0, 0, f"running {payload['model']}")
    result = forecast(
        scenario, model=payload["model"], preset=payload.get("preset"), params=payload["params"]
    )
    return record(result), result.warnings


class _Counter:
    """Turns the library's ``progress(n)`` (units just finished) into done-of-total."""

    def __init__(self, progress: Progress, total: int, unit: str) -> None:
        self.progress, self.total, self.unit, self.done = progress, total, unit, 0
        progress(0, total, f"0 of {total:,} {unit}")

    def __call__(self, n: int) -> None:
        self.done += n
        self.progress(self.done, self.total, f"{self.done:,} of {self.total:,} {self.unit}")


def _monte_carlo(kind: str, unit: str, payload: dict[str, Any], progress: Progress) -> Done:
    """``detente simulate|sensitivity --json``, counting ``unit`` done."""
    draws = payload["draws"]
    result = get_kind(kind).function()(
        scenario_of(payload),
        model=payload["model"],
        draws=draws,
        seed=payload["seed"],
        preset=payload.get("preset"),
        params=payload["params"],
        progress=_Counter(progress, draws, unit),
    )
    return record(result), list(getattr(result, "warnings", []))


def run_simulate(payload: dict[str, Any], progress: Progress) -> Done:
    """``detente simulate --json``."""
    return _monte_carlo("simulate", "draws", payload, progress)


def run_sensitivity(payload: dict[str, Any], progress: Progress) -> Done:
    """``detente sensitivity --json``."""
    return _monte_carlo("sensitivity", "rows", payload, progress)


def run_compare(payload: dict[str, Any], progress: Progress) -> Done:
    """``detente compare --json``: the baseline and each variant or what-if."""
    count = len(payload["variants"] or []) + len(payload["what_ifs"])
    progress(0, 0, f"running {payload['model']} on the baseline and {count or 'every'} variant(s)")
    result = compare(
        scenario_of(payload),
        variants=payload["variants"],
        what_ifs=payload["what_ifs"],
        model=payload["model"],
        preset=payload.get("preset"),
        params=payload["params"],
    )
    return record(result), result.warnings


def run_report(payload: dict[str, Any], progress: Progress) -> Done:
    """``detente report RUN_ID --lang L``: the briefing of a saved run, and the runs it made.

    As the command does: the saved run gives the forecast (a comparison also
    its what-ifs, a simulation its intervals); what the briefing lacks is
    run now, with the saved run's models, preset and parameters.
    """
    from detente.report.html import briefing_inputs, gather, render

    run = payload["run"]
    scenario = Scenario.from_tree(run["scenario"], file=f"run {run['id']}")
    saved = get_kind(run["kind"]).from_dict(run["result"], scenario, payload.get("detail"))
    given = briefing_inputs(saved)
    progress(0, 0, "gathering the runs the briefing needs")
    runs, made = gather(
        scenario,
        model=run["model"],
        preset=run["preset"],
        params=run["params"],
        draws=payload["draws"],
        seed=payload["seed"],
        **given,
    )
    runs.saved_run = {
        "id": run["id"],
        "kind": run["kind"],
        "started_at": datetime.fromisoformat(run["started_at"]),
    }
    progress(0, 0, "writing the briefing")
    html = render(scenario, runs, lang=payload["lang"])
    done = [{"kind": result.kind, "result": record(result)} for result in made]
    return {"html": html, "made": done}, runs.warnings


WORK: dict[str, Callable[[dict[str, Any], Progress], Done]] = {
    "forecast": run_forecast,
    "simulate": run_simulate,
    "sensitivity": run_sensitivity,
    "compare": run_compare,
    "report": run_report,
}
