"""Broken scenario files of every format, for the loader fuzz.

A file is made from a valid seed file of its format by a few mutations:
bytes inserted, deleted or replaced, tokens that mean something to some
reader (brackets, anchors, entities, separators, formulas, huge numbers,
NUL, a BOM, Chinese), a line repeated, the file cut short. Every choice goes
through ``choose(n)`` (an integer in ``[0, n)``), so that Hypothesis drives
it in the test suite (and shrinks what it finds) and a seeded NumPy
generator drives the long run in ``scripts/fuzz_loaders.py``.

What a loader must do with every such file: return a scenario, or raise
:class:`~detente.errors.ScenarioError` naming what is wrong. Anything else
(a traceback, a hang, a crash) is a failure.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable
from pathlib import Path

from detente import load
from detente.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
Choose = Callable[[int], int]

#: Pieces of text that some reader gives a meaning to.
TOKENS = [
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    ",",
    ";",
    "\t",
    "\n",
    "  ",
    "'",
    '"',
    "&a ",
    "*a",
    "&a [*a, *a, *a]",
    "!!python/object/apply:os.system ['true']",
    "? ",
    "---\n",
    "<",
    ">",
    "</Actor>",
    "<!DOCTYPE x [<!ENTITY e 'ee'>]>",
    "&e;",
    '<?xml version="1.0" encoding="bogus"?>',
    "=HYPERLINK(1)",
    "'=1+1",
    "@SUM(1)",
    "1e308",
    "-1e308",
    "1e-300",
    "nan",
    ".inf",
    "-0",
    "0",
    "-50",
    "99999999999999999999999",
    "\x00",
    "\ufeff",
    "\r",
    "中文",
    "#A;x;y",
    "#D;x;y;50;0.5;1",
    "#P;",
    "null",
    "~",
    "true",
    "yes",
    "[" * 60,
    "]" * 60,
]


def _mutate(data: bytearray, choose: Choose) -> None:
    """One mutation of ``data``, in place."""
    at = choose(len(data) + 1)
    kind = choose(7)
    if kind == 0:
        data[at:at] = bytes([choose(256)])
    elif kind == 1 and data:
        del data[at : at + 1 + choose(8)]
    elif kind == 2 and at < len(data):
        data[at] = choose(256)
    elif kind == 3:
        data[at:at] = TOKENS[choose(len(TOKENS))].encode("utf-8")
    elif kind == 4:
        del data[at:]
    else:
        lines = bytes(data).split(b"\n")
        k = choose(len(lines))
        if kind == 5:
            lines.insert(k, lines[k])
        else:
            del lines[k]
        data[:] = b"\n".join(lines)


def mutated(seed: bytes, choose: Choose, most: int = 6) -> bytes:
    """``seed`` after 1 to ``most`` mutations."""
    data = bytearray(seed)
    for _ in range(1 + choose(most)):
        _mutate(data, choose)
    return bytes(data)


def _xlsx(seed: Path, target: Path, choose: Choose) -> None:
    """A workbook with a few cells changed and perhaps a sheet renamed, or its bytes broken."""
    if choose(4) == 0:
        target.write_bytes(mutated(seed.read_bytes(), choose))
        return
    from openpyxl import load_workbook

    book = load_workbook(seed)
    for _ in range(1 + choose(4)):
        sheet = book.worksheets[choose(len(book.worksheets))]
        if choose(6) == 0:
            sheet.title = ["Actors", "ISSUES", "meta ", "x", "actor"][choose(5)]
            continue
        row, col = 1 + choose(sheet.max_row + 1), 1 + choose(sheet.max_column + 1)
        value: object = TOKENS[choose(len(TOKENS))].replace("\x00", "")
        if choose(3) == 0:
            value = [1e308, -1e308, 0.0, -50, float("nan"), None, True][choose(7)]
        sheet.cell(row, col).value = value  # type: ignore[assignment]
    book.save(target)


def _copy_csv_tables(seed: Path, folder: Path) -> list[Path]:
    stem = seed.name.removesuffix(".csv")
    return [
        shutil.copy(part, folder / part.name.replace(stem, "s", 1))
        for part in sorted(seed.parent.glob(f"{stem}*.csv"))
    ]


def write_broken(fmt: str, folder: Path, choose: Choose) -> Path:
    """A broken file of format ``fmt`` in ``folder``; returns the path to load."""
    seeds = SEEDS[fmt]()
    seed = seeds[choose(len(seeds))]
    if fmt == "xlsx":
        target = folder / "s.xlsx"
        _xlsx(seed, target, choose)
        return target
    if fmt == "csv":
        parts = _copy_csv_tables(seed, folder)
        victim = parts[choose(len(parts))]
        victim.write_bytes(mutated(victim.read_bytes(), choose))
        return folder / "s.csv"
    target = folder / f"s{seed.suffix}"
    target.write_bytes(mutated(seed.read_bytes(), choose))
    return target


def _tables(folder: Path) -> list[Path]:
    """The examples written as CSV tables and a workbook, once per folder."""
    from detente import save

    if not (folder / "ukraine-2025.csv").exists():
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("ukraine-2025", "ukraine-2025.zh", "emission-standards-1994"):
            scenario = load(ROOT / "examples" / f"{name}.yaml")
            stem = name.replace(".", "-")
            save(scenario, folder / f"{stem}.csv")
            save(scenario, folder / f"{stem}.xlsx")
    return sorted(folder.glob("*"))


#: Where the CSV and xlsx seeds are written (built on first use).
_table_folder: list[Path] = []


def set_table_folder(folder: Path) -> None:
    """Where the CSV and xlsx seeds are written (a temporary folder)."""
    _table_folder[:] = [folder]


def _seed_tables(suffix: str) -> list[Path]:
    return [p for p in _tables(_table_folder[0]) if p.suffix == suffix and p.name.count(".") == 1]


#: Format name -> its seed files.
SEEDS: dict[str, Callable[[], list[Path]]] = {
    "yaml": lambda: sorted((ROOT / "examples").glob("*.yaml")),
    "csv": lambda: _seed_tables(".csv"),
    "xlsx": lambda: _seed_tables(".xlsx"),
    "ktab-csv": lambda: sorted((DATA / "ktab").glob("*.csv")),
    "ktab-xml": lambda: sorted((DATA / "ktab").glob("*.xml")),
    "decide": lambda: sorted((DATA / "decide").glob("*.txt")),
}
FORMATS = tuple(SEEDS)


def loads_or_refuses(path: Path) -> bool:
    """Load ``path``: True if it is a scenario, False if refused with a ScenarioError.

    Any other exception propagates: that is what the fuzz looks for.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            load(path)
        except ScenarioError as exc:
            assert exc.problems, "a ScenarioError without a problem"
            assert all(p.message for p in exc.problems)
            return False
    return True
