"""The one way detente writes a number for a reader: the terminal, the pages, the briefing.

>>> fmt(85.7142)
'85.7'
>>> fmt(-1.5604, 3, sign=True)
'-1.560'
>>> fmt(None), fmt(float("nan"))
('—', '—')
>>> fmt(-2.0, typographic=True)
'−2.0'
"""

from __future__ import annotations

import math

#: What stands for a number a model does not give.
NONE = "—"


def fmt(x: float | None, digits: int = 1, sign: bool = False, typographic: bool = False) -> str:
    """``x`` to ``digits`` decimals (with its sign if ``sign``; ``—`` for none or NaN);
    ``typographic`` writes the minus as U+2212, as the briefing prints it."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return NONE
    text = f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"
    return text.replace("-", "−") if typographic else text
