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


def _number(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    return float(x)


def value_rows(kind: str, result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every number of a result as rows of the long table (without ``run_id``).

    forecast: ``forecast``/``gain`` per issue/actor and ``position`` per
    round, issue and actor; simulate: the same quantities with ``stat``
    (mean, p05 ... p95, point) and ``gain_chance``; sensitivity: ``index``,
    ``first_order``, ``index_se``, ``tornado_low``/``tornado_high`` per issue
    with the input in ``stat``; compare: the forecasts of the baseline and of
    each variant, and ``forecast_change``/``gain_change`` per variant;
    track: per snapshot (``variant`` its date) the headline ``forecast`` per
    issue and its ``interval_low``/``interval_high`` (``stat`` 50 or 90), and
    each score's ``error`` (``stat`` its kind and the observation's date).
    """
    rows: list[dict[str, Any]] = []

    def add(variant: str, model: str, quantity: str, value: Any, **where: Any) -> None:
        number = _number(value)
        if number is None and value is not None:
            return
        rows.append(
            {
                "variant": variant,
                "model": model,
                "quantity": quantity,
                "round": where.get("round"),
                "issue": where.get("issue"),
                "actor": where.get("actor"),
                "stat": where.get("stat"),
                "value": number,
            }
        )

    def forecast_rows(variant: str, models: Mapping[str, Any]) -> None:
        for model, res in models.items():
            for issue, v in res.get("forecasts", {}).items():
                add(variant, model, "forecast", v, issue=issue)
            for actor, v in res.get("gains", {}).items():
                add(variant, model, "gain", v, actor=actor)
            for t, step in enumerate(res.get("rounds") or []):
                for issue, positions in step.items():
                    for actor, v in positions.items():
                        add(variant, model, "position", v, round=t, issue=issue, actor=actor)

    if kind == "forecast":
        forecast_rows("", result.get("models", {}))
    elif kind == "simulate":
        for model, res in result.get("models", {}).items():
            for issue, stats in res.get("issues", {}).items():
                for stat, v in stats.items():
                    add("", model, "forecast", v, issue=issue, stat=stat)
            for issue, v in res.get("point", {}).items():
                add("", model, "forecast", v, issue=issue, stat="point")
            for actor, stats in res.get("gains", {}).items():
                for stat, v in stats.items():
                    add("", model, "gain", v, actor=actor, stat=stat)
            for actor, v in res.get("gain_chance", {}).items():
                add("", model, "gain_chance", v, actor=actor)
    elif kind == "sensitivity":
        for model, issues in result.get("models", {}).items():
            for issue, ranked in issues.items():
                for r in ranked:
                    for key, quantity in (
                        ("index", "index"),
                        ("first_order", "first_order"),
                        ("index_se", "index_se"),
                        ("low", "tornado_low"),
                        ("high", "tornado_high"),
                    ):
                        add("", model, quantity, r.get(key), issue=issue, stat=r["input"])
    elif kind == "compare":
        forecast_rows("baseline", result.get("baseline", {}).get("models", {}))
        for name, variant in result.get("variants", {}).items():
            forecast_rows(name, variant.get("models", {}))
        for name, per_model in result.get("delta", {}).items():
            for model, delta in per_model.items():
                for issue, v in delta.get("forecasts", {}).items():
                    add(name, model, "forecast_change", v, issue=issue)
                for actor, v in delta.get("gains", {}).items():
                    add(name, model, "gain_change", v, actor=actor)
    elif kind == "track":
        _track_rows(result, add)
    return rows


def _track_rows(result: Mapping[str, Any], add: Any) -> None:
    for snap in result.get("snapshots", []):
        day, summary = snap["as_of"], snap.get("summary", {})
        for issue, v in summary.get("central", {}).items():
            add(day, "headline", "forecast", v, issue=issue)
        for level, bands in summary.get("interval", {}).items():
            for issue, pair in bands.items():
                add(day, "headline", "interval_low", pair[0], issue=issue, stat=level)
                add(day, "headline", "interval_high", pair[1], issue=issue, stat=level)
    for s in result.get("scores", []):
        stat = f"{s['kind']} {s['observed_on']}"
        add(s["as_of"], "headline", "error", s["error"], issue=s["issue"], stat=stat)
