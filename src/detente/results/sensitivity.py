"""A sensitivity analysis: per model and issue, the inputs ranked by what they explain.

:func:`detente.sensitivity` makes a :class:`Sensitivity`; ``detente
sensitivity --json`` prints :meth:`Sensitivity.to_dict`, which leaves out
each model's preset and parameters: :meth:`Sensitivity.detail` keeps them,
so that :meth:`Sensitivity.from_dict` gives the same object back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from detente.results.base import DrawnResult, Kept, model_title

if TYPE_CHECKING:
    import pandas as pd

    from detente.scenario import Scenario

ESTIMATOR = "total order: Jansen (1999); first order: Saltelli et al. (2010)"

#: The keys of a :class:`Ranked` in its JSON, in their order there (the input first).
_RANKED_KEYS = ("input", "index", "low", "high", "first_order", "index_se")


@dataclass
class Ranked:
    """One input's weight in one issue's forecast."""

    input: str
    index: float | None
    first_order: float | None
    index_se: float | None
    low: float | None
    high: float | None

    @property
    def swing(self) -> float:
        """|high - low|: how far the forecast moves across the input's range."""
        if self.low is None or self.high is None:
            return 0.0
        return abs(self.high - self.low)

    def to_dict(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in _RANKED_KEYS}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Ranked:
        return cls(input=data["input"], **{key: data.get(key) for key in _RANKED_KEYS[1:]})


@dataclass
class ModelSensitivity:
    """One model's ranking of the inputs, per issue."""

    model: str
    title: str
    preset: str
    params: dict[str, Any]
    point: dict[str, float | None]
    ranking: dict[str, list[Ranked]]

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {issue: [r.to_dict() for r in ranked] for issue, ranked in self.ranking.items()}

    def top(self, issue: str, n: int = 3) -> list[str]:
        """The ``n`` inputs ``issue``'s forecast hinges on most."""
        return [r.input for r in self.ranking[issue][:n]]


@dataclass(repr=False)
class Sensitivity(DrawnResult[ModelSensitivity]):
    """Every model's sensitivity to the same draws."""

    kind: ClassVar[str] = "sensitivity"
    draws_are: ClassVar[str] = "base draws"

    @property
    def evaluations(self) -> int:
        """Model runs per model: N (k + 2) for the indices plus 2k for the tornado."""
        k = len(self.inputs)
        return self.draws * (k + 2) + 2 * k

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.title,
            "draws": self.draws,
            "evaluations": self.evaluations,
            "seed": self.seed,
            "estimator": ESTIMATOR,
            "models": {name: m.to_dict() for name, m in self.models.items()},
            "point": {name: m.point for name, m in self.models.items()},
            **self._remarks(),
        }

    def detail(self) -> dict[str, Any] | None:
        return {
            name: {"preset": m.preset, "params": m.params} for name, m in self.models.items()
        } or None

    @classmethod
    def _read(cls, data: Mapping[str, Any], scenario: Scenario, kept: Kept) -> Sensitivity:
        """The analysis whose JSON is ``data``; its :meth:`detail` gives each model's preset
        and parameters."""
        from detente.uncertainty import RATIFICATION_KINDS, uncertain_inputs

        points = data.get("point") or {}
        models = {}
        for name, per_issue in (data.get("models") or {}).items():
            run = kept.detail.get(name) or {}
            models[name] = ModelSensitivity(
                model=name,
                title=model_title(name),
                preset=run.get("preset") or "default",
                params=dict(run.get("params") or {}),
                point=dict(points.get(name) or {}),
                ranking={
                    issue: [Ranked.from_dict(r) for r in ranked]
                    for issue, ranked in per_issue.items()
                },
            )
        return cls(
            scenario=scenario,
            # The inputs the analysis ranks: those a model's forecast reads.
            inputs=[i for i in uncertain_inputs(scenario) if i.kind not in RATIFICATION_KINDS],
            models=models,
            **cls._read_drawn(data),
        )

    def to_pandas(self, what: str = "indices") -> pd.DataFrame:
        """Every input's indices and tornado per model and issue (``what="indices"``)."""
        import pandas as pd

        if what != "indices":
            raise ValueError(f"to_pandas: what is 'indices', not {what!r}")
        rows = [
            {"model": name, "issue": issue, **r.to_dict()}
            for name, m in self.models.items()
            for issue, ranked in m.ranking.items()
            for r in ranked
        ]
        columns = ["model", "issue", *_RANKED_KEYS]
        return pd.DataFrame(rows, columns=columns).set_index(["model", "issue", "input"])

    def _html_table(self) -> tuple[list[str], list[list[Any]]]:
        header = ["model", "issue", "input", "index", "low", "high"]
        rows = [
            [name, issue, r.input, r.index, r.low, r.high]
            for name, m in self.models.items()
            for issue, ranked in m.ranking.items()
            for r in ranked[:3]
        ]
        return header, rows
