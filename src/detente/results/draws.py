"""Every draw of a simulation, per model and quantity, as one array.

A :class:`Draws` is what a :class:`~detente.results.simulation.Simulation`
keeps beyond its summaries, and what the run store packs into one
compressed BLOB per model and quantity (:mod:`detente.store.draws`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from detente.arrays import FloatArray

#: Columns of the per-draw table (:meth:`RunStore.draws_table`), in export order.
DRAW_COLUMNS = ("run_id", "model", "quantity", "draw", "issue", "actor", "value")


@dataclass(frozen=True, eq=False)
class Draws:
    """One model's numbers in every draw of a simulate run.

    ``values[d, j]`` is draw ``d``'s ``quantity`` for ``columns[j]``: with
    ``quantity == "forecast"`` the forecast of issue ``columns[j]`` in the
    scenario's units, with ``"gain"`` the gain of actor ``columns[j]``
    against the status quo. NaN where the model gave no forecast.
    """

    model: str
    quantity: str
    columns: tuple[str, ...]
    values: FloatArray

    def to_dict(self) -> dict[str, Any]:
        """As JSON: ``values`` a list of draws, each a list in ``columns`` order (NaN: null)."""
        cells = self.values.astype(object)
        cells[np.isnan(self.values)] = None
        return {
            "model": self.model,
            "quantity": self.quantity,
            "columns": list(self.columns),
            "values": cells.tolist(),
        }


def draws_frame(run_id: int, kept: Sequence[Draws]) -> pd.DataFrame:
    """``kept`` draws as the long table :meth:`RunStore.draws_table` gives."""
    import pandas as pd

    frames = []
    for d in kept:
        n, k = d.values.shape
        names = np.tile(np.asarray(d.columns, dtype=object), n)
        per_issue = d.quantity == "forecast"
        frames.append(
            pd.DataFrame(
                {
                    "run_id": np.full(n * k, run_id, dtype=np.int64),
                    "model": d.model,
                    "quantity": d.quantity,
                    "draw": np.repeat(np.arange(n, dtype=np.int64), k),
                    "issue": names if per_issue else None,
                    "actor": None if per_issue else names,
                    "value": d.values.ravel(),
                }
            )
        )
    if not frames:
        return pd.DataFrame({c: [] for c in DRAW_COLUMNS}).astype(
            {"run_id": "int64", "draw": "int64", "value": "float64"}
        )
    return pd.concat(frames, ignore_index=True)[list(DRAW_COLUMNS)]
