"""Which estimates does a forecast hinge on? Sobol indices and a tornado.

Two views of the same question, per model and issue, over the inputs that
carry a range (:func:`detente.uncertainty.uncertain_inputs`):

- **Total-order Sobol index** S_T,i: the share of the forecast's variance
  that input i accounts for, alone or through interactions with others
  (Sobol 1993; Homma & Saltelli 1996). Estimated by pick-freeze Monte Carlo
  (Saltelli et al. 2010, "Variance based sensitivity analysis of model
  output", *Comput. Phys. Commun.* 181:259-270, Table 2): two independent
  matrices A and B of N draws of all inputs from their distributions, and
  for each input i the matrix A_B^i, A with column i taken from B. With
  V = Var[f(A), f(B)]:

      S_T,i = (1 / 2N) sum_j (f(A)_j - f(A_B^i)_j)^2 / V     (Jansen 1999; Table 2, f)
      S_i   = (1 / N) sum_j f(B)_j (f(A_B^i)_j - f(A)_j) / V (Saltelli 2010; Table 2, b)

  at N (k + 2) model evaluations for k inputs. ``index_se`` is the standard
  error of the S_T estimate's mean (V taken as known). S_T = 0 means the
  forecast does not depend on the input at all; the S_T sum exceeds 1 when
  inputs interact; S_T - S_i is the part due to interactions.
  SALib implements the same estimators; they are written out here (a few
  lines of NumPy) so that draws come from detente's own distributions
  (truncated normal, PERT fitted to percentiles) and its seeded blocks, and
  the core keeps no dependency on SALib's plotting stack.
- **Tornado** (one at a time): the forecast with input i at its ``low``,
  then at its ``high``, every other input at its value. Its ``low``/``high``
  are those two forecasts, in the issue's units.

Inputs are ranked by S_T (largest first), ties broken by the tornado's swing.
The no-deal points and costs of no deal are left out: no model's forecast
depends on them (only veto players' judgement of it does).
The draws use seeded blocks (:mod:`detente.parallel`): the same seed gives
the same indices whatever the workers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from detente.arrays import FloatArray, ScenarioArrays
from detente.forecast import json_number
from detente.models.base import REGISTRY, get_model
from detente.parallel import Block, Executor, Seed, seed_sequence
from detente.results.sensitivity import ESTIMATOR, ModelSensitivity, Ranked, Sensitivity
from detente.scenario import Scenario
from detente.uncertainty import (
    RATIFICATION_KINDS,
    Input,
    Planned,
    apply_values,
    draw_values,
    entropy,
    plan_models,
    run_batch,
    truncation_notes,
    uncertain_inputs,
)

#: Variance (normalised units) below which a forecast counts as constant.
CONSTANT_VARIANCE = 1e-24


def sobol_indices(
    fA: FloatArray, fB: FloatArray, fAB: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Total-order and first-order Sobol indices, and the total index's standard error.

    ``fA``, ``fB`` are ``(N, ...)`` model outputs on the matrices A and B;
    ``fAB`` is ``(k, N, ...)``, row i the outputs on A_B^i. Returns three
    ``(k, ...)`` arrays (see the module docstring for the formulas). Where the
    output does not vary the indices are 0; NaN outputs make them NaN.

    >>> rng = np.random.default_rng(0)
    >>> A, B = rng.random((2, 20_000, 2))
    >>> f = lambda X: X[:, 0] + 0 * X[:, 1]          # only the first input matters
    >>> AB = np.stack([np.where(np.arange(2) == i, B, A) for i in range(2)])
    >>> total, first, se = sobol_indices(f(A), f(B), np.stack([f(x) for x in AB]))
    >>> np.round(total, 2).tolist(), np.round(first, 2).tolist()
    ([1.0, 0.0], [1.0, 0.0])
    """
    n = fA.shape[0]
    both = np.concatenate([fA, fB])
    variance = np.var(both, axis=0)
    # Centre the outputs: the first-order sum is shift-invariant only in expectation,
    # and an uncentred mean far from 0 swamps it with noise (Saltelli 2010, sec. 3).
    centre = both.mean(axis=0)
    fA, fB, fAB = fA - centre, fB - centre, fAB - centre
    constant = variance <= CONSTANT_VARIANCE
    v = np.where(constant, 1.0, variance)
    terms = 0.5 * (fA - fAB) ** 2
    total = terms.mean(axis=1) / v
    first = (fB * (fAB - fA)).mean(axis=1) / v
    se = terms.std(axis=1, ddof=1) / np.sqrt(n) / v if n > 1 else np.full(total.shape, np.nan)
    return (
        np.where(constant, 0.0, total),
        np.where(constant, 0.0, first),
        np.where(constant, 0.0, se),
    )


def _sobol_block(
    block: Block, base: ScenarioArrays, inputs: list[Input], planned: list[Planned]
) -> dict[str, tuple[FloatArray, FloatArray, FloatArray]]:
    """f(A), f(B) ``(N_b, m)`` and f(A_B^i) ``(k, N_b, m)`` for one block's rows of A and B."""
    k = len(inputs)
    u = block.rng().random((block.size, 2 * k))
    xA, xB = draw_values(inputs, u[:, :k]), draw_values(inputs, u[:, k:])
    mixed = [np.where(np.arange(k) == i, xB, xA) for i in range(k)]
    out = {}
    for plan in planned:
        model = get_model(plan.name)

        def f(x: FloatArray, model: Any = model, plan: Planned = plan) -> FloatArray:
            return run_batch(model, apply_values(base, inputs, x), plan.params).forecast

        out[plan.name] = (f(xA), f(xB), np.stack([f(x) for x in mixed]))
    return out


def _tornado(base: ScenarioArrays, inputs: Sequence[Input], plan: Planned) -> FloatArray:
    """Forecasts ``(2, k, m)`` in scenario units: each input at its low, then its high."""
    k = len(inputs)
    values = np.array([i.value for i in inputs])
    ends = []
    for end in (np.array([i.low for i in inputs]), np.array([i.high for i in inputs])):
        x = np.tile(values, (k, 1))
        x[np.arange(k), np.arange(k)] = end
        ends.append(x)
    arrays = apply_values(base, inputs, np.concatenate(ends))
    forecast = run_batch(get_model(plan.name), arrays, plan.params).forecast
    return base.to_scale(forecast).reshape(2, k, base.n_issues)


def sensitivity(
    scenario: Scenario | str | Path,
    model: str = "all",
    draws: int = 1000,
    seed: Seed = 0,
    preset: str | None = None,
    params: Mapping[str, Any] | None = None,
    rounds: int | None = None,
    workers: int | None = None,
    scheduler: str | Any | None = None,
    progress: Callable[[int], object] | None = None,
    force: bool = False,
    **kwparams: Any,
) -> Sensitivity:
    """Rank the uncertain inputs by the share of each forecast's variance they explain.

    ``draws`` is N, the rows of each of the matrices A and B (the model runs
    N (k + 2) times for k uncertain inputs). The other arguments are those of
    :func:`detente.simulate`; ``progress`` counts rows of A.

    >>> s = sensitivity("examples/ukraine-2025.yaml", model="compromise", draws=500)
    >>> s["compromise"].top("territory")
    ['US.position.territory', 'US.salience.territory', 'RU.capability']
    """
    from detente.io import as_scenario

    scn = as_scenario(scenario, force=force)
    inputs = [i for i in uncertain_inputs(scn) if i.kind not in RATIFICATION_KINDS]
    # N (k + 2) rows of A, B and A_B, the tornado's 2k ends and the point forecast.
    runs = draws * (len(inputs) + 2) + 2 * len(inputs) + 1 if inputs else 1
    planned, skipped = plan_models(
        scn, model, preset, {**(params or {}), **kwparams}, rounds, runs=runs, force=force
    )
    base = scn.to_arrays()
    root = seed_sequence(seed)
    parts: list[dict[str, tuple[FloatArray, FloatArray, FloatArray]]] = []
    if inputs:
        work = partial(_sobol_block, base=base, inputs=inputs, planned=planned)
        with Executor(workers, scheduler) as ex:
            parts = ex.map_blocks(work, draws, root, progress)
    notes = truncation_notes(inputs)
    if not inputs:
        notes.append("no input has a range: nothing to rank")
    result = Sensitivity(scn, draws, entropy(root), inputs, skipped=skipped, notes=notes)
    for plan in planned:
        m = REGISTRY[plan.name]
        point = base.to_scale(np.asarray(m.run(base, plan.params).forecast, dtype=float))
        ranking: dict[str, list[Ranked]] = {}
        if inputs:
            fA = np.concatenate([p[plan.name][0] for p in parts])
            fB = np.concatenate([p[plan.name][1] for p in parts])
            fAB = np.concatenate([p[plan.name][2] for p in parts], axis=1)
            total, first, se = sobol_indices(fA, fB, fAB)
            ends = _tornado(base, inputs, plan)
        for k, issue in enumerate(base.issue_ids):
            rows = [
                Ranked(
                    inp.name,
                    json_number(total[j, k]),
                    json_number(first[j, k]),
                    json_number(se[j, k]),
                    json_number(ends[0, j, k]),
                    json_number(ends[1, j, k]),
                )
                for j, inp in enumerate(inputs)
            ]
            rows.sort(key=lambda r: (-(r.index if r.index is not None else -np.inf), -r.swing))
            ranking[issue] = rows
            if np.isnan(point[k]):
                result.notes.append(
                    f"{plan.name} gives no forecast on issue {issue!r}, so nothing to rank there"
                )
        result.models[plan.name] = ModelSensitivity(
            model=plan.name,
            title=m.title,
            preset=plan.preset,
            params=plan.params.model_dump(mode="json"),
            point={i: json_number(v) for i, v in zip(base.issue_ids, point, strict=True)},
            ranking=ranking,
        )
    return result


__all__ = [
    "ESTIMATOR",
    "ModelSensitivity",
    "Ranked",
    "Sensitivity",
    "sensitivity",
    "sobol_indices",
]
