"""The run store: every forecast, simulation, sensitivity analysis and comparison, kept.

A run is saved whole, in one transaction: the scenario as given (its tree,
see :meth:`detente.scenario.Scenario.to_tree`, and the SHA-256 of that tree
in canonical JSON, so the same scenario read from YAML, CSV or xlsx hashes
the same), what was run (kind, model, preset, parameters, seed, options),
the detente version, when it started and finished, and the result exactly as
the command's ``--json`` prints it. Every number of the result is also
written as one row of a long table (:mod:`.rows`), and a simulate run keeps
every draw (:mod:`.draws`).

Where each part lives: :mod:`.schema` (where the store lives, its tables and
migrations), :mod:`.runs` (:class:`RunStore`: save, list, get, delete),
:mod:`.rows` (the long table), :mod:`.draws` (the per-draw arrays),
:mod:`.export` (JSON, CSV, Parquet).

Where the store lives (:func:`resolve_url`): the ``db`` argument (``--db``),
else the environment variable ``DETENTE_DB``, else ``runs.sqlite`` in the
user's data directory (platformdirs). Either a SQLAlchemy URL
(``sqlite:///path``, ``postgresql+psycopg://user@host/db``) or a plain file
path, which means SQLite.

>>> from detente import forecast
>>> store = RunStore("sqlite://")           # in memory
>>> run_id = store.save("forecast", forecast("examples/ukraine-2025.yaml", model="median"))
>>> round(store.get(run_id).result["models"]["median"]["forecasts"]["nato"], 1)
99.5
>>> [r.kind for r in store.runs()]
['forecast']
"""

from detente.store.draws import DRAW_COLUMNS, DRAWS_COMPRESSION, Draws, draw_arrays
from detente.store.export import EXPORT_FORMATS
from detente.store.rows import VALUE_COLUMNS, value_rows
from detente.store.runs import KINDS, Kind, Run, RunStore, RunSummary, save_run, scenario_hash
from detente.store.schema import (
    BUSY_TIMEOUT,
    ENV_VAR,
    MIGRATIONS,
    SCHEMA_VERSION,
    RunNotFoundError,
    StoreError,
    default_path,
    draws_table,
    metadata,
    resolve_url,
    runs_table,
    schema_table,
    values_table,
)

__all__ = [
    "BUSY_TIMEOUT",
    "DRAWS_COMPRESSION",
    "DRAW_COLUMNS",
    "ENV_VAR",
    "EXPORT_FORMATS",
    "KINDS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "VALUE_COLUMNS",
    "Draws",
    "Kind",
    "Run",
    "RunNotFoundError",
    "RunStore",
    "RunSummary",
    "StoreError",
    "default_path",
    "draw_arrays",
    "draws_table",
    "metadata",
    "resolve_url",
    "runs_table",
    "save_run",
    "scenario_hash",
    "schema_table",
    "value_rows",
    "values_table",
]
