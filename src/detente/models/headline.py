"""The headline: the one central forecast detente puts first, defined once.

detente shows many models; a reader needs one number per issue. The
headline is the **weighted mean** of the seated actors' positions (Achen's
compromise, :mod:`detente.models.compromise`), for three reasons measured
on DEU (docs/validation.md): it has the lowest mean absolute error of every
model under all six capability proxies (23.6 with equal capability); no
combination tried beats it (the cross-validated ensemble is 1.6 points
worse, and moving it towards the weighted median, the status quo, the
nearest end or the coders' grid changes its error by -0.1 to +0.1 points,
fitted leave-one-proposal-out, none resolvably); and it is the published
finding (Achen 2006; Leinaweaver & Thomson 2014). Its forecast interval and
predictive distribution come from :mod:`detente.intervals`.

``headline`` is a model name like any other (``--model headline``); it
gives exactly ``compromise``'s forecasts. Like the ensemble it is made from
another model, so ``--model all`` leaves it out and no ensemble counts it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from detente.arrays import ScenarioArrays
from detente.models.base import REGISTRY, Model, Outcome, register

#: The model whose forecast is the headline.
SOURCE = "compromise"


@register
class Headline(Model):
    """The central forecast (see the module docstring): the weighted mean."""

    name = "headline"
    title = "Headline: the weighted mean (compromise)"
    rank = 21
    batched = True
    combines_models = True
    quick_to_calibrate = True
    source: ClassVar[str] = SOURCE

    def run(self, arrays: ScenarioArrays, params: Any) -> Outcome:
        return REGISTRY[self.source].run(arrays, params)
