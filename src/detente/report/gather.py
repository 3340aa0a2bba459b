"""The runs a briefing is made from: given (a saved run's, read back) or made now.

:func:`gather` makes what a briefing lacks: the forecast, intervals for the
models :func:`interval_models` picks, the drivers of the model
:func:`lead_model` picks, and the scenario's what-ifs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from detente.errors import ParameterError
from detente.results import Comparison, Forecast, Result, Sensitivity, Simulation
from detente.scenario import Scenario


@dataclass
class Runs:
    """The results a report is made from (see :func:`render`)."""

    forecast: Forecast
    simulation: Simulation | None = None
    sensitivity: Sensitivity | None = None
    comparison: Comparison | None = None
    #: Where the forecast came from: ``{"id", "kind", "started_at"}`` of a saved run.
    saved_run: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)


def interval_models(forecast: Forecast, intervals: str) -> list[str]:
    """The models whose intervals a report computes: ``batched`` (those that take a
    draw axis: fast), ``all``, ``none``, or names separated by commas."""
    from detente.models import REGISTRY

    ran = list(forecast.models)
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


def lead_model(
    models: Sequence[str], simulation: Simulation | Mapping[str, Any] | None = None
) -> str:
    """The model whose drivers and distribution a report shows.

    In order of preference: the dynamic models, then the compromise model (its
    forecast moves with every input), then the rest; with a ``simulation``
    (or its JSON), the first of them whose forecast the inputs' ranges actually move
    on some issue (p05 < p95), since the drivers of a forecast that never moves
    rank nothing: on the flagship, ``eu`` lands on the same positions in
    every draw.
    """
    from detente.models import REGISTRY

    def dynamic(m: str) -> bool:
        return m in REGISTRY and REGISTRY[m].dynamic

    ordered = sorted(models, key=lambda m: 0 if dynamic(m) else 1 if m == "compromise" else 2)
    if simulation is None:
        sims: dict[str, Any] = {}
    elif isinstance(simulation, Mapping):
        sims = {m: r.get("issues", {}) for m, r in simulation.get("models", {}).items()}
    else:
        sims = {m: r.issues() for m, r in simulation.models.items()}
    for m in ordered:
        issues = sims.get(m, {})
        if any(
            st.get("p05") is not None and st.get("p95") is not None and st["p95"] > st["p05"]
            for st in issues.values()
        ):
            return m
    return ordered[0]


def briefing_inputs(saved: Result) -> dict[str, Any]:
    """What a saved run gives a briefing: a forecast (a comparison's baseline), and a
    comparison's what-ifs or a simulation's intervals (a sensitivity run gives none)."""
    if isinstance(saved, Comparison):
        return {"forecast": saved.baseline, "comparison": saved}
    if isinstance(saved, Simulation):
        return {"simulation": saved}
    if saved.kind == "forecast":
        return {"forecast": saved}
    return {}


def gather(
    scenario: Scenario,
    forecast: Forecast | None = None,
    *,
    model: str = "all",
    preset: str | None = None,
    params: Mapping[str, Any] | None = None,
    intervals: str = "batched",
    draws: int = 1000,
    seed: int = 0,
    simulation: Simulation | None = None,
    comparison: Comparison | None = None,
    force: bool = False,
) -> tuple[Runs, list[Result]]:
    """Every run a briefing needs, made unless given; also the runs made.

    ``forecast``, ``simulation`` and ``comparison`` may be given (a saved
    run's, read back); what is missing is run now: the forecast with
    ``model``, intervals (simulate, ``draws`` draws) and the drivers
    (sensitivity, ``draws // 4`` base draws) for the models
    :func:`interval_models` picks, and the scenario's variants. ``force``
    runs past the limits of :mod:`detente.limits`.
    """
    from detente.compare import compare
    from detente.forecast import forecast as run_forecast
    from detente.sensitivity import sensitivity
    from detente.uncertainty import simulate

    made: list[Result] = []
    common: dict[str, Any] = {"preset": preset, "params": dict(params or {}), "force": force}
    if forecast is None:
        forecast = run_forecast(scenario, model=model, **common)
        made.append(forecast)
    warnings = list(forecast.warnings)
    chosen = ",".join(interval_models(forecast, intervals))
    sens = None
    if chosen and draws > 0:
        if simulation is None:
            simulation = simulate(scenario, model=chosen, draws=draws, seed=seed, **common)
            made.append(simulation)
        lead = lead_model(chosen.split(","), simulation)
        sens = sensitivity(scenario, model=lead, draws=max(draws // 4, 2), seed=seed, **common)
        made.append(sens)
    if comparison is None and scenario.variants:
        comparison = compare(scenario, model=",".join(forecast.models), **common)
        made.append(comparison)
    runs = Runs(
        forecast=forecast,
        simulation=simulation,
        sensitivity=sens,
        comparison=comparison,
        warnings=warnings,
    )
    return runs, made
