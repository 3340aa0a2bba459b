"""Reading and writing scenarios, one module per format.

:func:`load` and :func:`save` pick the format from the file's extension:
``.yaml``/``.yml`` (:mod:`.yaml`), ``.csv`` and ``.xlsx`` (:mod:`.table`);
Decide exchange-model input (:mod:`.decide`, read only) from ``.txt`` or
``.decide``, or from a ``.csv`` whose first row starts with ``#A``, ``#P``...;
KTAB's SMP scenarios (:mod:`.ktab`, read only) from ``.xml``, or from a
``.csv`` whose first line is ``name, description, numActors, numDims``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from detente.errors import Problem, ScenarioError
from detente.io import decide, ktab, table, yaml
from detente.scenario import Scenario

READERS = {".yaml": yaml.read, ".yml": yaml.read, ".csv": table.read_csv, ".xlsx": table.read_xlsx}
READERS |= {".txt": decide.read, ".decide": decide.read, ".xml": ktab.read_xml}
WRITERS = {
    ".yaml": yaml.write,
    ".yml": yaml.write,
    ".csv": table.write_csv,
    ".xlsx": table.write_xlsx,
}


def _suffix(path: Path, known: Mapping[str, object]) -> str:
    suffix = path.suffix.lower()
    if suffix not in known:
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    "",
                    f"unknown scenario format {suffix or '(no extension)'!r}",
                    f"use one of: {', '.join(known)}",
                )
            ]
        )
    return suffix


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file; ScenarioError lists every problem."""
    path = Path(path)
    reader = READERS[_suffix(path, READERS)]
    if path.is_dir():
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    "",
                    "a folder, not a scenario file",
                    "name a .yaml, .csv or .xlsx file",
                )
            ]
        )
    if not path.is_file():
        raise ScenarioError([Problem(str(path), "", "no such file", "check the path")])
    if reader is table.read_csv and decide.sniff(path):
        reader = decide.read
    if reader is table.read_csv and ktab.is_ktab_csv(path):
        reader = ktab.read_csv
    return reader(path)


def as_scenario(scenario: Scenario | str | Path) -> Scenario:
    """The scenario itself, or the one a path names (read and validated)."""
    return scenario if isinstance(scenario, Scenario) else load(scenario)


def save(scenario: Scenario, path: str | Path) -> list[Path]:
    """Write ``scenario`` in the format of ``path``'s extension; returns files written."""
    path = Path(path)
    writer = WRITERS[_suffix(path, WRITERS)]
    try:
        return writer(scenario, path)
    except OSError as exc:
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    "",
                    f"cannot write the file: {exc.strerror or exc}",
                    "name a file in a folder that exists and that you may write to",
                )
            ]
        ) from None
