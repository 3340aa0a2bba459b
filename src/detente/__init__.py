"""detente: forecast how multi-party negotiations end.

>>> import detente
>>> scenario = detente.load("examples/ukraine-2025.yaml")
>>> result = detente.forecast(scenario, model="median")
>>> sorted(result["median"].forecasts) == sorted(scenario.issue_ids)
True
"""

from detente.backtest import Backtest, backtest
from detente.compare import Comparison, compare
from detente.errors import DetenteError, ParameterError, Problem, ScenarioError
from detente.forecast import Forecast, ModelResult, forecast
from detente.io import load, save
from detente.models import REGISTRY as MODELS
from detente.scenario import Actor, Estimate, Issue, Scenario
from detente.sensitivity import Sensitivity, sensitivity
from detente.store import RunStore, save_run
from detente.track import Track, track
from detente.uncertainty import Simulation, simulate

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
