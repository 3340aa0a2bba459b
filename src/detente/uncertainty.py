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

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
from pydantic import BaseModel
from scipy import special

from detente.arrays import BoolArray, FloatArray, ScenarioArrays
from detente.errors import ParameterError, Problem, ScenarioError
from detente.forecast import Planned, json_number, plan_models, shock_warnings
from detente.gains import gains
from detente.intervals import load_calibration
from detente.models.base import REGISTRY, Model, NoParams, get_model
from detente.parallel import Block, Executor, Seed, seed_sequence
from detente.pert import fit_pert, pert_shape
from detente.ratification import acceptance_shares, veto_player_ids, veto_verdicts
from detente.scenario import Estimate, Scenario
from detente.summary import HEADLINE, Summary, band_pairs, draws_summary, outcome_draws

Kind = Literal["capability", "position", "salience", "no_deal", "no_deal_cost"]
#: Inputs that only veto players' judgement reads (no model's forecast depends on them).
RATIFICATION_KINDS = ("no_deal", "no_deal_cost")
#: z such that Phi(z) = 0.95: low/high of a normal or beta input lie this far out.
Z95 = float(special.ndtri(0.95))
PERCENTILES = (5, 25, 50, 75, 95)
HISTOGRAM_BINS = 20
#: Truncated mass (share) above which a note tells the analyst.
TRUNCATION_NOTE = 1e-3
#: Fewest draws for a 90% interval worth reading: its ends, the 5th and 95th
#: percentiles, then each have at least 10 draws beyond them (0.05 x 200).
MIN_INTERVAL_DRAWS = 200


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

    for a, actor in enumerate(scenario.actors):
        add(f"{actor.id}.capability", "capability", a, None, actor.capability, (0.0, np.inf))
        for k, issue in enumerate(scenario.issues):
            add(
                f"{actor.id}.position.{issue.id}",
                "position",
                a,
                k,
                actor.positions.get(issue.id),
                (float(issue.scale[0]), float(issue.scale[1])),
            )
            add(
                f"{actor.id}.salience.{issue.id}",
                "salience",
                a,
                k,
                actor.salience.get(issue.id),
                (0.0, 1.0),
            )
    for a, actor in enumerate(scenario.actors):
        add(f"{actor.id}.no_deal_cost", "no_deal_cost", a, None, actor.no_deal_cost, (0.0, np.inf))
    for k, issue in enumerate(scenario.issues):
        add(
            f"{issue.id}.no_deal",
            "no_deal",
            -1,
            k,
            issue.no_deal,
            (float(issue.scale[0]), float(issue.scale[1])),
        )
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


@dataclass
class Batch:
    """A model's answers on a batch of draws, in normalised units."""

    forecast: FloatArray
    converged: BoolArray | None = None
    converged_by_issue: BoolArray | None = None
    warnings: list[str] = field(default_factory=list)
    #: The ensemble's spread among its members per draw and issue (normalised units).
    spread: FloatArray | None = None


def run_batch(model: Model, arrays: ScenarioArrays, params: BaseModel) -> Batch:
    """Run ``model`` on arrays with a leading draw axis ``(D, ...)``.

    A ``batched`` model gets the whole batch in one call; any other runs
    draw by draw (the same numbers, more slowly). A draw counts as
    converged when every issue converged (or, lacking that detail, when the
    model says it did).
    """
    d, m = arrays.positions.shape[0], arrays.n_issues
    by_issue: BoolArray | None = None
    spread: FloatArray | None = None
    flags: Any = None
    if model.batched:
        out = model.run(arrays, params)
        forecast = np.broadcast_to(np.asarray(out.forecast, dtype=float), (d, m))
        if out.converged_by_issue is not None:
            by_issue = np.broadcast_to(np.asarray(out.converged_by_issue, dtype=bool), (d, m))
        flags = out.converged
        warnings = [*out.warnings, *shock_warnings(model, arrays, out)]
        if out.extras.get("spread_draws") is not None:
            spread = np.broadcast_to(np.asarray(out.extras["spread_draws"], dtype=float), (d, m))
    else:
        outs = [model.run(arrays.draw(i), params) for i in range(d)]
        forecast = np.array([np.asarray(o.forecast, dtype=float) for o in outs]).reshape(d, m)
        if all(o.converged_by_issue is not None for o in outs):
            by_issue = np.array([o.converged_by_issue for o in outs], dtype=bool).reshape(d, m)
        if all(o.converged is not None for o in outs):
            flags = [o.converged for o in outs]
        warnings = list(
            dict.fromkeys(w for o in outs for w in (*o.warnings, *shock_warnings(model, arrays, o)))
        )
    converged: BoolArray | None = None
    if by_issue is not None:
        converged = np.asarray(by_issue.all(axis=-1))
    elif flags is not None:
        converged = np.broadcast_to(np.asarray(flags, dtype=bool), (d,))
    return Batch(forecast, converged, by_issue, warnings, spread)


def describe(x: FloatArray) -> dict[str, float | None]:
    """Mean and 5/25/50/75/95th percentiles (linear interpolation) of the non-NaN draws."""
    kept = x[~np.isnan(x)]
    if kept.size == 0:
        return {"mean": None, **{f"p{q:02d}": None for q in PERCENTILES}}
    cuts = np.percentile(kept, PERCENTILES)
    return {
        "mean": float(kept.mean()),
        **{f"p{q:02d}": float(c) for q, c in zip(PERCENTILES, cuts, strict=True)},
    }


def _chance(gain: FloatArray) -> float | None:
    """Share of the draws (with a gain defined) in which the actor gains."""
    kept = gain[~np.isnan(gain)]
    return None if kept.size == 0 else float(np.mean(kept > 0))


@dataclass
class ModelSimulation:
    """One model over every draw: forecasts ``(draws, issues)`` and gains ``(draws, actors)``.

    Forecasts are in the scenario's units; ``point`` is the forecast with
    every input at its value.
    """

    model: str
    title: str
    preset: str
    params: dict[str, Any]
    issue_ids: tuple[str, ...]
    actor_ids: tuple[str, ...]
    scales: list[tuple[float, float]]
    point: dict[str, float | None]
    forecasts: FloatArray
    gains: FloatArray
    converged: BoolArray | None = None
    converged_by_issue: BoolArray | None = None
    warnings: list[str] = field(default_factory=list)
    #: The ensemble's members' weighted sd per draw and issue (scenario units), and
    #: their weights: how much the models disagree in each draw.
    spread: FloatArray | None = None
    members: dict[str, float] | None = None
    #: Outcomes drawn with the model's error around each draw's forecast (scenario units),
    #: when the model has a forecast-interval calibration (:mod:`detente.intervals`).
    outcomes: FloatArray | None = None
    #: Whether each veto player accepts the draw's forecast ``(draws, veto players)``
    #: (:mod:`detente.ratification`), and who they are; None without veto players.
    accepts: BoolArray | None = None
    veto_players: tuple[str, ...] = ()

    def issues(self) -> dict[str, dict[str, float | None]]:
        """Per issue: mean and 5/25/50/75/95th percentiles of the forecast."""
        return {i: describe(self.forecasts[:, k]) for k, i in enumerate(self.issue_ids)}

    def histograms(self) -> dict[str, dict[str, list[float] | list[int]]]:
        """Per issue: counts of draws in :data:`HISTOGRAM_BINS` equal bins over the scale."""
        out: dict[str, dict[str, list[float] | list[int]]] = {}
        for k, issue in enumerate(self.issue_ids):
            col = self.forecasts[:, k]
            counts, edges = np.histogram(col[~np.isnan(col)], HISTOGRAM_BINS, self.scales[k])
            out[issue] = {"edges": edges.tolist(), "counts": counts.tolist()}
        return out

    def to_dict(self) -> dict[str, Any]:
        gain_stats = {
            a: {key: describe(self.gains[:, i])[key] for key in ("mean", "p05", "p95")}
            for i, a in enumerate(self.actor_ids)
        }
        out: dict[str, Any] = {
            "issues": self.issues(),
            "gains": gain_stats,
            "point": self.point,
            "histograms": self.histograms(),
            "gain_chance": {a: _chance(self.gains[:, i]) for i, a in enumerate(self.actor_ids)},
            "preset": self.preset,
            "params": self.params,
        }
        if self.members is not None:
            out["members"] = self.members
        if self.outcomes is not None:
            out["forecast_interval"] = band_pairs(self.outcomes, self.issue_ids)
        if self.accepts is not None:
            out["ratification"] = acceptance_shares(self.accepts, self.veto_players)
        if self.spread is not None:
            out["spread"] = {
                i: {key: describe(self.spread[:, k])[key] for key in ("mean", "p05", "p95")}
                for k, i in enumerate(self.issue_ids)
            }
        undefined = np.isnan(self.forecasts).mean(axis=0)
        if undefined.any():
            out["undefined_share"] = {
                i: float(s) for i, s in zip(self.issue_ids, undefined, strict=True)
            }
        if self.converged is not None:
            conv: dict[str, Any] = {"all": float(self.converged.mean())}
            if self.converged_by_issue is not None:
                share = self.converged_by_issue.mean(axis=0)
                conv["by_issue"] = {i: float(s) for i, s in zip(self.issue_ids, share, strict=True)}
            out["converged_share"] = conv
        return out


@dataclass
class Simulation:
    """Every model's answers over the same draws (common random numbers)."""

    scenario: Scenario
    draws: int
    seed: int
    inputs: list[Input]
    models: dict[str, ModelSimulation] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: The headline and its forecast intervals from the draws (:mod:`detente.summary`).
    headline: Summary | None = None

    def __getitem__(self, model: str) -> ModelSimulation:
        return self.models[model]

    @property
    def summary(self) -> dict[str, Any] | None:
        """The JSON's ``"summary"``, its forecast intervals made from the draws."""
        return None if self.headline is None else self.headline.to_dict()

    @property
    def warnings(self) -> list[str]:
        few = []
        if self.inputs and self.draws < MIN_INTERVAL_DRAWS:
            few.append(
                f"only {self.draws} draw{'s' if self.draws != 1 else ''}: a 90% interval's "
                f"ends need at least {MIN_INTERVAL_DRAWS} (then at least 10 draws lie beyond "
                "each end); with fewer the intervals are rough, and with one there is none "
                f"(fix: --draws {MIN_INTERVAL_DRAWS} or more)"
            )
        return few + list(dict.fromkeys(w for m in self.models.values() for w in m.warnings))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "scenario": self.scenario.title,
            "draws": self.draws,
            "seed": self.seed,
            "summary": self.summary,
            "models": {name: m.to_dict() for name, m in self.models.items()},
            "inputs": [
                {"input": i.name, "dist": i.dist, "value": i.value, "low": i.low, "high": i.high}
                for i in self.inputs
            ],
        }
        if self.skipped:
            out["skipped"] = self.skipped
        if self.notes:
            out["notes"] = self.notes
        return out

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


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
        result.models[plan.name] = ModelSimulation(
            model=plan.name,
            title=m.title,
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
