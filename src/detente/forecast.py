"""Run models on a scenario and put their answers in the scenario's terms.

:func:`forecast` is the Python face of ``detente forecast``: it loads the
scenario if given a path, resolves presets and parameters, runs each model on
the scenario's arrays and returns a :class:`Forecast`, whose
:meth:`Forecast.to_dict` is exactly the CLI's ``--json`` output.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel

from detente.arrays import ScenarioArrays
from detente.errors import ParameterError
from detente.gains import gains
from detente.limits import SizeError, over_limit, warn_if_slow
from detente.models import REGISTRY, Model, get_model
from detente.models.batch import shock_warnings
from detente.ratification import ratification_tree
from detente.results.base import json_number
from detente.results.forecast import Forecast, ModelResult
from detente.scenario import Scenario


def split_params(models: list[str], params: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Assign ``NAME`` or ``MODEL.NAME`` parameters to models.

    With one model a bare ``NAME`` is that model's; with several every name
    must say ``MODEL.NAME``.
    """
    out: dict[str, dict[str, Any]] = {m: {} for m in models}
    for key, value in params.items():
        model, dot, name = key.partition(".")
        model = model.strip().lower()
        if dot:
            if model not in out:
                raise ParameterError(
                    f"parameter {key!r} names model {model!r}, which is not being run "
                    f"(running: {', '.join(models)})"
                )
            out[model][name] = value
        elif len(models) == 1:
            out[models[0]][key] = value
        else:
            raise ParameterError(
                f"parameter {key!r} is ambiguous with several models: write MODEL.{key}"
            )
    return out


def run_model(
    model: Model, arrays: ScenarioArrays, preset: str | None, params: Mapping[str, Any]
) -> ModelResult:
    """Run one model and translate its outcome into scenario units."""
    resolved = model.resolve(preset, params)
    return run_planned(model, arrays, Planned(model.name, preset or model.default_preset, resolved))


def run_planned(model: Model, arrays: ScenarioArrays, plan: Planned) -> ModelResult:
    """Run a planned model (parameters resolved) and put its outcome in scenario units."""
    resolved = plan.params
    outcome = model.run(arrays, resolved)
    outcome.warnings.extend(shock_warnings(model, arrays, outcome))
    forecast = np.asarray(outcome.forecast, dtype=float)
    in_units = arrays.to_scale(forecast)
    gain = gains(arrays, forecast)
    rounds = None
    if outcome.rounds is not None:
        scaled = arrays.to_scale(outcome.rounds)
        rounds = [
            {
                issue: {actor: json_number(step[a, k]) for a, actor in enumerate(arrays.actor_ids)}
                for k, issue in enumerate(arrays.issue_ids)
            }
            for step in scaled
        ]
    return ModelResult(
        model=model.name,
        title=model.title,
        preset=plan.preset,
        params=resolved.model_dump(mode="json"),
        forecasts={i: json_number(v) for i, v in zip(arrays.issue_ids, in_units, strict=True)},
        gains={a: json_number(v) for a, v in zip(arrays.actor_ids, gain, strict=True)},
        outcome=outcome,
        rounds=rounds,
        ratification=ratification_tree(arrays, forecast),
    )


def model_names(model: str) -> list[str]:
    """The models ``model`` stands for (``all`` = every registered model but the ensemble);
    names in any case (``EU`` is ``eu``)."""
    if model.strip().lower() == "all":
        return [name for name, m in REGISTRY.items() if not m.combines_models]
    return [get_model(m).name for m in model.split(",") if m.strip()]


def forecast(
    scenario: Scenario | str | Path,
    model: str = "all",
    preset: str | None = None,
    params: Mapping[str, Any] | None = None,
    rounds: int | None = None,
    seed: int | None = None,
    force: bool = False,
    **kwparams: Any,
) -> Forecast:
    """Forecast every issue of ``scenario`` with ``model`` (a name, or ``"all"``).

    ``preset`` picks a named parameter set (with several models, it applies
    to those that define it); parameters come as ``params`` (``MODEL.NAME``
    keys when several models run) or as keyword arguments. ``rounds`` sets
    the ``rounds`` parameter of every dynamic model being run, and ``seed``
    the ``seed`` parameter of every model with random draws. Parameters the
    scenario file sets (``Scenario.model_params``) apply first. ``force`` runs
    past the limits of :mod:`detente.limits` (a large file, a model that would
    take too much memory or time), which are refused otherwise.

    >>> from detente import load
    >>> f = forecast(load("examples/ukraine-2025.yaml"), model="compromise")
    >>> sorted(f["compromise"].forecasts) == sorted(f.scenario.issue_ids)
    True
    """
    from detente.io import as_scenario

    scn = as_scenario(scenario, force=force)
    planned, skipped = plan_models(
        scn, model, preset, {**(params or {}), **kwparams}, rounds, seed, force=force
    )
    arrays = scn.to_arrays()
    result = Forecast(scenario=scn, skipped=skipped)
    for plan in planned:
        result.models[plan.name] = run_planned(get_model(plan.name), arrays, plan)
    add_intervals(result, arrays)
    return result


def add_intervals(result: Forecast, arrays: ScenarioArrays) -> None:
    """The headline with its forecast intervals, and each calibrated model's intervals."""
    from detente.intervals import REPORTED, as_pairs, key, load_calibration
    from detente.summary import forecast_summary, point_intervals

    cal = load_calibration()
    result.headline = forecast_summary(arrays, cal)
    for name, model in result.models.items():
        found = cal.get(name)
        if found is None:
            continue
        values = np.array([np.nan if v is None else v for v in model.forecasts.values()])
        normalised = arrays.to_unit(values)
        bounds = point_intervals(arrays, normalised, found)
        model.forecast_interval = {key(c): as_pairs(*bounds[c], arrays.issue_ids) for c in REPORTED}


@dataclass(frozen=True)
class Planned:
    """A model to run, with its resolved parameters."""

    name: str
    preset: str
    params: BaseModel


def plan_models(
    scenario: Scenario,
    model: str,
    preset: str | None,
    params: Mapping[str, Any],
    rounds: int | None,
    seed: int | None = None,
    *,
    runs: int = 1,
    force: bool = False,
) -> tuple[list[Planned], dict[str, str]]:
    """Which models run, with which parameters, and which are skipped (and why).

    The rules every entry point shares (forecast, simulate, sensitivity):
    parameters the scenario file sets come first (the user's override them),
    ``MODEL.NAME`` parameters with several models, a preset applies to the
    models that define it, ``rounds`` to the dynamic ones and ``seed`` to those
    with random draws; ``rounds`` or ``seed`` given twice must agree.

    A model that ``runs`` times over would pass a limit of :mod:`detente.limits`
    is refused (:class:`~detente.limits.SizeError`) when it is the one asked
    for, and skipped with the reason among several; ``force`` runs it anyway.
    """
    names = model_names(model)
    per_model = split_params(names, params)
    if (
        preset is not None
        and len(names) > 1
        and not any(preset in get_model(n).presets for n in names)
    ):
        raise ParameterError(f"no model being run has a preset {preset!r}")
    # --rounds and --seed go to the models that take them, and must agree with a
    # parameter of the same name given for one of them.
    for option, value, trait, takers in (
        ("rounds", rounds, "dynamic", "dynamic models"),
        ("seed", seed, "seeded", "models with random draws"),
    ):
        if value is None:
            continue
        taking = [n for n in names if getattr(get_model(n), trait)]
        if not taking:
            raise ParameterError(f"--{option} applies to {takers} only, not {model!r}")
        for name in taking:
            given = per_model[name].setdefault(option, value)
            if given != value:
                raise ParameterError(
                    f"--{option} {value} and the parameter {name}.{option}={given} disagree: "
                    f"give the {option} once"
                )
    # The file's parameters come first: what the user gives (--param, --rounds, --seed)
    # overrides them.
    for name, given in (scenario.model_params or {}).items():
        if name in per_model:
            per_model[name] = {**given, **per_model[name]}
    arrays = scenario.to_arrays()
    planned, skipped = [], {}
    for name in names:
        m = get_model(name)
        reason = m.applies(arrays)
        if reason is not None:
            if len(names) == 1:
                raise ParameterError(f"model {name!r} cannot run on this scenario: {reason}")
            skipped[name] = reason
            continue
        chosen = preset if preset is None or preset in m.presets or len(names) == 1 else None
        resolved = m.resolve(chosen, per_model[name])
        too_large = _size_check(m, arrays, resolved, runs, force)
        if too_large is not None:
            if len(names) == 1:
                raise SizeError(too_large)
            skipped[name] = too_large
            continue
        planned.append(Planned(name, chosen or m.default_preset, resolved))
    return planned, skipped


def _size_check(
    model: Model, arrays: ScenarioArrays, params: BaseModel, runs: int, force: bool
) -> str | None:
    """Why ``model`` must not run (past a limit, unless ``force``); warns when it is slow."""
    total = model.footprint(arrays, params, runs)
    size = f"{arrays.n_actors} actors x {arrays.n_issues} issues"
    if runs > 1:
        size += f" ({runs:,} runs)"
    reason = over_limit(model.name, size, total, runs)
    if reason is not None and not force:
        return reason
    warn_if_slow(model.name, size, total)
    return None


__all__ = [
    "Forecast",
    "ModelResult",
    "Planned",
    "forecast",
    "json_number",
    "model_names",
    "plan_models",
    "run_model",
    "run_planned",
    "shock_warnings",
    "split_params",
]
