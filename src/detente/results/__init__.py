"""One typed result per kind of run, each with ``to_dict``/``from_dict``.

=============== ======================= ==================================
kind            result                  made by
=============== ======================= ==================================
``forecast``    :class:`Forecast`       :func:`detente.forecast`
``simulate``    :class:`Simulation`     :func:`detente.simulate`
``sensitivity`` :class:`Sensitivity`    :func:`detente.sensitivity`
``compare``     :class:`Comparison`     :func:`detente.compare`
``track``       :class:`Track`          :func:`detente.track`
=============== ======================= ==================================

``to_dict`` is exactly the command's ``--json``; ``from_dict`` reads it back
(with what the run store keeps beside it: :meth:`Result.detail`, a
simulation's draws), so a saved run and a fresh one are the same object and
every renderer reads only these. In a notebook each shows a short repr, an
HTML table, ``to_pandas()``, and ``"eu" in result`` says whether a model ran.
"""

from detente.results.base import Result, json_number
from detente.results.comparison import Comparison
from detente.results.draws import Draws
from detente.results.forecast import Forecast, ModelResult
from detente.results.sensitivity import ModelSensitivity, Ranked, Sensitivity
from detente.results.simulation import ModelSimulation, Simulation
from detente.results.track import Track

__all__ = [
    "Comparison",
    "Draws",
    "Forecast",
    "ModelResult",
    "ModelSensitivity",
    "ModelSimulation",
    "Ranked",
    "Result",
    "Sensitivity",
    "Simulation",
    "Track",
    "json_number",
]
