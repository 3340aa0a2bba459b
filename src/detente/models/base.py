"""The one small interface every model implements, and the registry of models.

A model is a class with a ``name``, a pydantic ``Params`` class (its named
parameters, with defaults), ``presets`` (named sets of parameter values) and
``run(arrays, params) -> Outcome``. ``run`` is a pure function of the arrays
(normalised positions, see :mod:`detente.arrays`) and the parameters; it
returns forecasts in normalised units, which :mod:`detente.forecast` maps back
to the scenario's scale, pairs with gains and serialises.

Adding a model: subclass :class:`Model`, decorate it with :func:`register`,
and import its module in :mod:`detente.models`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, get_args

from pydantic import BaseModel, ConfigDict, ValidationError

from detente.arrays import BoolArray, FloatArray, ScenarioArrays
from detente.errors import ParameterError
from detente.limits import Footprint


class NoParams(BaseModel):
    """Parameters of a model that has none."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass
class Outcome:
    """What a model's run yields, in normalised units (see :mod:`detente.arrays`).

    ``forecast`` has one entry per issue (NaN where the model gives no
    forecast). Dynamic models add ``rounds`` (positions after each round,
    ``rounds[0]`` the input, shape ``(T + 1, n_actors, n_issues)``) and
    ``converged`` (over draws: one flag per draw, or one for all).
    ``extras`` holds further JSON-ready results in scenario terms (keyed by
    issue or actor ids), which the JSON of a forecast carries; ``detail``
    JSON-ready data that the model's tables and charts show and the JSON
    leaves out (the run store keeps it). ``spread`` is, for a model that
    combines others, their disagreement per draw and issue (normalised
    units). ``warnings`` are printed on stderr; ``notes`` go into the JSON.
    """

    forecast: FloatArray
    rounds: FloatArray | None = None
    converged: bool | BoolArray | None = None
    converged_by_issue: BoolArray | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    spread: FloatArray | None = None


class Model(ABC):
    """A model of collective decision making (see the module docstring)."""

    name: ClassVar[str]
    title: ClassVar[str]
    #: Place in ``--model all`` (static models first, then dynamic ones).
    rank: ClassVar[int] = 100
    #: True when ``run`` accepts arrays with a leading draw axis (positions
    #: ``(D, n, m)``, capability ``(D, n)``) and returns forecasts ``(D, m)``
    #: (and ``rounds`` ``(T + 1, D, n, m)``, ``converged_by_issue`` ``(D, m)``).
    batched: ClassVar[bool] = False
    #: True for a model that combines the others' forecasts (the ensemble):
    #: ``all`` leaves it out, so that no model runs twice.
    combines_models: ClassVar[bool] = False
    #: True for a model that moves positions round by round: it takes a ``rounds``
    #: parameter (``--rounds``), returns ``rounds`` and applies the scenario's shocks.
    dynamic: ClassVar[bool] = False
    #: True for a model that draws at random: it takes a ``seed`` parameter (``--seed``).
    seeded: ClassVar[bool] = False
    #: True for a model that forecasts a proposal's issues together (trades or
    #: bargains across them), so a backtest runs it on whole proposals.
    joint: ClassVar[bool] = False
    #: True for a model quick enough that a backtest calibrates its intervals by
    #: default (vectorised, and seconds on DEU's 351 issues).
    quick_to_calibrate: ClassVar[bool] = False
    #: False for a model whose forecast may depend on the order the actors are
    #: listed in (a tie it breaks by that order).
    order_invariant: ClassVar[bool] = True
    Params: ClassVar[type[BaseModel]] = NoParams
    presets: ClassVar[dict[str, dict[str, Any]]] = {"default": {}}
    default_preset: ClassVar[str] = "default"

    @abstractmethod
    def run(self, arrays: ScenarioArrays, params: Any) -> Outcome:
        """Forecast every issue of ``arrays`` under ``params`` (an instance of ``Params``)."""

    def applies(self, arrays: ScenarioArrays) -> str | None:
        """Why this model cannot run on ``arrays`` (None when it can)."""
        return None

    def footprint(self, arrays: ScenarioArrays, params: Any, runs: int = 1) -> Footprint:
        """Memory at once and time in all that ``runs`` runs on ``arrays`` (one draw
        each, run in groups of bounded memory) under ``params`` are expected to take.

        :func:`detente.forecast.plan_models` refuses a run past the limits of
        :mod:`detente.limits` before it starts. Models whose work grows no
        faster than actors² x issues need not say (none by default).
        """
        return Footprint()

    def resolve(self, preset: str | None, overrides: Mapping[str, Any]) -> BaseModel:
        """The parameter values of ``preset`` (default: the model's), with ``overrides``.

        Raises :class:`ParameterError` naming the valid presets or parameters.
        """
        preset = preset or self.default_preset
        if preset not in self.presets:
            raise ParameterError(
                f"model {self.name!r} has no preset {preset!r}; "
                f"valid presets: {', '.join(self.presets)}"
            )
        fields = self.Params.model_fields
        unknown = [k for k in overrides if k not in fields]
        if unknown:
            valid = ", ".join(_describe_field(k, f) for k, f in fields.items()) or "none"
            raise ParameterError(
                f"model {self.name!r} has no parameter {', '.join(map(repr, unknown))}; "
                f"valid parameters: {valid}"
            )
        try:
            return self.Params(**{**self.presets[preset], **overrides})
        except ValidationError as exc:
            lines = []
            for err in exc.errors():
                name = ".".join(str(p) for p in err["loc"])
                spec = _describe_field(name, fields[name]) if name in fields else name
                lines.append(f"{err['msg']} (got {err['input']!r}); expected {spec}")
            raise ParameterError(
                f"bad parameter for model {self.name!r}: " + "; ".join(lines)
            ) from None


class WeightedRule(Model):
    """A model that is one formula over the positions weighted by capability x salience
    (of the actors at the table and involved, :attr:`ScenarioArrays.weight`): no
    parameters, draws side by side, quick enough to calibrate."""

    batched = True
    quick_to_calibrate = True

    @staticmethod
    @abstractmethod
    def rule(x: FloatArray, w: FloatArray) -> FloatArray:
        """Each issue's forecast from positions ``x`` and weights ``w`` (actors on axis -2)."""

    def run(self, arrays: ScenarioArrays, params: Any) -> Outcome:
        return Outcome(forecast=self.rule(arrays.positions, arrays.weight))


def _describe_field(name: str, info: Any) -> str:
    choices = get_args(info.annotation)
    if choices and all(isinstance(c, str | int | float | bool) for c in choices):
        return f"{name} (one of {'|'.join(map(str, choices))})"
    annotation = getattr(info.annotation, "__name__", str(info.annotation))
    return f"{name} ({annotation}, default {info.default!r})"


REGISTRY: dict[str, Model] = {}


def register(cls: type[Model]) -> type[Model]:
    """Class decorator: make a model available by its name.

    Refuses a model whose declared traits its parameters contradict: a
    dynamic model takes ``rounds``, a seeded one ``seed``, and only they do.
    """
    fields = cls.Params.model_fields
    for trait, param in (("dynamic", "rounds"), ("seeded", "seed")):
        if getattr(cls, trait) != (param in fields):
            raise TypeError(
                f"model {cls.name!r}: {trait} = {getattr(cls, trait)}, but its parameters "
                f"{'lack' if getattr(cls, trait) else 'have'} {param!r}"
            )
    REGISTRY[cls.name] = cls()
    ordered = sorted(REGISTRY.items(), key=lambda item: item[1].rank)
    REGISTRY.clear()
    REGISTRY.update(ordered)
    return cls


def get_model(name: str) -> Model:
    """The registered model called ``name``, in any case (``EU`` is ``eu``);
    ParameterError lists the valid names."""
    try:
        return REGISTRY[name.strip().lower()]
    except KeyError:
        raise ParameterError(
            f"unknown model {name!r}; valid models: {', '.join(REGISTRY)}, all"
        ) from None
