"""Reading and writing scenarios, one module per format.

:func:`load` and :func:`save` pick the format from the file's extension:
``.yaml``/``.yml`` (:mod:`.yaml`), ``.csv`` and ``.xlsx`` (:mod:`.table`);
Decide exchange-model input (:mod:`.decide`, read only) from ``.txt`` or
``.decide``, or from a ``.csv`` whose first row starts with ``#A``, ``#P``...;
KTAB's SMP scenarios (:mod:`.ktab`, read only) from ``.xml``, or from a
``.csv`` whose first line is ``name, description, numActors, numDims``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from detente.errors import ParameterError, Problem, ScenarioError
from detente.io import decide, ktab, ktab_xml, table, table_write, yaml
from detente.limits import check_file
from detente.scenario import Scenario

READERS = {".yaml": yaml.read, ".yml": yaml.read, ".csv": table.read_csv, ".xlsx": table.read_xlsx}
READERS |= {".txt": decide.read, ".decide": decide.read, ".xml": ktab_xml.read_xml}
WRITERS = {
    ".yaml": yaml.write,
    ".yml": yaml.write,
    ".csv": table_write.write_csv,
    ".xlsx": table_write.write_xlsx,
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


def file_format(path: Path, formats: Sequence[str], given: str | None = None) -> str:
    """The format a file is written in, named by its extension (``run.csv``: ``csv``).

    The one rule of every export: the extension decides. ``given`` (an explicit
    ``--format``) must agree with it; a file with no known extension is refused.

    >>> file_format(Path("run9.CSV"), ("csv", "json"))
    'csv'
    """
    ext = path.suffix.lower().lstrip(".")
    choice = None if given is None else given.lower()
    if choice is not None and choice not in formats:
        raise ParameterError(f"unknown format {given!r}; valid formats: {', '.join(formats)}")
    if ext not in formats:
        raise ParameterError(
            f"{path}: cannot tell the format from {path.suffix or '(no extension)'!r}; "
            f"name a file ending in {', '.join('.' + f for f in formats)}"
        )
    if choice is not None and choice != ext:
        raise ParameterError(
            f"{path}: --format {choice} disagrees with the file's extension .{ext}; "
            f"drop --format, or name the file .{choice}"
        )
    return ext


def load(path: str | Path, *, force: bool = False) -> Scenario:
    """Read and validate a scenario file; ScenarioError lists every problem.

    A file over :data:`detente.limits.MAX_FILE_MB` is refused before it is
    read, unless ``force``.
    """
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
    check_file(path, force)
    if reader is table.read_csv and decide.sniff(path):
        reader = decide.read
    if reader is table.read_csv and ktab.is_ktab_csv(path):
        reader = ktab.read_csv
    return reader(path)


def as_scenario(scenario: Scenario | str | Path, *, force: bool = False) -> Scenario:
    """The scenario itself, or the one a path names (read and validated)."""
    return scenario if isinstance(scenario, Scenario) else load(scenario, force=force)


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
