"""Every draw of a simulate run, kept as one compressed array per model and quantity.

Ten thousand draws of five issues make 50,000 numbers per model and
quantity: as rows of the long table they would multiply its size and the
time a save takes; as one zlib-compressed ``.npy`` BLOB they add some 25 ms
per model.
"""

from __future__ import annotations

import io
import zlib
from typing import TYPE_CHECKING

import numpy as np

from detente.results.draws import DRAW_COLUMNS, Draws, draws_frame

if TYPE_CHECKING:
    from detente.arrays import FloatArray
    from detente.results import Result

#: zlib level of the per-draw arrays: level 1 compresses a model's 10,000 draws
#: in about 10 ms; higher levels take twice as long and save a few per cent
#: (random floats barely compress; discrete forecasts shrink ~50x at any level).
DRAWS_COMPRESSION = 1


def draw_arrays(kind: str, result: Result) -> list[Draws]:
    """Every draw ``result`` holds, to be kept beside its JSON (a simulation's; none
    for other kinds)."""
    return result.draw_arrays()


def pack(values: FloatArray) -> bytes:
    """A float64 array as zlib-compressed ``.npy`` bytes (dtype and shape travel with it)."""
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(values, dtype="<f8"), allow_pickle=False)
    return zlib.compress(buffer.getvalue(), DRAWS_COMPRESSION)


def unpack(data: bytes) -> FloatArray:
    array: FloatArray = np.load(io.BytesIO(zlib.decompress(data)), allow_pickle=False)
    return array


__all__ = [
    "DRAWS_COMPRESSION",
    "DRAW_COLUMNS",
    "Draws",
    "draw_arrays",
    "draws_frame",
    "pack",
    "unpack",
]
