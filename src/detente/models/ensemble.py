"""The ensemble: the other models' forecasts, combined, and how far apart they are.

On issue k, over the member models j that give a forecast there::

    O_k = sum_j v_j f_jk / sum_j v_j

with weights v_j equal by default (a simple average is hard to beat when
there is little data to estimate weights from; Clemen 1989, "Combining
forecasts: a review", *Int. J. Forecasting* 5:559-583), or read from a
weights file that a backtest writes (below). Members are every other
registered model that applies to the scenario (``models`` narrows them),
each run at its default preset (or the file's). The ensemble never contains
itself, and ``--model all`` leaves it out (it would run every model twice);
ask for it by name.

Extras: ``members`` (the normalised weight of each model that ran),
``by_model`` (each member's forecast, in the issue's units) and ``spread``
per issue: ``min``, ``max`` and ``sd`` (the weighted standard deviation of
the members' forecasts), what the models disagree on. Over Monte Carlo draws
the ensemble gives, per draw and issue, that standard deviation (its
outcome's ``spread``), and :func:`detente.simulate` reports its mean and 5th
and 95th percentiles over the draws as ``spread``, beside the ``members``'
weights: how much the models disagree, and how that varies with the inputs.

Weights file (JSON, version 1)::

    {
      "format": "detente-ensemble-weights",
      "version": 1,
      "weights": {"compromise": 0.5, "nbs": 0.3, "eu": 0.2},
      "presets": {"eu": "default"},
      "source": "backtest on DEU II, weights proportional to 1 / MAE"
    }

``weights`` (required) maps model names to numbers >= 0, at least one
positive; they need not sum to 1 (they are normalised over the members that
run). Models left out of ``weights`` are not run. ``presets`` (optional)
picks a member's preset; ``source`` (optional) says where the weights come
from and is echoed as the ``weights_source`` parameter. Other keys are
ignored, so later versions may add some. :func:`save_weights` writes the
format, :func:`load_weights` reads it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from detente.arrays import FloatArray, ScenarioArrays
from detente.errors import ParameterError
from detente.limits import Footprint
from detente.models.base import REGISTRY, Model, Outcome, register
from detente.models.batch import run_batch

WEIGHTS_FORMAT = "detente-ensemble-weights"
WEIGHTS_VERSION = 1


@dataclass(frozen=True)
class Weights:
    """Ensemble weights as a backtest records them (see the module docstring)."""

    weights: dict[str, float]
    presets: dict[str, str] = field(default_factory=dict)
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": WEIGHTS_FORMAT,
            "version": WEIGHTS_VERSION,
            "weights": self.weights,
        }
        if self.presets:
            out["presets"] = self.presets
        if self.source is not None:
            out["source"] = self.source
        return out


def _check_members(names: list[str], what: str) -> None:
    for name in names:
        if name not in REGISTRY:
            raise ValueError(f"{what} names unknown model {name!r}; valid: {', '.join(REGISTRY)}")
        if REGISTRY[name].combines_models:
            raise ValueError(f"{what}: the ensemble cannot contain {name!r}")


def check_weights(tree: Any, where: str = "weights") -> Weights:
    """Validate a weights tree (the parsed JSON); ValueError says what is wrong."""
    if not isinstance(tree, Mapping):
        raise ValueError(f"{where}: expected a JSON object with format, version and weights")
    if tree.get("format") != WEIGHTS_FORMAT:
        raise ValueError(f"{where}: 'format' must be {WEIGHTS_FORMAT!r}")
    if tree.get("version") != WEIGHTS_VERSION:
        raise ValueError(
            f"{where}: 'version' must be {WEIGHTS_VERSION} (got {tree.get('version')!r})"
        )
    weights = tree.get("weights")
    if not isinstance(weights, Mapping) or not weights:
        raise ValueError(f"{where}: 'weights' must map model names to numbers")
    for name, w in weights.items():
        if isinstance(w, bool) or not isinstance(w, int | float) or not math.isfinite(w) or w < 0:
            raise ValueError(f"{where}: weight of {name!r} must be a number >= 0, got {w!r}")
    if not any(w > 0 for w in weights.values()):
        raise ValueError(f"{where}: at least one weight must be positive")
    presets = tree.get("presets", {})
    if not isinstance(presets, Mapping) or not all(isinstance(p, str) for p in presets.values()):
        raise ValueError(f"{where}: 'presets' must map model names to preset names")
    source = tree.get("source")
    if source is not None and not isinstance(source, str):
        raise ValueError(f"{where}: 'source' must be text")
    _check_members(list(weights) + list(presets), where)
    for name, preset in presets.items():
        if preset not in REGISTRY[name].presets:
            raise ValueError(
                f"{where}: model {name!r} has no preset {preset!r}; "
                f"valid presets: {', '.join(REGISTRY[name].presets)}"
            )
    return Weights({k: float(v) for k, v in weights.items()}, dict(presets), source)


def _read(path: str | Path) -> Weights:
    try:
        tree = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read weights file {str(path)!r}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"weights file {str(path)!r} is not valid JSON: {exc}") from None
    return check_weights(tree, str(path))


def load_weights(path: str | Path) -> Weights:
    """Read a weights file; ParameterError says what is wrong with it."""
    try:
        return _read(path)
    except ValueError as exc:
        raise ParameterError(str(exc)) from None


def save_weights(path: str | Path, weights: Weights) -> Path:
    """Write ``weights`` in the documented format (validated first)."""
    check_weights(weights.to_dict(), str(path))
    path = Path(path)
    path.write_text(json.dumps(weights.to_dict(), indent=2) + "\n", encoding="utf-8")
    return path


class EnsembleParams(BaseModel):
    """Which models to combine and how (``weights`` may be given as a file path)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    models: str = Field("all", description="comma-separated member models, or all")
    weights: dict[str, float] | None = Field(
        None, description="weight per model, or the path of a weights file; None = equal"
    )
    presets: dict[str, str] = Field(default_factory=dict, description="preset per member")
    weights_source: str | None = Field(None, description="where the weights come from")

    @model_validator(mode="before")
    @classmethod
    def _read_weights_file(cls, data: Any) -> Any:
        """A path in ``weights`` is read here, once: members then see plain numbers.

        Problems with the file raise :class:`ParameterError` (which pydantic
        passes through) so that the message names the file, not a field.
        """
        if isinstance(data, Mapping) and isinstance(data.get("weights"), str | Path):
            loaded = load_weights(data["weights"])
            data = {**data, "weights": loaded.weights}
            data.setdefault("presets", loaded.presets)
            data.setdefault("weights_source", loaded.source)
        return data

    @model_validator(mode="after")
    def _check(self) -> EnsembleParams:
        try:
            if self.models != "all":
                _check_members(self.member_names(), "models")
            if self.weights is not None:
                check_weights(
                    {"format": WEIGHTS_FORMAT, "version": WEIGHTS_VERSION, "weights": self.weights}
                )
            _check_members(list(self.presets), "presets")
        except ValueError as exc:
            raise ParameterError(f"ensemble: {exc}") from None
        return self

    def member_names(self) -> list[str]:
        if self.models.strip().lower() == "all":
            return [n for n, m in REGISTRY.items() if not m.combines_models]
        return [n.strip().lower() for n in self.models.split(",") if n.strip()]


@register
class Ensemble(Model):
    """Weighted average of the other models (see the module docstring)."""

    name = "ensemble"
    title = "Ensemble of the models"
    rank = 1000
    batched = True
    # Some members (exchange, smp) forecast a proposal's issues together.
    joint = True
    # A member (smp) breaks ties by the order the actors are listed in.
    order_invariant = False
    combines_models = True
    Params = EnsembleParams

    def _members(
        self, arrays: ScenarioArrays, params: EnsembleParams
    ) -> tuple[dict[str, float], dict[str, str]]:
        names = params.member_names()
        if params.weights is not None:
            names = [n for n in names if params.weights.get(n, 0.0) > 0]
        weights, skipped = {}, {}
        for name in names:
            reason = REGISTRY[name].applies(arrays)
            if reason is None:
                weights[name] = 1.0 if params.weights is None else params.weights[name]
            else:
                skipped[name] = reason
        return weights, skipped

    def footprint(self, arrays: ScenarioArrays, params: Any, runs: int = 1) -> Footprint:
        """The members', one after the other."""
        weights, _ = self._members(arrays, params)
        total = Footprint()
        for name in weights:
            member = REGISTRY[name]
            one = member.footprint(arrays, member.resolve(params.presets.get(name), {}), runs)
            grows = f"{name}: {one.grows}" if one.grows else ""
            total = total + Footprint(one.memory, one.seconds, grows)
        return total

    def applies(self, arrays: ScenarioArrays) -> str | None:
        weights, skipped = self._members(arrays, cast(EnsembleParams, self.resolve(None, {})))
        if not weights:
            return "no member model applies: " + "; ".join(f"{k}: {v}" for k, v in skipped.items())
        return None

    def run(self, arrays: ScenarioArrays, params: Any) -> Outcome:
        weights, skipped = self._members(arrays, params)
        if not weights:
            raise ParameterError(
                "ensemble: no member model applies: "
                + "; ".join(f"{k}: {v}" for k, v in skipped.items())
            )
        batched = arrays.positions.ndim == 3
        forecasts, warnings = [], []
        for name in weights:
            member = REGISTRY[name]
            resolved = member.resolve(params.presets.get(name), {})
            if batched:
                batch = run_batch(member, arrays, resolved)
                forecasts.append(batch.forecast)
                warnings += batch.warnings
            else:
                out = member.run(arrays, resolved)
                forecasts.append(np.asarray(out.forecast, dtype=float))
                warnings += out.warnings
        f = np.stack(forecasts)
        v = np.array(list(weights.values())).reshape((-1,) + (1,) * (f.ndim - 1))
        w = np.where(np.isnan(f), 0.0, v)
        total = w.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            combined = np.where(total > 0, np.nansum(w * f, axis=0) / total, np.nan)
        share = dict(
            zip(
                weights,
                (np.array(list(weights.values())) / sum(weights.values())).tolist(),
                strict=True,
            )
        )
        extras: dict[str, Any] = {"members": share}
        notes = [f"ensemble: {name} left out: {reason}" for name, reason in skipped.items()]
        spread = None
        if batched:
            # Per draw, the members' weighted standard deviation (normalised units): what
            # simulate summarises as the models' spread under uncertainty.
            with np.errstate(invalid="ignore", divide="ignore"):
                dev = np.where(w > 0, (np.nan_to_num(f) - combined) ** 2, 0.0)
                spread = np.sqrt(np.where(total > 0, (w * dev).sum(axis=0) / total, np.nan))
        else:
            extras["by_model"] = {
                name: dict(
                    zip(arrays.issue_ids, map(_unit_or_none, arrays.to_scale(row)), strict=True)
                )
                for name, row in zip(weights, f, strict=True)
            }
            extras["spread"] = _spread(arrays, f, w, combined)
        return Outcome(
            forecast=combined,
            extras=extras,
            warnings=list(dict.fromkeys(warnings)),
            notes=notes,
            spread=spread,
        )


def _unit_or_none(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def _spread(
    arrays: ScenarioArrays, f: FloatArray, w: FloatArray, combined: FloatArray
) -> dict[str, dict[str, float | None]]:
    """Per issue, in the issue's units: the members' min, max and weighted sd."""
    width = arrays.scale_high - arrays.scale_low
    out: dict[str, dict[str, float | None]] = {}
    for k, issue in enumerate(arrays.issue_ids):
        col, wk = f[:, k], w[:, k]
        if not (wk > 0).any():
            out[issue] = {"min": None, "max": None, "sd": None}
            continue
        ok = wk > 0
        var = float(np.sum(wk[ok] * (col[ok] - combined[k]) ** 2) / wk[ok].sum())
        out[issue] = {
            "min": float(col[ok].min() * width[k] + arrays.scale_low[k]),
            "max": float(col[ok].max() * width[k] + arrays.scale_low[k]),
            "sd": float(math.sqrt(var) * width[k]),
        }
    return out
