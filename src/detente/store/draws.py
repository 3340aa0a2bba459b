"""Every draw of a simulate run, kept as one compressed array per model and quantity.

Ten thousand draws of five issues make 50,000 numbers per model and
quantity: as rows of the long table they would multiply its size and the
time a save takes; as one zlib-compressed ``.npy`` BLOB they add some 25 ms
per model.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from detente.arrays import FloatArray

#: Columns of the per-draw table (:meth:`RunStore.draws_table`), in export order.
DRAW_COLUMNS = ("run_id", "model", "quantity", "draw", "issue", "actor", "value")
#: zlib level of the per-draw arrays: level 1 compresses a model's 10,000 draws
#: in about 10 ms; higher levels take twice as long and save a few per cent
#: (random floats barely compress; discrete forecasts shrink ~50x at any level).
DRAWS_COMPRESSION = 1


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


def draw_arrays(kind: str, result: Any) -> list[Draws]:
    """Every draw a result object holds: per model of a simulate run
    (:class:`detente.uncertainty.ModelSimulation`), its forecasts per issue and
    gains per actor. A JSON dict holds summaries only, so it gives none."""
    if kind != "simulate" or isinstance(result, Mapping):
        return []
    out: list[Draws] = []
    for name, model in getattr(result, "models", {}).items():
        for quantity, attr, ids in (
            ("forecast", "forecasts", "issue_ids"),
            ("gain", "gains", "actor_ids"),
        ):
            values, columns = getattr(model, attr, None), getattr(model, ids, None)
            if values is None or columns is None:
                continue
            array = np.asarray(values, dtype=np.float64)
            if array.ndim == 2 and array.shape[1] == len(columns):
                out.append(Draws(name, quantity, tuple(columns), array))
    return out


def pack(values: FloatArray) -> bytes:
    """A float64 array as zlib-compressed ``.npy`` bytes (dtype and shape travel with it)."""
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(values, dtype="<f8"), allow_pickle=False)
    return zlib.compress(buffer.getvalue(), DRAWS_COMPRESSION)


def unpack(data: bytes) -> FloatArray:
    array: FloatArray = np.load(io.BytesIO(zlib.decompress(data)), allow_pickle=False)
    return array


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
