"""Writing a saved run out: all of it as JSON, or its numbers (or draws) as CSV or Parquet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from detente.store.draws import draws_frame
from detente.store.rows import VALUE_COLUMNS
from detente.store.schema import StoreError, values_table

if TYPE_CHECKING:
    import pandas as pd

    from detente.store.runs import RunStore

EXPORT_FORMATS: tuple[str, ...] = ("csv", "parquet", "json")


def _guarded(table: pd.DataFrame) -> pd.DataFrame:
    """The table with its text cells kept from spreadsheet formulas (ids, names and
    labels come from the scenario), numbers as they are (:mod:`detente.io.cells`)."""
    from detente.io.cells import protect

    text = table.select_dtypes(include=["object", "string"]).columns
    return table.assign(
        **{c: table[c].map(lambda v: protect(v) if isinstance(v, str) else v) for c in text}
    )


def values_frame(engine: Engine, run_id: int) -> pd.DataFrame:
    """The long table of run ``run_id``'s numbers, in the order they were saved."""
    import pandas as pd

    query = (
        sa.select(*(values_table.c[c] for c in (*VALUE_COLUMNS, "value")))
        .where(values_table.c.run_id == run_id)
        .order_by(values_table.c.seq)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    table = pd.DataFrame(rows, columns=[*VALUE_COLUMNS, "value"])
    return table.astype({"run_id": "int64", "round": "Int64", "value": "float64"})


def export_run(
    store: RunStore, run_id: int, fmt: str | None, path: str | Path, *, draws: bool = False
) -> Path:
    """Write run ``run_id`` of ``store`` to ``path`` (see :meth:`RunStore.export`)."""
    from detente.io import file_format

    path = Path(path)
    if fmt is not None and fmt not in EXPORT_FORMATS:
        raise StoreError(f"unknown format {fmt!r}; valid formats: {', '.join(EXPORT_FORMATS)}")
    fmt = file_format(path, EXPORT_FORMATS, fmt)
    kept = store.draws(run_id) if draws else []
    if draws and not kept:
        raise StoreError(store.why_no_draws(run_id))
    if fmt == "json":
        whole = store.get(run_id).to_dict()
        if draws:
            whole["draws"] = [d.to_dict() for d in kept]
        text = json.dumps(whole, indent=2, ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")
        return path
    table = draws_frame(run_id, kept) if draws else store.values(run_id)
    if fmt == "csv":
        _guarded(table).to_csv(path, index=False)
        return path
    try:
        table.to_parquet(path, index=False)
    except ImportError:
        raise StoreError("Parquet export needs pyarrow: pip install 'detente[parquet]'") from None
    return path
