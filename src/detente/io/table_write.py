"""Writing the wide table format (:mod:`detente.io.table` describes it): CSV files
whose text cells are kept from spreadsheet formulas, or one .xlsx workbook."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from detente.errors import Problem, ScenarioError
from detente.io import table_beyond as beyond
from detente.io import yaml as yaml_text
from detente.io.cells import protect
from detente.io.table import ISSUE_COLUMNS, VARIANT_COLUMNS, Rows, sibling
from detente.scenario import Estimate, Scenario, change_tree


def _range_columns(estimates: Iterable[Estimate | None], column: str) -> list[str]:
    ests = [e for e in estimates if e is not None]
    cols = []
    if any(e.low is not None for e in ests):
        cols.append(f"{column}.low")
    if any(e.high is not None for e in ests):
        cols.append(f"{column}.high")
    if any(e.dist is not None for e in ests):
        cols.append(f"{column}.dist")
    return cols


def _tables(s: Scenario, number: Callable[[float], Any]) -> tuple[Rows, Rows, Rows]:
    head = [
        "id",
        "name",
        "capability",
        *_range_columns((a.capability for a in s.actors), "capability"),
        "at_table",
        "notes",
        *beyond.actor_head(s.actors),
    ]
    fields: list[tuple[str, str, str]] = []
    for issue in s.issues:
        for field, key in (("position", "positions"), ("salience", "salience")):
            col = f"{issue.id}.{field}"
            fields.append((col, key, issue.id))
            head.append(col)
            head += _range_columns((getattr(a, key)[issue.id] for a in s.actors), col)

    def estimate_cells(est: Estimate | None, column: str, row: dict[str, Any]) -> None:
        if est is None:
            return
        row[column] = number(est.value)
        for part in ("low", "high"):
            if getattr(est, part) is not None:
                row[f"{column}.{part}"] = number(getattr(est, part))
        if est.dist is not None:
            row[f"{column}.dist"] = est.dist

    actors: Rows = [head]
    for a in s.actors:
        row: dict[str, Any] = {
            "id": a.id,
            "name": a.name or "",
            "at_table": a.at_table,
            "notes": a.notes or "",
        }
        estimate_cells(a.capability, "capability", row)
        beyond.actor_cells(a, row, estimate_cells, _flow)
        for col, key, issue_id in fields:
            estimate_cells(getattr(a, key)[issue_id], col, row)
        actors.append([row.get(h, "") for h in head])
    extra = beyond.issue_head(s.issues)
    issues: Rows = [[*ISSUE_COLUMNS, *extra]]
    for i in s.issues:
        cells: dict[str, Any] = {}
        estimate_cells(i.no_deal, "no_deal", cells)
        issues.append(
            [
                i.id,
                i.name or "",
                number(i.scale[0]),
                number(i.scale[1]),
                i.labels.low if i.labels else "",
                i.labels.high if i.labels else "",
                "" if i.status_quo is None else number(i.status_quo),
                *(cells.get(h, "") for h in extra),
            ]
        )
    meta: Rows = [["key", "value"], ["title", s.title]]
    if s.as_of is not None:
        meta.append(["as_of", s.as_of.isoformat()])
    if s.source is not None:
        meta.append(["source", s.source])
    meta += [[f"revisions.{key}", note] for key, note in (s.revisions or {}).items()]
    return actors, issues, meta


def _flow(tree: dict[str, Any]) -> str:
    """A change as one line of YAML (flow style), Unicode kept readable."""
    return yaml_text.dump(tree, default_flow_style=True, width=10**9).strip()


def _variant_rows(s: Scenario) -> Rows | None:
    """The what-ifs table, or None when the scenario has none."""
    if not s.variants and not s.shocks:
        return None
    rows: Rows = [list(VARIANT_COLUMNS)]
    for shock in s.to_tree().get("shocks", []):
        rows.append(["", "", shock.pop("round"), _flow(shock)])
    for name, variant in s.variants.items():
        description = variant.description or ""
        lines: list[list[Any]] = [["", change_tree(c)] for c in variant.changes]
        lines += [[x.round, {"actor": x.actor, "capability": x.capability}] for x in variant.shocks]
        if not lines:
            rows.append([name, description, "", ""])
        for k, (round_, change) in enumerate(lines):
            rows.append([name, description if k == 0 else "", round_, _flow(change)])
    return rows


def _text_number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 2**53 else repr(float(x))


def write_csv(scenario: Scenario, path: Path) -> list[Path]:
    """Write ``X.csv``, ``X.issues.csv`` and ``X.meta.csv`` (UTF-8)."""
    paths = [path, sibling(path, "issues"), sibling(path, "meta")]
    tables = list(_tables(scenario, float))
    whatifs = _variant_rows(scenario)
    if whatifs is not None:
        paths.append(sibling(path, "variants"))
        tables.append(whatifs)
    elif sibling(path, "variants").is_file():
        sibling(path, "variants").unlink()  # an old table would add what-ifs on reading
    for target, rows in zip(paths, tables, strict=True):
        with target.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([[_csv_cell(c) for c in r] for r in rows])
    return paths


def _csv_cell(value: Any) -> str:
    """A cell as CSV text: flags as true/false, numbers in full, text kept from formulas."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _text_number(value)
    return protect(str(value))


def write_xlsx(scenario: Scenario, path: Path) -> list[Path]:
    """Write one workbook with sheets actors, issues and meta.

    Numbers are stored as spreadsheet numbers, which keep 16 significant
    digits (Excel itself shows 15); YAML and CSV keep every digit.
    """
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    sheets = dict(zip(("actors", "issues", "meta"), _tables(scenario, float), strict=True))
    whatifs = _variant_rows(scenario)
    if whatifs is not None:
        sheets["variants"] = whatifs
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for number, r in enumerate(rows, start=1):
            try:
                sheet.append(r)
            except IllegalCharacterError:
                raise ScenarioError(
                    [
                        Problem(
                            str(path),
                            f"sheet {name!r}, row {number}",
                            "a text holds a control character that .xlsx cannot store",
                            "remove it from the scenario, or write .yaml or .csv instead",
                        )
                    ]
                ) from None
            for cell in sheet[number]:
                # openpyxl stores text beginning with "=" as a formula: keep it text.
                if cell.data_type == "f":
                    cell.data_type = "s"
    book.save(path)
    return [path]
