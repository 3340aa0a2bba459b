"""A comparison: the baseline forecast beside each what-if's, and what changes.

:func:`detente.compare` makes a :class:`Comparison`; ``detente compare
--json`` prints :meth:`Comparison.to_dict`. Each variant is a scenario of its
own (:func:`detente.compare.variant_scenario` rebuilds it from its name), so
:meth:`Comparison.from_dict` gives the same object back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from detente.results.base import Kept, Result
from detente.results.forecast import Forecast, ModelResult

if TYPE_CHECKING:
    import pandas as pd

    from detente.scenario import Scenario

Delta = dict[str, dict[str, dict[str, dict[str, float | None]]]]


def minus(
    new: Mapping[str, float | None], old: Mapping[str, float | None]
) -> dict[str, float | None]:
    """``new - old`` key by key (None where either has no number)."""
    keys = list(dict.fromkeys([*old, *new]))
    return {
        k: None if new.get(k) is None or old.get(k) is None else new[k] - old[k]  # type: ignore[operator]
        for k in keys
    }


@dataclass(repr=False)
class Comparison(Result[ModelResult]):
    """The baseline forecast and each variant's, with their differences."""

    kind: ClassVar[str] = "compare"

    scenario: Scenario
    baseline: Forecast
    variants: dict[str, Forecast] = field(default_factory=dict)
    #: What each variant is, in words (its description, or its what-if text).
    descriptions: dict[str, str] = field(default_factory=dict)

    @property
    def models(self) -> dict[str, ModelResult]:  # type: ignore[override]
        """The baseline's models (each variant runs the same ones)."""
        return self.baseline.models

    def delta(self) -> Delta:
        """``{variant: {model: {"forecasts": {issue: change}, "gains": {actor: change}}}}``."""
        out: Delta = {}
        for name, variant in self.variants.items():
            per_model = {}
            for model, result in variant.models.items():
                base = self.baseline.models.get(model)
                if base is None:
                    continue
                per_model[model] = {
                    "forecasts": minus(result.forecasts, base.forecasts),
                    "gains": minus(result.gains, base.gains),
                }
            out[name] = per_model
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline.to_dict(),
            "variants": {name: f.to_dict() for name, f in self.variants.items()},
            "delta": self.delta(),
        }

    @property
    def warnings(self) -> list[str]:
        every = [self.baseline, *self.variants.values()]
        return list(dict.fromkeys(w for f in every for w in f.warnings))

    def detail(self) -> dict[str, Any] | None:
        variants = {n: d for n, f in self.variants.items() if (d := f.detail()) is not None}
        baseline = self.baseline.detail()
        if baseline is None and not variants:
            return None
        return {"baseline": baseline, "variants": variants}

    @classmethod
    def _read(cls, data: Mapping[str, Any], scenario: Scenario, kept: Kept) -> Comparison:
        """The comparison whose JSON is ``data``; each variant's scenario is rebuilt."""
        from detente.compare import variant_scenario

        baseline = data.get("baseline") or {}
        result = cls(
            scenario=scenario,
            baseline=Forecast.from_dict(baseline, scenario, kept.detail.get("baseline")),
        )
        for name, variant in (data.get("variants") or {}).items():
            built, described = variant_scenario(scenario, name)
            result.variants[name] = Forecast.from_dict(
                variant, built, (kept.detail.get("variants") or {}).get(name)
            )
            result.descriptions[name] = described
        return result

    def _facts(self) -> list[str]:
        return [f"variants: {', '.join(self.variants) or 'none'}"]

    def to_pandas(self, what: str = "forecasts") -> pd.DataFrame:
        """Per model and issue (``forecasts``) or actor (``gains``): the baseline and each
        variant's value (the changes are the differences of these columns)."""
        import pandas as pd

        if what not in ("forecasts", "gains"):
            raise ValueError(f"to_pandas: what is 'forecasts' or 'gains', not {what!r}")
        frames = {"baseline": self.baseline, **self.variants}
        table = pd.concat(
            {name: f.to_pandas(what).stack(future_stack=True) for name, f in frames.items()},
            axis=1,
        )
        return table.reorder_levels([1, 0]).sort_index(level=0, sort_remaining=False)

    def _html_table(self) -> tuple[list[str], list[list[Any]]]:
        header = ["model", "issue", "baseline", *self.variants]
        rows = [
            [
                model,
                issue.display_name,
                base.forecasts.get(issue.id),
                *(
                    v.models[model].forecasts.get(issue.id) if model in v.models else None
                    for v in self.variants.values()
                ),
            ]
            for model, base in self.baseline.models.items()
            for issue in self.scenario.issues
        ]
        return header, rows
