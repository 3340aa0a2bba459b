"""Hand-worked cases shared by the tests of several layers.

``one_veto``: one issue on [0, 10]; the seated A at 8 decides alone, so every model
forecasts 8. V, off the table at 0 with salience 1, holds a veto, and the talks failing
leave the issue at 3. V's margin at 8 is (|3 - 0| - |8 - 0|) / 10 + c = -0.5 + c:
without a cost of no deal V rejects, and the nearest package it accepts is the no-deal
point 3 itself, where V's condition binds; a cost of 0.6 buys its consent.
"""

from __future__ import annotations

from typing import Any


def one_veto(
    veto_name: str | None = None,
    *,
    table_name: str | None = None,
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The scenario tree of the one-veto case (a fresh dict), V named ``veto_name``."""
    issue: dict[str, Any] = {
        "id": "land",
        "name": "Land",
        "scale": [0, 10],
        "status_quo": 5,
        "no_deal": 3,
    }
    if labels is not None:
        issue["labels"] = labels
    table: dict[str, Any] = {"id": "A", "capability": 1}
    if table_name is not None:
        table["name"] = table_name
    table |= {"positions": {"land": 8}, "salience": {"land": 1}}
    veto: dict[str, Any] = {"id": "V"}
    if veto_name is not None:
        veto["name"] = veto_name
    veto |= {
        "capability": 1,
        "at_table": False,
        "positions": {"land": 0},
        "salience": {"land": 1},
        "veto": True,
    }
    return {"title": "t", "issues": [issue], "actors": [table, veto]}
