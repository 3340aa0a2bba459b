"""A simulation: every model's forecasts over the same Monte Carlo draws, summarised.

:func:`detente.simulate` makes a :class:`Simulation` from the draws
(:meth:`ModelSimulation.from_draws` summarises them once: percentiles,
histograms, chances of a gain); ``detente simulate --json`` prints
:meth:`Simulation.to_dict`. Read back with :meth:`Simulation.from_dict` and
the draws the run store keeps (:meth:`Simulation.draw_arrays`), a saved simulation
is the same object again; without its draws (a run saved before the store
kept them) it still has every summary the tables and charts show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from detente.results.base import DrawnResult, Kept, json_number, model_title

if TYPE_CHECKING:
    import pandas as pd

    from detente.arrays import BoolArray, FloatArray
    from detente.results.draws import Draws
    from detente.scenario import Scenario
    from detente.summary import Summary

PERCENTILES = (5, 25, 50, 75, 95)
HISTOGRAM_BINS = 20
#: Fewest draws for a 90% interval worth reading: its ends, the 5th and 95th
#: percentiles, then each have at least 10 draws beyond them (0.05 x 200).
MIN_INTERVAL_DRAWS = 200


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


def _interval(x: FloatArray) -> dict[str, float | None]:
    stats = describe(x)
    return {key: stats[key] for key in ("mean", "p05", "p95")}


@dataclass
class ModelSimulation:
    """One model over every draw: forecasts ``(draws, issues)`` and gains ``(draws, actors)``.

    Forecasts are in the scenario's units; ``point`` is the forecast with
    every input at its value. ``summary`` is the model's JSON (see
    :meth:`from_draws`); ``forecasts`` and ``gains`` have no rows for a saved
    run that kept no draws.
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
    summary: dict[str, Any]
    converged: BoolArray | None = None
    converged_by_issue: BoolArray | None = None
    warnings: list[str] = field(default_factory=list)
    #: The ensemble's members' weighted sd per draw and issue (scenario units), and
    #: their weights: how much the models disagree in each draw.
    spread: FloatArray | None = None
    members: dict[str, float] | None = None
    #: Each draw's outcome drawn from the model's predictive distribution (scenario units),
    #: when the model has a forecast-interval calibration (:mod:`detente.intervals`).
    outcomes: FloatArray | None = None
    #: Per draw, whether each veto player accepts the forecast against its no-deal point
    #: (:mod:`detente.ratification`), and who they are; None without veto players.
    accepts: BoolArray | None = None
    veto_players: tuple[str, ...] = ()

    @classmethod
    def from_draws(
        cls,
        *,
        model: str,
        preset: str,
        params: dict[str, Any],
        issue_ids: tuple[str, ...],
        actor_ids: tuple[str, ...],
        scales: list[tuple[float, float]],
        point: dict[str, float | None],
        forecasts: FloatArray,
        gains: FloatArray,
        converged: BoolArray | None = None,
        converged_by_issue: BoolArray | None = None,
        warnings: list[str] | None = None,
        spread: FloatArray | None = None,
        members: dict[str, float] | None = None,
        outcomes: FloatArray | None = None,
        accepts: BoolArray | None = None,
        veto_players: tuple[str, ...] = (),
    ) -> ModelSimulation:
        """Summarise the draws once: per issue the mean, percentiles and a histogram over
        the scale; per actor the gain's mean, 90% interval and chance; convergence."""
        summary: dict[str, Any] = {
            "issues": {i: describe(forecasts[:, k]) for k, i in enumerate(issue_ids)},
            "gains": {a: _interval(gains[:, j]) for j, a in enumerate(actor_ids)},
            "point": point,
            "histograms": _histograms(forecasts, issue_ids, scales),
            "gain_chance": {a: _chance(gains[:, j]) for j, a in enumerate(actor_ids)},
            "preset": preset,
            "params": params,
        }
        if members is not None:
            summary["members"] = members
        if outcomes is not None:
            from detente.summary import band_pairs

            summary["forecast_interval"] = band_pairs(outcomes, issue_ids)
        if accepts is not None:
            from detente.ratification import acceptance_shares

            summary["ratification"] = acceptance_shares(accepts, veto_players)
        if spread is not None:
            summary["spread"] = {i: _interval(spread[:, k]) for k, i in enumerate(issue_ids)}
        undefined = np.isnan(forecasts).mean(axis=0)
        if undefined.any():
            summary["undefined_share"] = {
                i: float(s) for i, s in zip(issue_ids, undefined, strict=True)
            }
        if converged is not None:
            conv: dict[str, Any] = {"all": float(converged.mean())}
            if converged_by_issue is not None:
                share = converged_by_issue.mean(axis=0)
                conv["by_issue"] = {i: float(s) for i, s in zip(issue_ids, share, strict=True)}
            summary["converged_share"] = conv
        return cls(
            model=model,
            title=model_title(model),
            preset=preset,
            params=params,
            issue_ids=issue_ids,
            actor_ids=actor_ids,
            scales=scales,
            point=point,
            forecasts=forecasts,
            gains=gains,
            summary=summary,
            converged=converged,
            converged_by_issue=converged_by_issue,
            warnings=list(warnings or []),
            spread=spread,
            members=members,
            outcomes=outcomes,
            accepts=accepts,
            veto_players=veto_players,
        )

    def issues(self) -> dict[str, dict[str, float | None]]:
        """Per issue: mean and 5/25/50/75/95th percentiles of the forecast."""
        return self.summary.get("issues", {})  # type: ignore[no-any-return]

    def histograms(self) -> dict[str, dict[str, list[float] | list[int]]]:
        """Per issue: counts of draws in :data:`HISTOGRAM_BINS` equal bins over the scale."""
        return self.summary.get("histograms", {})  # type: ignore[no-any-return]

    def gain_stats(self) -> dict[str, dict[str, float | None]]:
        """Per actor: the gain's mean and 5th/95th percentiles."""
        return self.summary.get("gains", {})  # type: ignore[no-any-return]

    def gain_chance(self) -> dict[str, float | None]:
        """Per actor: the share of draws in which it gains."""
        return self.summary.get("gain_chance", {})  # type: ignore[no-any-return]

    def converged_share(self) -> dict[str, Any] | None:
        """``{"all": share, "by_issue": {...}}`` for models that converge (else None)."""
        return self.summary.get("converged_share")

    def to_dict(self) -> dict[str, Any]:
        return dict(self.summary)

    @classmethod
    def from_dict(
        cls,
        model: str,
        data: Mapping[str, Any],
        scenario: Scenario,
        draws: Sequence[Draws] = (),
    ) -> ModelSimulation:
        """The model's simulation whose JSON is ``data``, with its ``draws`` if kept."""
        kept = {d.quantity: d.values for d in draws if d.model == model}
        none = np.empty((0, len(scenario.issues)))
        return cls(
            model=model,
            title=model_title(model),
            preset=data.get("preset") or "default",
            params=dict(data.get("params") or {}),
            issue_ids=tuple(scenario.issue_ids),
            actor_ids=tuple(scenario.actor_ids),
            scales=[(float(i.scale[0]), float(i.scale[1])) for i in scenario.issues],
            point=dict(data.get("point") or {}),
            forecasts=kept.get("forecast", none),
            gains=kept.get("gain", np.empty((0, len(scenario.actors)))),
            summary=dict(data),
            members=data.get("members"),
        )


def _histograms(
    forecasts: FloatArray, issue_ids: Sequence[str], scales: Sequence[tuple[float, float]]
) -> dict[str, dict[str, list[float] | list[int]]]:
    out: dict[str, dict[str, list[float] | list[int]]] = {}
    for k, issue in enumerate(issue_ids):
        col = forecasts[:, k]
        counts, edges = np.histogram(col[~np.isnan(col)], HISTOGRAM_BINS, scales[k])
        out[issue] = {"edges": edges.tolist(), "counts": counts.tolist()}
    return out


@dataclass(repr=False)
class Simulation(DrawnResult[ModelSimulation]):
    """Every model's answers over the same draws (common random numbers)."""

    kind: ClassVar[str] = "simulate"

    #: The headline and its forecast intervals from the draws (:mod:`detente.summary`).
    headline: Summary | None = None
    #: The JSON of the headline, for a simulation read back (see :attr:`summary`).
    kept_summary: dict[str, Any] | None = None

    @property
    def summary(self) -> dict[str, Any] | None:
        """The JSON's ``"summary"``, its forecast intervals made from the draws."""
        return self.headline.to_dict() if self.headline is not None else self.kept_summary

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
        return {
            "scenario": self.scenario.title,
            "draws": self.draws,
            "seed": self.seed,
            "summary": self.summary,
            "models": {name: m.to_dict() for name, m in self.models.items()},
            "inputs": [
                {"input": i.name, "dist": i.dist, "value": i.value, "low": i.low, "high": i.high}
                for i in self.inputs
            ],
            **self._remarks(),
        }

    def draw_arrays(self) -> list[Draws]:
        """Per model, every draw's forecast per issue and gain per actor (those kept)."""
        from detente.results.draws import Draws

        out: list[Draws] = []
        for name, m in self.models.items():
            for quantity, values, columns in (
                ("forecast", m.forecasts, m.issue_ids),
                ("gain", m.gains, m.actor_ids),
            ):
                if len(values):
                    out.append(Draws(name, quantity, tuple(columns), np.asarray(values, float)))
        return out

    @classmethod
    def _read(cls, data: Mapping[str, Any], scenario: Scenario, kept: Kept) -> Simulation:
        from detente.uncertainty import uncertain_inputs

        return cls(
            scenario=scenario,
            inputs=uncertain_inputs(scenario),
            models={
                name: ModelSimulation.from_dict(name, res, scenario, kept.draws)
                for name, res in (data.get("models") or {}).items()
            },
            kept_summary=data.get("summary"),
            **cls._read_drawn(data),
        )

    def to_pandas(self, what: str = "forecasts") -> pd.DataFrame:
        """``forecasts`` (per model and issue: point, mean, percentiles), ``gains`` (per
        model and actor: mean, 5th/95th percentiles, chance of a gain) or ``draws``
        (every draw, one row per number: model, quantity, draw, issue, actor, value)."""
        import pandas as pd

        if what == "draws":
            from detente.results.draws import draws_frame

            kept = self.draw_arrays()
            if not kept:
                raise ValueError("this simulation keeps no draws (a run saved without them)")
            return draws_frame(0, kept).drop(columns="run_id")
        if what not in ("forecasts", "gains"):
            raise ValueError(f"to_pandas: what is 'forecasts', 'gains' or 'draws', not {what!r}")
        rows = []
        for name, m in self.models.items():
            if what == "forecasts":
                for issue, stats in m.issues().items():
                    rows.append(
                        {"model": name, "issue": issue, "point": m.point.get(issue), **stats}
                    )
            else:
                chance = m.gain_chance()
                for actor, stats in m.gain_stats().items():
                    rows.append({"model": name, "actor": actor, **stats, "chance": chance[actor]})
        key = ["model", "issue" if what == "forecasts" else "actor"]
        table = pd.DataFrame(rows, columns=None if rows else key)
        return table.set_index(key).astype(float)

    def _html_table(self) -> tuple[list[str], list[list[Any]]]:
        header = ["model", "issue", "point", "mean", "90% interval"]
        rows = []
        for name, m in self.models.items():
            for issue in self.scenario.issues:
                s = m.issues().get(issue.id, {})
                low, high = json_number(s.get("p05")), json_number(s.get("p95"))
                interval = "—" if low is None or high is None else f"{low:.1f}–{high:.1f}"
                rows.append(
                    [name, issue.display_name, m.point.get(issue.id), s.get("mean"), interval]
                )
        return header, rows
