"""Models of collective decision making, behind one interface (:mod:`.base`).

Importing this package registers every model; :data:`REGISTRY` maps names to
models in the order ``detente forecast --model all`` runs them.
"""

from detente.models import compromise, ensemble, eu, exchange, headline, median, nbs, smp
from detente.models.base import REGISTRY, Model, Outcome, get_model, register

__all__ = [
    "REGISTRY",
    "Model",
    "Outcome",
    "compromise",
    "ensemble",
    "eu",
    "exchange",
    "get_model",
    "headline",
    "median",
    "nbs",
    "register",
    "smp",
]
