"""The wide table format, for spreadsheet users: CSV files or one .xlsx workbook.

Three tables hold one scenario:

``actors`` (``X.csv``, or sheet ``actors``): one row per actor, columns
    ``id, name, capability, at_table, notes`` and, per issue,
    ``<issue>.position`` and ``<issue>.salience``. A range is written in
    extra columns ``<field>.low``, ``<field>.high`` and ``<field>.dist``
    (e.g. ``territory.position.low``, ``capability.high``). An empty position
    and salience mean the actor is not involved.
``issues`` (``X.issues.csv``, or sheet ``issues``): ``id, name, scale_low,
    scale_high, label_low, label_high, status_quo``.

Vetoes, costs of no deal, ties and no-deal points have columns of their own
when a scenario uses them (:mod:`detente.io.table_beyond`).
``meta`` (``X.meta.csv``, or sheet ``meta``): rows ``key, value`` with keys
    ``title``, ``source``, ``as_of`` (``YYYY-MM-DD``) and one
    ``revisions.KEY`` per revision note (``revisions.US.positions.territory``).
``variants`` (``X.variants.csv``, or sheet ``variants``; only when the
    scenario has what-ifs): columns ``variant, description, round, change``.
    Each row is one change of a variant, written as a YAML mapping
    (``{actor: RU, capability: '*0.8'}``); a row with a ``round`` is a shock,
    one with an empty ``variant`` a shock of the scenario itself. A
    variant's ``description`` stands on its first row; a variant with no
    change at all is one row with an empty ``change``.

Cells are read as text and converted here, so every bad cell is reported
with its file, row and column. CSV text cells are written with an apostrophe
before a leading ``=``, ``+``, ``-``, ``@`` (so no spreadsheet runs them as
formulas) and read back without it (:mod:`detente.io.cells`); a table
separated by semicolons or tabs, as spreadsheets write in some locales, is
read with a warning that says so.
"""

from __future__ import annotations

import csv
import math
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from detente.errors import Problem, ScenarioError
from detente.io import table_beyond as beyond
from detente.io import yaml as yaml_text
from detente.io.cells import SEPARATORS, separator, unprotect
from detente.scenario import Scenario

ACTOR_COLUMNS = ("id", "name", "capability", "at_table", "notes")
# Where a cell's problem is reported: "row 3, column 'territory.salience'".
_CELL = re.compile(r"row (?P<row>\d+), column '(?P<column>[^']+)'")
# Columns of free text, kept exactly as written (the meta sheet's "value" is the
# title or the source).
FREE_TEXT = frozenset({"name", "notes", "label_low", "label_high", "description", "value"})
ISSUE_COLUMNS = ("id", "name", "scale_low", "scale_high", "label_low", "label_high", "status_quo")
VARIANT_COLUMNS = ("variant", "description", "round", "change")
RANGE_PARTS = ("low", "high", "dist")
TRUE = {"true", "yes", "1", "y"}
FALSE = {"false", "no", "0", "n"}

Rows = list[list[str]]


def sibling(path: Path, part: str) -> Path:
    """``X.csv`` -> ``X.issues.csv`` / ``X.meta.csv``."""
    return path.with_name(f"{path.stem}.{part}{path.suffix}")


# --- reading -----------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


class TableWarning(UserWarning):
    """A table read in a form detente does not write (another separator)."""


def _read_csv_rows(path: Path) -> Rows:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header = next((line for line in fh if line.strip()), "")
            sep = separator(header)
            if sep != ",":
                warnings.warn(
                    f"{path}: columns separated by {SEPARATORS[sep]}s, read as such "
                    "(detente writes commas)",
                    TableWarning,
                    stacklevel=2,
                )
            fh.seek(0)
            return [[unprotect(c) for c in row] for row in csv.reader(fh, delimiter=sep)]
    except UnicodeDecodeError:
        raise ScenarioError(
            [Problem(str(path), "", "not UTF-8 text", "save the CSV as UTF-8")]
        ) from None
    except csv.Error as exc:
        raise ScenarioError(
            [Problem(str(path), "", f"malformed CSV: {exc}", "check quotes and separators")]
        ) from None


class _TableReader:
    """Turns the three tables into a scenario tree, collecting every problem."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, file: str, where: str, message: str, fix: str = "") -> None:
        self.problems.append(Problem(file, where, message, fix))

    def header(self, rows: Rows, file: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
        rows = [r for r in rows if any(c.strip() for c in r)]
        if not rows:
            self.problem(file, "", "the table is empty", "add a header row and data rows")
            return [], []
        head = [h.strip() for h in rows[0]]
        while head and head[-1] == "":
            head = head[:-1]
        for name in sorted({h for h in head if head.count(h) > 1}):
            self.problem(
                file,
                f"column {name!r}",
                "column appears more than once",
                "keep one column of that name",
            )
        records = []
        for number, row in enumerate(rows[1:], start=2):
            if len(row) > len(head) and any(row[len(head) :]):
                self.problem(
                    file,
                    f"row {number}",
                    "more cells than header columns",
                    "remove the extra cells or add a header",
                )
            cells = {h: (row[i] if i < len(row) else "") for i, h in enumerate(head)}
            # Free text keeps its spaces (a round trip loses nothing); ids, numbers and
            # flags are read without them.
            records.append(
                (number, {h: c if h in FREE_TEXT else c.strip() for h, c in cells.items()})
            )
        return head, records

    def number(self, file: str, where: str, text: str) -> float | None:
        if text == "":
            return None
        try:
            return float(text)
        except ValueError:
            decimal_comma = re.fullmatch(r"[+-]?\d*,\d+", text) is not None
            fix = "write a decimal point, e.g. 0.5" if decimal_comma else "write a number, e.g. 50"
            self.problem(file, where, f"{text!r} is not a number", fix)
            return None

    def estimate(self, file: str, row: int, rec: dict[str, str], column: str) -> Any:
        where = f"row {row}, column {column!r}"
        value = self.number(file, where, rec.get(column, ""))
        extra = {p: rec.get(f"{column}.{p}", "") for p in RANGE_PARTS}
        if not any(extra.values()):
            return value
        if value is None:
            self.problem(
                file,
                where,
                "a range is given but no value",
                f"fill {column!r} as well as its .low/.high",
            )
            return None
        out: dict[str, Any] = {"value": value}
        for part in ("low", "high"):
            if extra[part]:
                out[part] = self.number(file, f"row {row}, column '{column}.{part}'", extra[part])
        if extra["dist"]:
            out["dist"] = extra["dist"]
        return out

    def meta(self, rows: Rows, file: str) -> dict[str, Any]:
        head, records = self.header(rows, file)
        if head and head[:2] != ["key", "value"]:
            self.problem(
                file, "header", "expected the columns key, value", "write a header row: key,value"
            )
            return {}
        out: dict[str, Any] = {}
        for number, rec in records:
            key = rec.get("key", "")
            if key.startswith("revisions.") and len(key) > len("revisions."):
                out.setdefault("revisions", {})[key.removeprefix("revisions.")] = rec.get(
                    "value", ""
                )
                continue
            if key not in ("title", "source", "as_of"):
                self.problem(
                    file,
                    f"row {number}",
                    f"unknown key {key!r}",
                    "use title, source, as_of or revisions.KEY",
                )
                continue
            out[key] = rec.get("value", "")
        return out

    def issues(self, rows: Rows, file: str) -> list[dict[str, Any]]:
        head, records = self.header(rows, file)
        for col in sorted(
            set(head) - set(ISSUE_COLUMNS) - beyond.known_columns(beyond.ISSUE_EXTRA)
        ):
            self.problem(
                file, f"column {col!r}", "unknown column", f"use: {', '.join(ISSUE_COLUMNS)}"
            )
        if head and "id" not in head:
            self.problem(file, "header", "no id column", "add a column named id")
        out = []
        for number, rec in records:
            item: dict[str, Any] = {"id": rec.get("id", "")}
            if rec.get("name"):
                item["name"] = rec["name"]
            lo = self.number(file, f"row {number}, column 'scale_low'", rec.get("scale_low", ""))
            hi = self.number(file, f"row {number}, column 'scale_high'", rec.get("scale_high", ""))
            if (lo is None) != (hi is None):
                self.problem(
                    file,
                    f"row {number}",
                    "scale needs both scale_low and scale_high",
                    "fill both, or leave both empty for 0-100",
                )
            elif lo is not None:
                item["scale"] = [lo, hi]
            ll, lh = rec.get("label_low", ""), rec.get("label_high", "")
            if bool(ll) != bool(lh):
                self.problem(
                    file,
                    f"row {number}",
                    "labels need both label_low and label_high",
                    "fill both, or leave both empty",
                )
            elif ll:
                item["labels"] = {"low": ll, "high": lh}
            sq = self.number(file, f"row {number}, column 'status_quo'", rec.get("status_quo", ""))
            if sq is not None:
                item["status_quo"] = sq
            beyond.read_issue(self, file, number, rec, item)
            out.append(item)
        return out

    def actors(
        self, rows: Rows, file: str, issue_ids: Sequence[str]
    ) -> tuple[list[dict[str, Any]], list[int]]:
        head, records = self.header(rows, file)
        known = set(ACTOR_COLUMNS) | {f"capability.{p}" for p in RANGE_PARTS}
        known |= beyond.known_columns(beyond.ACTOR_EXTRA)
        for issue in issue_ids:
            for field in ("position", "salience"):
                col = f"{issue}.{field}"
                known |= {col} | {f"{col}.{p}" for p in RANGE_PARTS}
                if head and col not in head:
                    self.problem(
                        file,
                        f"column {col!r}",
                        "missing column for an issue",
                        f"add a column {col} (empty cells = not involved)",
                    )
        for col in [h for h in head if h not in known]:
            self.problem(
                file,
                f"column {col!r}",
                "unknown column",
                "columns are id, name, capability, at_table, notes, veto, no_deal_cost, "
                "influence and <issue>.position / <issue>.salience for the issues in the "
                "issues table",
            )
        if head and "id" not in head:
            self.problem(file, "header", "no id column", "add a column named id")
        out, row_numbers = [], []
        for number, rec in records:
            item: dict[str, Any] = {"id": rec.get("id", "")}
            if rec.get("name"):
                item["name"] = rec["name"]
            cap = self.estimate(file, number, rec, "capability")
            if cap is not None:
                item["capability"] = cap
            flag = rec.get("at_table", "").lower()
            if flag in TRUE:
                item["at_table"] = True
            elif flag in FALSE:
                item["at_table"] = False
            elif flag:
                self.problem(
                    file,
                    f"row {number}, column 'at_table'",
                    f"{rec['at_table']!r} is not true or false",
                    "write true or false (empty = true)",
                )
            if rec.get("notes"):
                item["notes"] = rec["notes"]
            beyond.read_actor(self, file, number, rec, item)
            item["positions"] = {}
            item["salience"] = {}
            for issue in issue_ids:
                for field, key in (("position", "positions"), ("salience", "salience")):
                    col = f"{issue}.{field}"
                    if col in rec:
                        item[key][issue] = self.estimate(file, number, rec, col)
            out.append(item)
            row_numbers.append(number)
        return out, row_numbers

    def variants(self, rows: Rows, file: str, tree: dict[str, Any]) -> None:
        """Read the what-ifs table into ``tree["variants"]`` and ``tree["shocks"]``."""
        head, records = self.header(rows, file)
        for col in sorted(set(head) - set(VARIANT_COLUMNS)):
            self.problem(
                file, f"column {col!r}", "unknown column", f"use: {', '.join(VARIANT_COLUMNS)}"
            )
        variants: dict[str, dict[str, Any]] = {}
        shocks: list[Any] = []
        for number, rec in records:
            name, cell = rec.get("variant", ""), rec.get("change", "")
            change: Any = None
            if cell:
                try:
                    change = yaml_text.loads(cell)
                except yaml.YAMLError:
                    change = cell
                if not isinstance(change, dict):
                    self.problem(
                        file,
                        f"row {number}, column 'change'",
                        f"{cell!r} is not a change",
                        "write a YAML mapping, e.g. {actor: RU, capability: '*0.8'}",
                    )
                    continue
            round_ = rec.get("round", "")
            if round_:
                try:
                    change = {"round": int(round_), **(change or {})}
                except ValueError:
                    self.problem(
                        file,
                        f"row {number}, column 'round'",
                        f"{round_!r} is not a round number",
                        "write a whole number, e.g. 3",
                    )
                    continue
            if not name:
                if change is None or not round_:
                    self.problem(
                        file,
                        f"row {number}",
                        "a row without a variant must be a shock (round and change)",
                        "name the variant, or give round and change",
                    )
                else:
                    shocks.append(change)
                continue
            entry = variants.setdefault(name, {"changes": []})
            if rec.get("description") and "description" not in entry:
                entry["description"] = rec["description"]
            if change is not None and round_:
                entry.setdefault("shocks", []).append(change)
            elif change is not None:
                entry["changes"].append(change)
        if variants:
            tree["variants"] = variants
        if shocks:
            tree["shocks"] = shocks

    def scenario(
        self,
        actors: Rows,
        issues: Rows,
        meta: Rows,
        files: tuple[str, str, str],
        variants: tuple[Rows, str] | None = None,
    ) -> Scenario:
        tree: dict[str, Any] = self.meta(meta, files[2])
        tree["issues"] = self.issues(issues, files[1])
        ids = [i["id"] for i in tree["issues"]]
        tree["actors"], rows = self.actors(actors, files[0], ids)
        if variants is not None:
            self.variants(variants[0], variants[1], tree)

        def where(index: int, actor_id: str) -> str:
            return f"row {rows[index]} (actor {actor_id!r})" if index < len(rows) else ""

        try:
            scenario = Scenario.from_tree(tree, file=files[0], actor_where=where)
        except ScenarioError as exc:
            # Problems about issues or the title live in the sibling tables.
            fixed = [
                Problem(variants[1], p.where, p.message, p.fix)
                if variants is not None and p.where.startswith(("variant", "shocks"))
                else Problem(files[1], p.where, p.message, p.fix)
                if p.where.startswith("issue")
                else Problem(files[2], p.where, p.message, p.fix)
                if p.where in ("title", "source", "as_of") or p.where.startswith("revisions")
                else p
                for p in exc.problems
            ]
            # The cells that could not be read are reported already, once.
            raise ScenarioError(
                self.problems + [p for p in fixed if not self._follows_from_a_cell(p)]
            ) from None
        if self.problems:
            raise ScenarioError(self.problems)
        return scenario

    def _follows_from_a_cell(self, problem: Problem) -> bool:
        """Whether ``problem`` only repeats a cell already refused (it was read as empty)."""
        if self.problems and "no actor at the table has a positive weight" in problem.message:
            return True
        for earlier in self.problems:
            cell = _CELL.fullmatch(earlier.where)
            if cell is None or not problem.where.startswith(f"row {cell['row']} ("):
                continue
            column = cell["column"]
            issue, _, field = column.partition(".")
            kind = "positions" if field.startswith("position") else "salience"
            places = [issue] if issue == "capability" or not field else [f"{kind}.{issue}", issue]
            if any(problem.where.endswith(f"› {place}") for place in places):
                return True
        return False


def read_csv(path: Path, issues_path: Path | None = None) -> Scenario:
    """Read ``X.csv`` with its siblings ``X.issues.csv`` and ``X.meta.csv``."""
    issues_path = issues_path or sibling(path, "issues")
    meta_path = sibling(path, "meta")
    missing = [(p, t) for p, t in ((issues_path, "issues"), (meta_path, "meta")) if not p.is_file()]
    if missing:
        raise ScenarioError(
            [
                Problem(
                    str(p),
                    "",
                    f"missing: a CSV scenario needs its {table} table beside it",
                    f"create {p.name} (see `detente convert` on an example)",
                )
                for p, table in missing
            ]
        )
    variants_path = sibling(path, "variants")
    return _TableReader().scenario(
        _read_csv_rows(path),
        _read_csv_rows(issues_path),
        _read_csv_rows(meta_path),
        (str(path), str(issues_path), str(meta_path)),
        (_read_csv_rows(variants_path), str(variants_path)) if variants_path.is_file() else None,
    )


def read_xlsx(path: Path) -> Scenario:
    """Read a workbook with sheets ``actors``, ``issues`` and ``meta``."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    "",
                    f"cannot read the workbook: {exc}",
                    "save it again as .xlsx from your spreadsheet",
                )
            ]
        ) from None
    # Spreadsheets tell sheet names apart regardless of case (and cannot hold both
    # "actors" and "Actors"), so neither does detente.
    sheets = {name.strip().lower(): name for name in book.sheetnames}
    missing = [s for s in ("actors", "issues", "meta") if s not in sheets]
    if missing:
        book.close()
        raise ScenarioError(
            [
                Problem(str(path), f"sheet {s!r}", "missing sheet", _sheet_fix(s, book.sheetnames))
                for s in missing
            ]
        )

    def rows(sheet: str) -> Rows:
        cells = book[sheets[sheet]].iter_rows(values_only=True)
        return [[_cell(c) for c in row] for row in cells]

    try:
        return _TableReader().scenario(
            rows("actors"),
            rows("issues"),
            rows("meta"),
            (f"{path} [actors]", f"{path} [issues]", f"{path} [meta]"),
            (rows("variants"), f"{path} [variants]") if "variants" in sheets else None,
        )
    finally:
        book.close()


def _sheet_fix(wanted: str, names: Sequence[str]) -> str:
    """How to mend a missing sheet: rename the one that is nearly it, or add it."""
    import difflib

    near = difflib.get_close_matches(wanted, [n.strip().lower() for n in names], n=1, cutoff=0.6)
    if near:
        found = next(n for n in names if n.strip().lower() == near[0])
        return f"rename the sheet {found!r} to {wanted!r}"
    have = ", ".join(map(repr, names)) or "none"
    return f"the workbook needs sheets actors, issues and meta (it has {have})"
