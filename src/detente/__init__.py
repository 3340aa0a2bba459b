"""detente: forecast how multi-party negotiations end.

>>> import detente
>>> scenario = detente.load("examples/ukraine-2025.yaml")
>>> result = detente.forecast(scenario, model="median")
>>> sorted(result["median"].forecasts) == sorted(scenario.issue_ids)
True
"""

import sys
import types
from importlib import import_module
from typing import Any

from detente.errors import DetenteError, ParameterError, Problem, ScenarioError

#: Where each public name lives: imported on first use, so that ``import detente``
#: (and every command) pays only for what it uses (``detente.MODELS`` loads the
#: models, ``detente.RunStore`` SQLAlchemy, ``detente.backtest`` the DEU data).
_LAZY = {
    "MODELS": ("detente.models", "REGISTRY"),
    "Actor": ("detente.scenario", "Actor"),
    "Backtest": ("detente.backtest", "Backtest"),
    "Comparison": ("detente.results", "Comparison"),
    "Estimate": ("detente.scenario", "Estimate"),
    "Forecast": ("detente.results", "Forecast"),
    "Issue": ("detente.scenario", "Issue"),
    "ModelResult": ("detente.results", "ModelResult"),
    "RunStore": ("detente.store", "RunStore"),
    "Scenario": ("detente.scenario", "Scenario"),
    "Sensitivity": ("detente.results", "Sensitivity"),
    "Simulation": ("detente.results", "Simulation"),
    "Track": ("detente.results", "Track"),
    "backtest": ("detente.backtest", "backtest"),
    "compare": ("detente.compare", "compare"),
    "forecast": ("detente.forecast", "forecast"),
    "load": ("detente.io", "load"),
    "save": ("detente.io", "save"),
    "save_run": ("detente.store", "save_run"),
    "sensitivity": ("detente.sensitivity", "sensitivity"),
    "simulate": ("detente.uncertainty", "simulate"),
    "track": ("detente.track", "track"),
}


#: Functions named as the modules they live in: importing ``detente.forecast`` (the
#: module) would otherwise bind ``detente.forecast`` to the module, not the function.
_SHADOWED = frozenset({"backtest", "compare", "forecast", "sensitivity", "track"})


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'detente' has no attribute {name!r}")
    module, attr = _LAZY[name]
    value = getattr(import_module(module), attr)
    globals()[name] = value  # found directly next time
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__version__ = "0.1.0"

__all__ = [
    "MODELS",
    "Actor",
    "Backtest",
    "Comparison",
    "DetenteError",
    "Estimate",
    "Forecast",
    "Issue",
    "ModelResult",
    "ParameterError",
    "Problem",
    "RunStore",
    "Scenario",
    "ScenarioError",
    "Sensitivity",
    "Simulation",
    "Track",
    "__version__",
    "backtest",
    "compare",
    "forecast",
    "load",
    "save",
    "save_run",
    "sensitivity",
    "simulate",
    "track",
]
