"""Every number of a result as rows of the long table ``run_values``.

One row per number (run, variant, model, quantity, round, issue, actor,
stat, value), so that per-round positions and per-draw summaries can be
queried with SQL and exported as CSV or Parquet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Columns of the long table of numbers (``run_values``), in export order.
VALUE_COLUMNS = ("run_id", "variant", "model", "quantity", "round", "issue", "actor", "stat")


Row = dict[str, Any]


def _number(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    return float(x)


def _add(rows: list[Row], variant: str, model: str, quantity: str, value: Any, **at: Any) -> None:
    """One number as a row (a value that is no number is left out; a null is kept)."""
    number = _number(value)
    if number is None and value is not None:
        return
    rows.append(
        {
            "variant": variant,
            "model": model,
            "quantity": quantity,
            "round": at.get("round"),
            "issue": at.get("issue"),
            "actor": at.get("actor"),
            "stat": at.get("stat"),
            "value": number,
        }
    )


def _models_rows(rows: list[Row], variant: str, models: Mapping[str, Any]) -> None:
    for model, res in models.items():
        for issue, v in res.get("forecasts", {}).items():
            _add(rows, variant, model, "forecast", v, issue=issue)
        for actor, v in res.get("gains", {}).items():
            _add(rows, variant, model, "gain", v, actor=actor)
        for t, step in enumerate(res.get("rounds") or []):
            for issue, positions in step.items():
                for actor, v in positions.items():
                    _add(rows, variant, model, "position", v, round=t, issue=issue, actor=actor)


def forecast_rows(result: Mapping[str, Any]) -> list[Row]:
    """``forecast``/``gain`` per issue/actor and ``position`` per round, issue and actor."""
    rows: list[Row] = []
    _models_rows(rows, "", result.get("models", {}))
    return rows


def simulate_rows(result: Mapping[str, Any]) -> list[Row]:
    """The forecast and gain summaries with ``stat`` (mean, p05 ... p95, point) and
    ``gain_chance``."""
    rows: list[Row] = []
    for model, res in result.get("models", {}).items():
        for issue, stats in res.get("issues", {}).items():
            for stat, v in stats.items():
                _add(rows, "", model, "forecast", v, issue=issue, stat=stat)
        for issue, v in res.get("point", {}).items():
            _add(rows, "", model, "forecast", v, issue=issue, stat="point")
        for actor, stats in res.get("gains", {}).items():
            for stat, v in stats.items():
                _add(rows, "", model, "gain", v, actor=actor, stat=stat)
        for actor, v in res.get("gain_chance", {}).items():
            _add(rows, "", model, "gain_chance", v, actor=actor)
    return rows


#: A sensitivity ranking's numbers and the quantities they are kept as.
_SENSITIVITY = (
    ("index", "index"),
    ("first_order", "first_order"),
    ("index_se", "index_se"),
    ("low", "tornado_low"),
    ("high", "tornado_high"),
)


def sensitivity_rows(result: Mapping[str, Any]) -> list[Row]:
    """``index``, ``first_order``, ``index_se``, ``tornado_low``/``tornado_high`` per
    issue, with the input in ``stat``."""
    rows: list[Row] = []
    for model, issues in result.get("models", {}).items():
        for issue, ranked in issues.items():
            for r in ranked:
                for key, quantity in _SENSITIVITY:
                    _add(rows, "", model, quantity, r.get(key), issue=issue, stat=r["input"])
    return rows


def compare_rows(result: Mapping[str, Any]) -> list[Row]:
    """The forecasts of the baseline and of each variant, and ``forecast_change``/
    ``gain_change`` per variant."""
    rows: list[Row] = []
    _models_rows(rows, "baseline", result.get("baseline", {}).get("models", {}))
    for name, variant in result.get("variants", {}).items():
        _models_rows(rows, name, variant.get("models", {}))
    for name, per_model in result.get("delta", {}).items():
        for model, delta in per_model.items():
            for issue, v in delta.get("forecasts", {}).items():
                _add(rows, name, model, "forecast_change", v, issue=issue)
            for actor, v in delta.get("gains", {}).items():
                _add(rows, name, model, "gain_change", v, actor=actor)
    return rows


def value_rows(kind: str, result: Mapping[str, Any]) -> list[Row]:
    """Every number of a result's JSON as rows of the long table (without ``run_id``);
    each kind's rows are its own function's (see :mod:`detente.kinds`)."""
    from detente.kinds import get_kind

    return get_kind(kind).value_rows(result)


def track_rows(result: Mapping[str, Any]) -> list[Row]:
    """Per snapshot (``variant`` its date) the headline ``forecast`` per issue and its
    ``interval_low``/``interval_high`` (``stat`` 50 or 90), and each score's ``error``
    (``stat`` its kind and the observation's date)."""
    rows: list[Row] = []
    for snap in result.get("snapshots", []):
        day, summary = snap["as_of"], snap.get("summary", {})
        for issue, v in summary.get("central", {}).items():
            _add(rows, day, "headline", "forecast", v, issue=issue)
        for level, bands in summary.get("interval", {}).items():
            for issue, pair in bands.items():
                _add(rows, day, "headline", "interval_low", pair[0], issue=issue, stat=level)
                _add(rows, day, "headline", "interval_high", pair[1], issue=issue, stat=level)
    for s in result.get("scores", []):
        stat = f"{s['kind']} {s['observed_on']}"
        _add(rows, s["as_of"], "headline", "error", s["error"], issue=s["issue"], stat=stat)
    return rows
