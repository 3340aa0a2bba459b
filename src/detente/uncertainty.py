"""Monte Carlo: how sure is a forecast, given how unsure its inputs are?

Every capability, position and salience of a scenario may carry a range,
``{value, low, high, dist}`` (see :class:`detente.scenario.Estimate`). An
:class:`Input` turns one such range into a distribution; :func:`simulate`
draws N scenarios from all of them at once, runs models on every draw and
summarises the forecasts per issue (mean, 5/25/50/75/95th percentiles,
histogram) and the gains per actor.

Distributions (``dist``; triangular when a range gives none):

- ``uniform``: every value in ``[low, high]`` alike (``value`` is only the
  point forecast's);
- ``triangular``: bounds ``low``/``high``, mode ``value``;
- ``normal``: ``value`` is the median, ``low`` and ``high`` the 5th and 95th
  percentiles. A symmetric range is the normal N(value, ((high - low) /
  (2 z95))^2), z95 = 1.645; an asymmetric one is a split normal: each half of
  the normal scaled to its own side (sigma_low = (value - low) / z95 below
  the value, sigma_high = (high - value) / z95 above), half the mass each
  side, so the percentiles stay exactly where the analyst put them;
- ``beta``: a PERT distribution (Malcolm et al. 1959, in the form of Vose
  2008, *Risk Analysis*, 3rd ed.): Beta(1 + 4 (m - a) / (b - a),
  1 + 4 (b - m) / (b - a)) on [a, b] with mode m = ``value``, whose support
  [a, b] is solved for (once per input) so that its 5th and 95th percentiles
  are ``low`` and ``high``.

Normal and PERT tails can reach past what an input may be (a position off
its issue's scale, a salience outside [0, 1], a capability at or below 0).
Draws are then taken from the distribution **truncated** to the valid range
(conditioned on lying in it: inverse-CDF sampling between the CDF's values at
the two ends), never clamped onto the ends; when more than 0.1% of the mass
is cut, :attr:`Simulation.notes` says how much. Truncation moves the
percentiles slightly inward from ``low``/``high``.

Every draw comes from uniform numbers through each input's inverse CDF, so a
collapsed range (``low == high == value``) yields exactly ``value``, and a
scenario whose ranges are all collapsed simulates to its point forecast
exactly. Draws come in seeded blocks (:mod:`detente.parallel`): the same
seed gives the same numbers whatever the workers or chunks. Models that
declare ``batched`` run once per block on arrays with a leading draw axis;
the others run once per draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
from scipy import special

from detente.arrays import BoolArray, FloatArray, ScenarioArrays
from detente.errors import ParameterError, Problem, ScenarioError
from detente.forecast import Planned, json_number, plan_models
from detente.gains import gains
from detente.intervals import load_calibration
from detente.models.base import REGISTRY, NoParams, get_model
from detente.models.batch import Batch, run_batch
from detente.parallel import Block, Executor, Seed, seed_sequence
from detente.pert import fit_pert, pert_shape
from detente.ratification import veto_player_ids, veto_verdicts
from detente.results.simulation import (
    HISTOGRAM_BINS,
    MIN_INTERVAL_DRAWS,
    PERCENTILES,
    ModelSimulation,
    Simulation,
    describe,
)
from detente.scenario import Estimate, Scenario
from detente.summary import HEADLINE, draws_summary, outcome_draws

Kind = Literal["capability", "position", "salience", "no_deal", "no_deal_cost"]
#: Inputs that only veto players' judgement reads (no model's forecast depends on them).
RATIFICATION_KINDS = ("no_deal", "no_deal_cost")
#: z such that Phi(z) = 0.95: low/high of a normal or beta input lie this far out.
Z95 = float(special.ndtri(0.95))
#: Truncated mass (share) above which a note tells the analyst.
TRUNCATION_NOTE = 1e-3


@dataclass(frozen=True)
class Input:
    """One uncertain number of a scenario, as the distribution it is drawn from.

    ``name`` is ``ACTOR.capability``, ``ACTOR.position|salience.ISSUE``,
    ``ACTOR.no_deal_cost`` or ``ISSUE.no_deal`` (``actor`` is then -1);
    ``value``/``low``/``high`` are in the scenario's units; ``valid`` is the
    range a draw must lie in (the issue's scale, [0, 1], (0, inf) or [0, inf)).
    """

    name: str
    kind: Kind
    actor: int
    issue: int | None
    value: float
    low: float
    high: float
    dist: str
    valid: tuple[float, float]
    support: tuple[float, float] = (np.nan, np.nan)
    #: CDF (untruncated) at the ends of ``valid``: draws use the mass between.
    kept: tuple[float, float] = (0.0, 1.0)

    @classmethod
    def build(
        cls,
        name: str,
        kind: Kind,
        actor: int,
        issue: int | None,
        est: Estimate,
        valid: tuple[float, float],
    ) -> Input:
        low, high = est.bounds()
        made = cls(name, kind, actor, issue, est.value, low, high, est.dist or "triangular", valid)
        if low == high:
            return made
        if made.dist == "beta":
            made = replace(made, support=fit_pert(est.value, low, high))
        if made.dist in ("normal", "beta"):
            made = replace(made, kept=(made.cdf(valid[0]), made.cdf(valid[1])))
        return made

    @property
    def truncated(self) -> float:
        """Share of the distribution's mass outside the valid range (cut off)."""
        return 1.0 - (self.kept[1] - self.kept[0])

    def cdf(self, x: float) -> float:
        """The untruncated CDF (normal and beta inputs; used for truncation)."""
        if self.dist == "normal":
            sigma = (self.value - self.low if x < self.value else self.high - self.value) / Z95
            return float(special.ndtr((x - self.value) / sigma))
        a, b = self.support
        alpha, beta = pert_shape(a, self.value, b)
        return float(special.betainc(alpha, beta, np.clip((x - a) / (b - a), 0.0, 1.0)))

    def ppf(self, p: FloatArray) -> FloatArray:
        """The untruncated inverse CDF at probabilities ``p``."""
        v, lo, hi = self.value, self.low, self.high
        if self.dist == "uniform":
            return lo + p * (hi - lo)
        if self.dist == "triangular":
            left = lo + np.sqrt(p * (hi - lo) * (v - lo))
            right = hi - np.sqrt((1 - p) * (hi - lo) * (hi - v))
            return np.where(p < (v - lo) / (hi - lo), left, right)
        if self.dist == "normal":
            z = special.ndtri(p)
            return v + z * np.where(z < 0, v - lo, hi - v) / Z95
        a, b = self.support
        alpha, beta = pert_shape(a, v, b)
        return a + (b - a) * special.betaincinv(alpha, beta, p)

    def draw(self, u: FloatArray) -> FloatArray:
        """Values for uniform numbers ``u`` in [0, 1): the truncated inverse CDF.

        The final clip only absorbs rounding at the ends (the mass outside
        ``valid`` is already excluded through ``kept``).
        """
        if self.low == self.high:
            return np.full(np.shape(u), self.value)
        p = self.kept[0] + u * (self.kept[1] - self.kept[0])
        return np.clip(self.ppf(p), *self.valid)


def uncertain_inputs(scenario: Scenario) -> list[Input]:
    """Every estimate of ``scenario`` that carries a range, in a fixed order.

    Order: actors as listed; for each, capability, then position and
    salience for each issue in order; then each actor's cost of no deal and
    each issue's no-deal point (which :func:`block_values` draws apart).
    Raises :class:`ScenarioError` for a normal range whose value is not
    strictly inside it (a median cannot be the 5th or 95th percentile).
    """
    inputs: list[Input] = []
    problems: list[Problem] = []

    def add(name: str, kind: Kind, a: int, k: int | None, est: Estimate | None, valid: Any) -> None:
        if est is None or not est.has_range:
            return
        low, high = est.bounds()
        if est.dist == "normal" and low != high and not low < est.value < high:
            problems.append(
                Problem(
                    "<scenario>",
                    name,
                    "a normal range needs low < value < high (value is the median, "
                    "low/high the 5th/95th percentiles)",
                    "widen the range, or use dist: triangular or beta",
                )
            )
            return
        inputs.append(Input.build(name, kind, a, k, est, valid))

    # A position and an issue's no-deal point lie on the issue's scale.
    scales = [(float(issue.scale[0]), float(issue.scale[1])) for issue in scenario.issues]
    for a, actor in enumerate(scenario.actors):
        add(f"{actor.id}.capability", "capability", a, None, actor.capability, (0.0, np.inf))
        for k, issue in enumerate(scenario.issues):
            position = actor.positions.get(issue.id)
            add(f"{actor.id}.position.{issue.id}", "position", a, k, position, scales[k])
            salience = actor.salience.get(issue.id)
            add(f"{actor.id}.salience.{issue.id}", "salience", a, k, salience, (0.0, 1.0))
    for a, actor in enumerate(scenario.actors):
        add(f"{actor.id}.no_deal_cost", "no_deal_cost", a, None, actor.no_deal_cost, (0.0, np.inf))
    for k, issue in enumerate(scenario.issues):
        add(f"{issue.id}.no_deal", "no_deal", -1, k, issue.no_deal, scales[k])
    if problems:
        raise ScenarioError(problems)
    return inputs


def draw_values(inputs: Sequence[Input], u: FloatArray) -> FloatArray:
    """Input values ``(D, k)`` in scenario units from uniform numbers ``u`` ``(D, k)``."""
    out = np.empty(u.shape)
    for j, inp in enumerate(inputs):
        out[:, j] = inp.draw(u[:, j])
    return out


def apply_values(
    base: ScenarioArrays, inputs: Sequence[Input], values: FloatArray
) -> ScenarioArrays:
    """``base`` with a leading draw axis, input ``j`` set to ``values[:, j]`` in draw d.

    Positions are normalised exactly as :meth:`ScenarioArrays.from_scenario`
    does, so a draw at every input's value equals ``base`` bit for bit. With
    ties, influence is applied anew in each draw, to the drawn positions with
    the drawn salience and capability.
    """
    d = values.shape[0]
    positions = np.repeat(base.own_positions[None], d, axis=0)
    salience = np.repeat(base.salience[None], d, axis=0)
    capability = np.repeat(base.capability[None], d, axis=0)
    beyond: dict[str, FloatArray] = {}
    if base.no_deal_point is not None or any(i.kind == "no_deal" for i in inputs):
        beyond["no_deal_point"] = np.repeat(base.no_deal[None], d, axis=0)
    if base.no_deal_cost is not None:
        beyond["no_deal_cost"] = np.repeat(base.no_deal_cost[None], d, axis=0)
    for j, inp in enumerate(inputs):
        if inp.kind == "capability":
            capability[:, inp.actor] = values[:, j]
        elif inp.kind == "salience":
            salience[:, inp.actor, inp.issue] = values[:, j]
        elif inp.kind == "no_deal_cost":
            beyond["no_deal_cost"][:, inp.actor] = values[:, j]
        else:
            lo, hi = base.scale_low[inp.issue], base.scale_high[inp.issue]
            target = positions[:, inp.actor] if inp.kind == "position" else beyond["no_deal_point"]
            target[:, inp.issue] = (values[:, j] - lo) / (hi - lo)
    drawn = base.with_values(
        positions=positions,
        salience=salience,
        capability=capability,
        stated_positions=None,
        **beyond,
    )
    return drawn.with_influence()


_A = TypeVar("_A", BoolArray, FloatArray)


@dataclass
class _BlockResult:
    forecast: FloatArray
    gains: FloatArray
    converged: BoolArray | None
    converged_by_issue: BoolArray | None
    warnings: list[str]
    spread: FloatArray | None = None
    outcomes: FloatArray | None = None
    accepts: BoolArray | None = None


def block_values(block: Block, inputs: Sequence[Input], rng: np.random.Generator) -> FloatArray:
    """One block's input values ``(size, k)``. The inputs only veto players read (no-deal
    points and costs) come from a stream of their own, so that adding them leaves every
    other input's draws, and so every model's forecasts, exactly as they were; the
    others come from ``rng``, the block's stream, which goes on after them."""
    judged = np.array([i.kind in RATIFICATION_KINDS for i in inputs], dtype=bool)
    values = np.empty((block.size, len(inputs)))
    modelled = [i for i, j in zip(inputs, judged, strict=True) if not j]
    values[:, ~judged] = draw_values(modelled, rng.random((block.size, len(modelled))))
    if judged.any():
        own = np.random.SeedSequence(block.seed.entropy, spawn_key=(*block.seed.spawn_key, 1 << 31))
        rng = np.random.Generator(np.random.PCG64(own))
        rest = [i for i, j in zip(inputs, judged, strict=True) if j]
        values[:, judged] = draw_values(rest, rng.random((block.size, len(rest))))
    return values


def _simulate_block(
    block: Block, base: ScenarioArrays, inputs: list[Input], planned: list[Planned]
) -> dict[str, _BlockResult]:
    rng = block.rng()
    arrays = apply_values(base, inputs, block_values(block, inputs, rng))
    # Each draw's model error, after its inputs (so the inputs' draws stay as they were).
    u = rng.random((block.size, base.n_issues))
    cal = load_calibration()
    out = {}
    extra = [] if any(p.name == HEADLINE for p in planned) else [Planned(HEADLINE, "", NoParams())]
    for plan in [*planned, *extra]:
        batch = run_batch(get_model(plan.name), arrays, plan.params)
        found = cal.get(plan.name)
        out[plan.name] = _BlockResult(
            batch.forecast,
            gains(arrays, batch.forecast),
            batch.converged,
            batch.converged_by_issue,
            batch.warnings,
            batch.spread,
            outcomes=None if found is None else outcome_draws(arrays, batch.forecast, found, u),
            accepts=veto_verdicts(arrays, batch.forecast),
        )
    return out


def _scaled(base: ScenarioArrays, x: FloatArray | None) -> FloatArray | None:
    return None if x is None else base.to_scale(x)


def _join(parts: Sequence[_A | None]) -> _A | None:
    """Blocks' arrays (convergence flags, spreads) end to end (None unless every block
    has them)."""
    present = [p for p in parts if p is not None]
    return np.concatenate(present) if len(present) == len(parts) else None


def entropy(root: np.random.SeedSequence) -> int:
    """The integer that reproduces ``root`` when passed back as a seed."""
    value = root.entropy
    if not isinstance(value, int):
        raise ParameterError("seed: give an integer (or None), not a sequence")
    return value


def truncation_notes(inputs: Sequence[Input]) -> list[str]:
    return [
        f"{i.name}: {100 * i.truncated:.1f}% of its {i.dist} distribution lies outside "
        f"[{i.valid[0]:g}, {i.valid[1]:g}]; draws come from the rest (truncated)"
        for i in inputs
        if i.truncated > TRUNCATION_NOTE
    ]


def simulate(
    scenario: Scenario | str | Path,
    model: str = "all",
    draws: int = 10_000,
    seed: Seed = 0,
    preset: str | None = None,
    params: Mapping[str, Any] | None = None,
    rounds: int | None = None,
    workers: int | None = None,
    scheduler: str | Any | None = None,
    progress: Callable[[int], object] | None = None,
    force: bool = False,
    **kwparams: Any,
) -> Simulation:
    """Draw ``draws`` scenarios from the inputs' ranges and run ``model`` on each.

    ``model``, ``preset``, ``params`` and ``rounds`` work as in
    :func:`detente.forecast`; ``seed`` (default 0, so a rerun repeats the
    numbers; ``None`` for fresh entropy, reported as :attr:`Simulation.seed`)
    fixes every draw. ``workers`` starts a local Dask cluster, ``scheduler``
    uses a running one (see :class:`detente.parallel.Executor`); the numbers
    are the same either way. ``progress`` is called with draws done.
    ``force`` runs past the limits of :mod:`detente.limits`.

    >>> sim = simulate("examples/ukraine-2025.yaml", model="compromise", draws=2000)
    >>> stats = sim["compromise"].issues()["territory"]
    >>> stats["p05"] < stats["p50"] < stats["p95"]
    True
    """
    from detente.io import as_scenario

    scn = as_scenario(scenario, force=force)
    planned, skipped = plan_models(
        scn, model, preset, {**(params or {}), **kwparams}, rounds, runs=draws, force=force
    )
    inputs = uncertain_inputs(scn)
    base = scn.to_arrays()
    root = seed_sequence(seed)
    work = partial(_simulate_block, base=base, inputs=inputs, planned=planned)
    with Executor(workers, scheduler) as ex:
        parts = ex.map_blocks(work, draws, root, progress)
    notes = truncation_notes(inputs)
    if not inputs:
        notes.append("no input has a range: every draw is the point forecast")
    result = Simulation(scn, draws, entropy(root), inputs, skipped=skipped, notes=notes)
    point = get_model(HEADLINE).run(base, NoParams()).forecast
    drawn = _scaled(base, _join([p[HEADLINE].outcomes for p in parts]))
    result.headline = None if drawn is None else draws_summary(base, point, drawn, draws)
    for plan in planned:
        m = REGISTRY[plan.name]
        rows = [p[plan.name] for p in parts]
        point_run = m.run(base, plan.params)
        point = np.asarray(point_run.forecast, dtype=float)
        spread = _join([r.spread for r in rows])
        result.models[plan.name] = ModelSimulation.from_draws(
            model=plan.name,
            preset=plan.preset,
            params=plan.params.model_dump(mode="json"),
            issue_ids=base.issue_ids,
            actor_ids=base.actor_ids,
            scales=[
                (float(lo), float(hi))
                for lo, hi in zip(base.scale_low, base.scale_high, strict=True)
            ],
            point={
                i: json_number(v) for i, v in zip(base.issue_ids, base.to_scale(point), strict=True)
            },
            forecasts=base.to_scale(np.concatenate([r.forecast for r in rows])),
            gains=np.concatenate([r.gains for r in rows]),
            converged=_join([r.converged for r in rows]),
            converged_by_issue=_join([r.converged_by_issue for r in rows]),
            warnings=list(dict.fromkeys(w for r in rows for w in r.warnings)),
            spread=None if spread is None else spread * (base.scale_high - base.scale_low),
            members=point_run.extras.get("members"),
            outcomes=_scaled(base, _join([r.outcomes for r in rows])),
            accepts=_join([r.accepts for r in rows]),
            veto_players=veto_player_ids(base),
        )
    return result


__all__ = [
    "HISTOGRAM_BINS",
    "MIN_INTERVAL_DRAWS",
    "PERCENTILES",
    "Batch",
    "Input",
    "ModelSimulation",
    "Simulation",
    "apply_values",
    "describe",
    "draw_values",
    "fit_pert",
    "run_batch",
    "simulate",
    "uncertain_inputs",
]
