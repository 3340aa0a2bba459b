"""A sensitivity analysis: per model and issue, the inputs ranked by what they explain.

:func:`detente.sensitivity` makes a :class:`Sensitivity`; ``detente
sensitivity --json`` prints :meth:`Sensitivity.to_dict`, which leaves out
each model's preset and parameters: :meth:`Sensitivity.detail` keeps them,
so that :meth:`Sensitivity.from_dict` gives the same object back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from detente.results.base import Result, model_title

if TYPE_CHECKING:
    import pandas as pd

    from detente.scenario import Scenario
    from detente.uncertainty import Input

ESTIMATOR = "total order: Jansen (1999); first order: Saltelli et al. (2010)"


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
        return {
            "input": self.input,
            "index": self.index,
            "low": self.low,
            "high": self.high,
            "first_order": self.first_order,
            "index_se": self.index_se,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Ranked:
        return cls(
            input=data["input"],
            index=data.get("index"),
            first_order=data.get("first_order"),
            index_se=data.get("index_se"),
            low=data.get("low"),
            high=data.get("high"),
        )


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
class Sensitivity(Result):
    """Every model's sensitivity to the same draws."""

    kind: ClassVar[str] = "sensitivity"

    scenario: Scenario
    draws: int
    seed: int
    inputs: list[Input]
    models: dict[str, ModelSensitivity] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __getitem__(self, model: str) -> ModelSensitivity:
        return self.models[model]

    @property
    def evaluations(self) -> int:
        """Model runs per model: N (k + 2) for the indices plus 2k for the tornado."""
        k = len(self.inputs)
        return self.draws * (k + 2) + 2 * k

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "scenario": self.scenario.title,
            "draws": self.draws,
            "evaluations": self.evaluations,
            "seed": self.seed,
            "estimator": ESTIMATOR,
            "models": {name: m.to_dict() for name, m in self.models.items()},
            "point": {name: m.point for name, m in self.models.items()},
        }
        if self.skipped:
            out["skipped"] = self.skipped
        if self.notes:
            out["notes"] = self.notes
        return out

    def detail(self) -> dict[str, Any] | None:
        return {
            name: {"preset": m.preset, "params": m.params} for name, m in self.models.items()
        } or None

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        scenario: Scenario,
        detail: Mapping[str, Any] | None = None,
    ) -> Sensitivity:
        """The analysis whose JSON is ``data`` (and whose :meth:`detail` is ``detail``)."""
        from detente.uncertainty import RATIFICATION_KINDS, uncertain_inputs

        points = data.get("point") or {}
        kept = detail or {}
        models = {}
        for name, per_issue in (data.get("models") or {}).items():
            run = kept.get(name) or {}
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
            draws=int(data.get("draws") or 0),
            seed=int(data.get("seed") or 0),
            # The inputs the analysis ranks: those a model's forecast reads.
            inputs=[i for i in uncertain_inputs(scenario) if i.kind not in RATIFICATION_KINDS],
            models=models,
            skipped=dict(data.get("skipped") or {}),
            notes=list(data.get("notes") or []),
        )

    def _facts(self) -> list[str]:
        return [f"{self.draws} base draws", f"seed {self.seed}", f"{len(self.inputs)} inputs"]

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
        columns = ["model", "issue", "input", "index", "low", "high", "first_order", "index_se"]
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
