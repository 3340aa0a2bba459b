"""How accurate is each model? Backtesting on real negotiations with known outcomes (DEU).

:func:`backtest` runs every model, under every capability proxy asked for,
on the usable issues of the DEU data set (:mod:`detente.datasets.deu`) and
scores the forecasts against the recorded outcomes, on DEU's 0-100 scale:

- **MAE**: mean absolute error over the issues the model forecasts (``n``;
  ``nbs`` needs a reference point, which 99 issues lack);
- **95% interval** of the MAE by a cluster bootstrap (Field & Welsh 2007,
  *JRSS B* 69(3)): the *proposals* are resampled with replacement, not the
  issues, since the issues of one proposal are negotiated together and their
  errors are correlated. Every model and subgroup uses the same resampled
  proposals (paired), so :meth:`Backtest.difference` gives an interval for
  the difference between two models that accounts for their correlation;
- the same **by procedure** (COD, CNS) and **by voting rule** (QMV, its
  variants such as ``QMV(10)`` included, and Unan);
- **beats_mean_share**: the share of issues where the model is strictly
  closer to the outcome than ``compromise`` (the weighted mean) under the
  same proxy;
- **calibration**: how often the outcome falls inside the central 50% and
  90% intervals of :func:`detente.uncertainty.simulate` when every input is
  given a default range (DEU gives none; see :data:`DEFAULT_UNCERTAINTY`).
  It asks whether input uncertainty accounts for the errors, a question
  about the inputs rather than the proxy, so it is simulated under the first
  proxy named only (``null`` for the others), and by default only for the
  models that run all draws in one vectorised call (the others would run
  each draw separately: minutes per model).

Models that work on several issues at once (``exchange``, ``smp``, and any
model whose class sets ``joint = True``) run on each proposal's
issues together; every other model runs issue by issue. Runs are spread
over Dask workers with :class:`detente.parallel.Executor`, and the numbers
do not depend on the workers.

Every model runs with its default preset, as published: nothing of the
models is fitted to these outcomes. The one thing tuned on DEU is the
weighting of ``ensemble-cv`` (:data:`TUNED`, each member weighted by 1/MAE),
and it is scored by leave-one-proposal-out cross-validation
(:func:`lopo_inverse_mae`): no issue is forecast with weights fitted on its
own outcome.
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel

from detente.arrays import FloatArray, ScenarioArrays
from detente.backtest_scores import Scores, _mae_with_ci, proposal_weights, score
from detente.calibration import fit_models, score_all, stakes
from detente.calibration import rows as interval_rows
from detente.datasets.capability import capability as proxy_capability
from detente.datasets.capability import proxy_names
from detente.datasets.deu import DeuData, DeuIssue
from detente.datasets.deu import read as read_deu
from detente.errors import DetenteError, ParameterError
from detente.forecast import model_names
from detente.models import REGISTRY, get_model
from detente.parallel import Executor
from detente.scenario import Scenario

#: Models that forecast a proposal's issues jointly (trades across issues): those
#: that declare it (:attr:`detente.models.base.Model.joint`).
JOINT_MODELS = frozenset(name for name, m in REGISTRY.items() if m.joint)
#: The baseline every model is compared with.
BASELINE = "compromise"
#: The ensemble with weights 1/MAE tuned on DEU, scored by leave-one-proposal-out.
TUNED = "ensemble-cv"
DEFAULT_BOOTSTRAP = 2000
DEFAULT_DRAWS = 200
#: The models calibrated by default: vectorised over draws and quick on DEU.
#: ``exchange`` is vectorised too, but on DEU's proposals (up to 28 actors on
#: several issues, a hundred exchanges a round) 200 draws take about 12 s per
#: proposal, half an hour in all; ``smp`` and the ensemble run draw by draw.
QUICK_TO_CALIBRATE = tuple(name for name, m in REGISTRY.items() if m.quick_to_calibrate)
#: Input ranges for the calibration runs: +-10 points of position (on 0-100),
#: +-0.1 of salience (on 0-1), +-20% of capability; triangular, clipped to
#: the valid range. 92% of DEU's positions are multiples of 10 (two thirds
#: sit at 0 or 100), so 10 points is one step of the coders' usual grid.
DEFAULT_UNCERTAINTY = {"position": 10.0, "salience": 0.1, "capability": 0.2}
INTERVALS = {"p50": (25.0, 75.0), "p90": (5.0, 95.0)}


def is_joint(name: str) -> bool:
    """Whether model ``name`` runs on a proposal's issues together.

    The ensemble does, since some of its members (``exchange``, ``smp``) do.
    """
    model = get_model(name)
    # A model combining others (the ensemble, the headline) runs as its members may.
    return model.joint or model.combines_models


def ensemble_members() -> list[str]:
    """The models the ensemble combines by default: every model but itself."""
    return [n for n, m in REGISTRY.items() if not getattr(m, "combines_models", False)]


def backtest_models(spec: str) -> list[str]:
    """The models ``spec`` names; ``all`` is every registered model, the ensemble
    too, and the ensemble with weights tuned on DEU (:data:`TUNED`)."""
    if spec.strip() == "all":
        return [*REGISTRY, TUNED]
    names = [n.strip() for n in spec.split(",") if n.strip()]
    model_names(",".join(n for n in names if n != TUNED) or BASELINE)
    return list(dict.fromkeys(names))


def lopo_inverse_mae(
    members: FloatArray, outcome: FloatArray, cluster: np.ndarray
) -> tuple[FloatArray, FloatArray]:
    """Combine members' forecasts ``(J, n)`` with weights 1/MAE, cross-validated.

    For the issues of each proposal, member j's weight is 1 / its MAE on all
    *other* proposals (leave-one-proposal-out), so no issue is forecast with
    weights fitted on its own outcome. The combination is the ensemble's
    (:mod:`detente.models.ensemble`): sum_j v_j f_j / sum_j v_j over the
    members that forecast the issue. Returns the forecasts ``(n,)`` and the
    weights fitted on every proposal ``(J,)`` (those a weights file records).
    """
    errors = np.abs(members - outcome)
    ok = ~np.isnan(errors)
    p = int(cluster.max()) + 1
    sums = np.stack(
        [
            np.bincount(cluster[o], weights=e[o], minlength=p)
            for e, o in zip(errors, ok, strict=True)
        ]
    )
    counts = np.stack([np.bincount(cluster[o], minlength=p) for o in ok]).astype(float)
    total_s, total_c = sums.sum(axis=1), counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        held_out = (total_s[:, None] - sums) / (total_c[:, None] - counts)
        fitted = total_c / total_s
        v = np.where(held_out > 0, 1.0 / held_out, 0.0)[:, cluster]
        w = np.where(ok, v, 0.0)
        weight = w.sum(axis=0)
        combined = np.where(weight > 0, (w * np.nan_to_num(members)).sum(axis=0) / weight, np.nan)
    return combined, np.where(np.isfinite(fitted), fitted, 0.0)


@dataclass(frozen=True)
class Unit:
    """What one model run sees: one issue, or one proposal's issues together."""

    issues: tuple[int, ...]
    arrays: ScenarioArrays
    scenario: Scenario


def build_units(data: DeuData, joint: bool) -> list[Unit]:
    """One unit per issue, or (``joint``) per proposal, with capability 1 for all."""
    index = {issue.id: k for k, issue in enumerate(data.issues)}
    groups: list[tuple[DeuIssue, ...]] = (
        list(data.proposals.values()) if joint else [(i,) for i in data.issues]
    )
    units = []
    for group in groups:
        scenario = data.scenario(group)
        units.append(Unit(tuple(index[i.id] for i in group), scenario.to_arrays(), scenario))
    return units


def with_capability(arrays: ScenarioArrays, capability: Mapping[str, float]) -> ScenarioArrays:
    return arrays.with_values(capability=np.array([capability[a] for a in arrays.actor_ids]))


def _forecast(task: tuple[str, BaseModel, ScenarioArrays]) -> FloatArray | str:
    """One model run: forecasts on the 0-100 scale, or why the model cannot run."""
    name, params, arrays = task
    model = get_model(name)
    reason = model.applies(arrays)
    if reason is not None:
        return reason
    try:
        outcome = model.run(arrays, params)
    except DetenteError as exc:
        return str(exc)
    return np.asarray(arrays.to_scale(np.asarray(outcome.forecast, dtype=float)), dtype=float)


def uncertain_scenario(
    scenario: Scenario, capability: Mapping[str, float], spread: Mapping[str, float]
) -> Scenario:
    """``scenario`` with capability from ``capability`` and every input given a range."""
    tree = scenario.to_tree()
    pos, sal, cap = spread["position"], spread["salience"], spread["capability"]
    for actor in tree["actors"]:
        c = float(capability[actor["id"]])
        actor["capability"] = {"value": c, "low": c * (1 - cap), "high": c * (1 + cap)}
        for issue_id, x in actor["positions"].items():
            if x is None:
                continue
            s = actor["salience"][issue_id]
            actor["positions"][issue_id] = {
                "value": x,
                "low": max(0.0, x - pos),
                "high": min(100.0, x + pos),
            }
            actor["salience"][issue_id] = {
                "value": s,
                "low": max(0.0, s - sal),
                "high": min(1.0, s + sal),
            }
    return Scenario.from_tree(tree, file=scenario.source or "<deu>")


def _unit_seed(seed: int, unit: int) -> int:
    """A seed of its own for each unit, derived from the run's seed."""
    return int(np.random.SeedSequence([seed, unit]).generate_state(1, np.uint64)[0])


def _calibrate(
    task: tuple[str, str, Scenario, Mapping[str, float], int, int, int],
    spread: Mapping[str, float],
) -> FloatArray | str:
    """Simulated 5/25/75/95th percentiles ``(4, m)`` of one unit's forecasts."""
    from detente.uncertainty import simulate

    name, preset, scenario, capability, draws, seed, unit = task
    uncertain = uncertain_scenario(scenario, capability, spread)
    try:
        sim = simulate(
            uncertain,
            model=name,
            draws=draws,
            seed=_unit_seed(seed, unit),
            preset=preset,
        )
    except DetenteError as exc:
        return str(exc)
    forecasts = sim[name].forecasts
    with warnings.catch_warnings():
        # An issue the model cannot forecast (nbs without a status quo) is all NaN.
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanpercentile(forecasts, [5, 25, 75, 95], axis=0), dtype=float)


@dataclass
class Backtest:
    """Every model's scores; :meth:`to_dict` is ``detente backtest deu --json``."""

    data: DeuData
    capabilities: list[str]
    models: list[str]
    forecasts: dict[tuple[str, str], FloatArray]
    scores: dict[tuple[str, str], Scores]
    weights: np.ndarray
    bootstrap: int
    seed: int
    draws: int
    uncertainty: dict[str, float]
    #: Per proxy, the weights 1/MAE of :data:`TUNED` fitted on every proposal.
    tuned_weights: dict[str, dict[str, float]] = field(default_factory=dict)
    seconds: float = 0.0

    def key(self, model: str, capability: str) -> str:
        """The JSON key: the model's name, or ``MODEL@PROXY`` when several proxies ran."""
        return model if len(self.capabilities) == 1 else f"{model}@{capability}"

    def errors(self, model: str, capability: str) -> FloatArray:
        return np.abs(self.forecasts[model, capability] - self.data.outcomes)

    def difference(
        self, model: str, other: str = BASELINE, capability: str | None = None
    ) -> tuple[float, tuple[float, float]]:
        """MAE of ``model`` minus that of ``other`` (same issues, same proxy), with its
        paired 95% bootstrap interval; an interval that spans 0 cannot tell them apart."""
        cap = capability or self.capabilities[0]
        a, b = self.errors(model, cap), self.errors(other, cap)
        both = ~np.isnan(a) & ~np.isnan(b)
        diff = np.where(both, a - b, np.nan)
        return _mae_with_ci(diff, self.data, self.weights)

    def save_intervals(self, path: str | Path, command: str = "") -> Path:
        """Write every model's forecast-interval calibration, fitted on every proposal under
        the first proxy (:mod:`detente.calibration`), where ``forecast`` reads it."""
        from detente.intervals import save_calibration

        cap = self.capabilities[0]
        actors = sorted({a for i in self.data.issues for a in i.actors})
        st = stakes(self.data, proxy_capability(cap, actors, self.data.gdp))
        # Every registered model that ran (the tuned ensemble is not one: forecast cannot run it).
        found = {m: self.forecasts[m, cap] for m in self.models if m in REGISTRY}
        return save_calibration(fit_models(found, self.data, st, cap, command), path)

    def save_weights(self, path: str | Path, capability: str | None = None) -> Path:
        """Write the weights of :data:`TUNED`, fitted on every proposal, as an
        ensemble weights file (``detente forecast -m ensemble -p weights=PATH``)."""
        from detente.models.ensemble import Weights, save_weights

        cap = capability or self.capabilities[0]
        if cap not in self.tuned_weights:
            raise ParameterError(
                f"no tuned ensemble weights for capability {cap!r}: run the backtest with "
                f"--models including {TUNED}"
            )
        s = self.scores[TUNED, cap]
        source = (
            f"detente backtest deu: weight 1/MAE of each model on the {len(self.data.issues)} "
            f"usable DEU issues, capability {cap}; this weighting scored by "
            f"leave-one-proposal-out cross-validation: MAE {s.mae:.2f} "
            f"[{s.mae_ci[0]:.2f}, {s.mae_ci[1]:.2f}]"
        )
        return save_weights(path, Weights(dict(self.tuned_weights[cap]), source=source))

    def to_dict(self) -> dict[str, Any]:
        return {
            "issues": len(self.data.issues),
            "skipped": dict(self.data.skipped),
            "models": {
                self.key(m, c): self.scores[m, c].to_dict()
                for c in self.capabilities
                for m in self.models
                if (m, c) in self.scores
            },
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)


def _calibrated_models(names: Sequence[str], calibrate: str | Sequence[str]) -> list[str]:
    # The tuned ensemble is a re-weighting of forecasts, not a model simulate runs.
    runnable = [n for n in names if n != TUNED]
    if isinstance(calibrate, str):
        if calibrate == "all":
            return runnable
        if calibrate == "none":
            return []
        if calibrate == "quick":
            return [n for n in runnable if n in QUICK_TO_CALIBRATE]
        if calibrate == "batched":
            # The ensemble is batched, but its members need not be: left out.
            return [
                n
                for n in runnable
                if get_model(n).batched and not getattr(get_model(n), "combines_models", False)
            ]
        calibrate = [c.strip() for c in calibrate.split(",") if c.strip()]
    unknown = [c for c in calibrate if c not in runnable]
    if unknown:
        raise ParameterError(
            f"--calibrate names model(s) not being run: {', '.join(unknown)} "
            f"(running: {', '.join(names)}); or use quick, batched, all or none"
        )
    return list(calibrate)


def backtest(
    data: DeuData | str | Path | None = None,
    models: str = "all",
    capability: str = "equal",
    *,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
    draws: int = DEFAULT_DRAWS,
    calibrate: str | Sequence[str] = "quick",
    uncertainty: Mapping[str, float] | None = None,
    workers: int | None = None,
    scheduler: str | Any | None = None,
    progress: Callable[[int], object] | None = None,
    on_total: Callable[[int], object] | None = None,
) -> Backtest:
    """Backtest ``models`` (names, comma-separated, or ``all``) on DEU.

    ``data``: a :class:`DeuData`, a DEU file, or None for the copy shipped
    with detente. ``capability``: proxies (comma-separated, or ``all``; see
    :mod:`detente.datasets.capability`). ``bootstrap`` replicates and
    ``seed`` fix the intervals. ``calibrate``: the models whose calibration
    is simulated with ``draws`` draws per issue, under the first proxy
    (``quick``: :data:`QUICK_TO_CALIBRATE`; ``batched``: every model that
    runs all draws in one vectorised call; ``all``; ``none``; or names).
    ``uncertainty`` overrides :data:`DEFAULT_UNCERTAINTY`. ``workers`` /
    ``scheduler``: see :class:`detente.parallel.Executor`. ``on_total`` is
    told the number of runs before they start, ``progress`` each run done.

    >>> result = backtest(models="compromise", bootstrap=200, draws=0)
    >>> result.scores["compromise", "equal"].n, round(result.scores["compromise", "equal"].mae, 1)
    (351, 23.6)
    """
    start = time.perf_counter()
    if not isinstance(data, DeuData):
        data = read_deu(data)
    spread = _spread(bootstrap, draws, uncertainty)
    names = backtest_models(models)
    proxies = proxy_names(capability)
    calibrated = _calibrated_models(names, calibrate) if draws > 0 else []
    members = ensemble_members() if TUNED in names else []
    scored = list(dict.fromkeys([n for n in names if n != TUNED] + [BASELINE, *members]))
    params = {n: get_model(n).resolve(None, {}) for n in scored}
    actors = sorted({a for i in data.issues for a in i.actors})
    caps = {p: proxy_capability(p, actors, data.gdp) for p in proxies}
    units = {joint: build_units(data, joint) for joint in {is_joint(n) for n in scored}}
    tasks = _interleaved_tasks(data, units, scored, proxies)
    runs = [
        (name, params[name], with_capability(unit.arrays, caps[proxy]))
        for _, name, proxy, unit in tasks
    ]
    calib_tasks = [
        # Keyed by the unit's first issue: every model and proxy sees the same draws.
        (
            name,
            get_model(name).default_preset,
            unit.scenario,
            caps[proxy],
            draws,
            seed,
            unit.issues[0],
        )
        for _, name, proxy, unit in tasks
        if name in calibrated and proxy == proxies[0]
    ]
    calib_keys = [(t[1], t[2], t[3]) for t in tasks if t[1] in calibrated and t[2] == proxies[0]]
    if on_total is not None:
        on_total(len(runs) + len(calib_tasks))
    with Executor(workers, scheduler) as ex:
        results = ex.map(_forecast, runs, progress)
        bands_out = (
            ex.map(partial(_calibrate, spread=spread), calib_tasks, progress) if calib_tasks else []
        )
    m = len(data.issues)
    forecasts, reasons = _gathered(tasks, results, scored, proxies, m)
    fitted = _tuned_ensemble(data, forecasts, reasons, members, proxies)
    bands = {(n, proxies[0]): np.full((4, m), np.nan) for n in calibrated}
    for (name, proxy, unit), result in zip(calib_keys, bands_out, strict=True):
        if not isinstance(result, str):
            bands[name, proxy][:, list(unit.issues)] = result
    weights = proposal_weights(data, bootstrap, seed)
    scores = _scored(data, names, proxies, forecasts, reasons, bands, weights, caps)
    return Backtest(
        data=data,
        capabilities=proxies,
        models=names,
        forecasts=forecasts,
        scores=scores,
        weights=weights,
        bootstrap=bootstrap,
        seed=seed,
        draws=draws,
        uncertainty=spread,
        tuned_weights=fitted,
        seconds=time.perf_counter() - start,
    )


def _spread(
    bootstrap: int, draws: int, uncertainty: Mapping[str, float] | None
) -> dict[str, float]:
    """The calibration's uncertainty spreads, once the run's options are checked.

    Bad options fail here, before the data's models are run for minutes.
    """
    if bootstrap < 100:
        raise ParameterError(f"--bootstrap must be at least 100, got {bootstrap}")
    if draws < 0:
        raise ParameterError(f"--draws must be 0 (no calibration) or more, got {draws}")
    spread = {**DEFAULT_UNCERTAINTY, **(uncertainty or {})}
    unknown = sorted(set(spread) - set(DEFAULT_UNCERTAINTY))
    if unknown or any(v < 0 for v in spread.values()):
        raise ParameterError(
            "uncertainty takes non-negative position, salience and capability spreads"
        )
    return spread


def _interleaved_tasks(
    data: DeuData, units: dict[bool, list[Unit]], scored: list[str], proxies: list[str]
) -> list[tuple[int, str, str, Unit]]:
    """Every (proposal rank, model, proxy, unit) run, ordered proposal by proposal."""
    # Interleave the work proposal by proposal, so that every chunk sent to
    # a worker mixes quick and slow models.
    tasks: list[tuple[int, str, str, Unit]] = []
    order = {p: k for k, p in enumerate(data.proposals)}
    for joint, group in units.items():
        for unit in group:
            rank = order[data.issues[unit.issues[0]].proposal]
            for name in scored:
                if is_joint(name) == joint:
                    tasks.extend((rank, name, proxy, unit) for proxy in proxies)
    tasks.sort(key=lambda t: t[0])
    return tasks


def _gathered(
    tasks: list[tuple[int, str, str, Unit]],
    results: Sequence[FloatArray | str],
    scored: list[str],
    proxies: list[str],
    m: int,
) -> tuple[dict[tuple[str, str], FloatArray], dict[tuple[str, str], dict[str, int]]]:
    """The runs' forecasts per (model, proxy), and why the issues left NaN were not scored.

    A run returns a reason (a string) instead of forecasts when the model declines the unit.
    """
    forecasts = {(n, p): np.full(m, np.nan) for n in scored for p in proxies}
    reasons: dict[tuple[str, str], dict[str, int]] = {key: {} for key in forecasts}
    for (_, name, proxy, unit), result in zip(tasks, results, strict=True):
        if isinstance(result, str):
            bucket = reasons[name, proxy]
            bucket[result] = bucket.get(result, 0) + len(unit.issues)
        else:
            forecasts[name, proxy][list(unit.issues)] = result
    return forecasts, reasons


def _tuned_ensemble(
    data: DeuData,
    forecasts: dict[tuple[str, str], FloatArray],
    reasons: dict[tuple[str, str], dict[str, int]],
    members: list[str],
    proxies: list[str],
) -> dict[str, dict[str, float]]:
    """Add the tuned ensemble's forecasts (leave one proposal out); return its weights.

    Fills ``forecasts`` and ``reasons`` in place for :data:`TUNED`, one entry per proxy.
    """
    fitted: dict[str, dict[str, float]] = {}
    if members:
        codes = {p: k for k, p in enumerate(data.proposals)}
        cluster = np.array([codes[i.proposal] for i in data.issues])
        for p in proxies:
            stack = np.stack([forecasts[n, p] for n in members])
            forecasts[TUNED, p], w = lopo_inverse_mae(stack, data.outcomes, cluster)
            reasons[TUNED, p] = {}
            fitted[p] = dict(zip(members, w.tolist(), strict=True))
    return fitted


def _scored(
    data: DeuData,
    names: list[str],
    proxies: list[str],
    forecasts: dict[tuple[str, str], FloatArray],
    reasons: dict[tuple[str, str], dict[str, int]],
    bands: dict[tuple[str, str], FloatArray],
    weights: np.ndarray,
    caps: dict[str, Any],
) -> dict[tuple[str, str], Scores]:
    """Each model's scores under each proxy, with its leave-one-proposal-out intervals.

    The scoring of one model is :func:`detente.backtest_scores.score`; this adds the
    forecast intervals :func:`detente.calibration.score_all` fits across models.
    """
    intervals = score_all(data, {(n, p): forecasts[n, p] for n in names for p in proxies}, caps)
    scores = {
        (n, p): score(
            n,
            p,
            forecasts[n, p],
            forecasts[BASELINE, p],
            data,
            weights,
            bands.get((n, p)),
            reasons[n, p],
        )
        for p in proxies
        for n in names
    }
    for key, found in intervals.items():
        scores[key].forecast_interval = found.model.summary(data.outcomes)
        scores[key].conformal_baseline = found.baseline.summary(data.outcomes)
        scores[key].rows = interval_rows(data, forecasts[key], found.model)
    return scores
