"""The input format of the Decide exchange model (Stokman's method), read only.

Files of that method (``.txt`` or ``.csv``, often tab-separated and single-
quoted) hold one record per row, named by the row's first cell:

``#A;actor id;full name;comment``
    an actor.
``#P;issue id;description``
    an issue.
``#M;issue id;position;meaning``
    a labelled point of an issue's scale. The lowest and highest ``#M``
    positions are the scale's ends (0-100 when an issue has none); their
    meanings become the scale's labels.
``#D;actor id;issue id;position;salience;power;comment``
    an actor's position (on the issue's scale), salience (0-1) and power
    (0-1) on one issue. An actor with no ``#D`` row for an issue is not
    involved in it.
``#O;text`` (also written ``#0``)
    a description of the case: the first one is the scenario's title.
``#/;text``
    a comment.

Decisions where the format is looser than a scenario:

- detente gives an actor one capability; Decide allows a power per issue.
  An actor whose power differs between issues is refused with a message
  (fold the difference into salience, which is what the weight c x s uses).
- An actor with power 0 on every issue can never move an outcome: it is
  kept, off the table (``at_table: false``), so its gains are still
  reported; its capability is then recorded as 1 (the value is never used).
- Ids that a scenario cannot use (spaces, dots) are rewritten with ``_``;
  the original is kept as the name.
- Extra cells at the end of a row belong to its last field (as in Decide).

The delimiter (tab, semicolon or comma) and the quote (single or double) are
guessed from the first row; :func:`sniff` tells a Decide file from detente's
own CSV tables.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from detente.errors import Problem, ScenarioError
from detente.scenario import Scenario

KINDS = frozenset({"#A", "#P", "#M", "#D", "#O", "#/"})
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        return path.read_text(encoding="latin-1").splitlines()


def _dialect(line: str) -> tuple[str, str]:
    counts = {d: line.count(d) for d in ("\t", ";", ",")}
    delimiter = max(counts, key=lambda d: counts[d])
    quote = "'" if line.lstrip().startswith("'") else '"'
    return delimiter, quote


def _key(cell: str) -> str:
    """The row type: ``'#a'`` -> ``#A``; ``#0`` (zero) is read as ``#O``."""
    return cell.strip().strip("'\"").upper().replace("#0", "#O")


def sniff(path: Path) -> bool:
    """True when ``path`` looks like a Decide file (first row ``#A``, ``#P``, ...)."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as fh:
            first = next((line for line in fh if line.strip()), "")
    except OSError:
        return False
    return _key(re.split(r"[\t;,]", first.strip(), maxsplit=1)[0]) in KINDS


def _safe_id(text: str) -> str:
    return _UNSAFE.sub("_", text) or "_"


class _DecideReader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str, fix: str = "") -> None:
        self.problems.append(Problem(self.file, f"line {line}", message, fix))

    def new_id(
        self, rest: list[str], line: int, kind: str, what: str, seen: Mapping[str, Any], form: str
    ) -> bool:
        """Whether an #A or #P row declares an id not declared before (a problem if not)."""
        if not rest:
            self.problem(line, f"{kind} row without an {what} id", f"write {kind}, id, {form}")
            return False
        if rest[0] in seen:
            self.problem(line, f"{what} {rest[0]!r} listed twice", f"keep one {kind} row")
            return False
        return True

    def number(self, text: str, line: int, what: str, bounds: tuple[float, float] | None) -> Any:
        try:
            value = float(text.strip().replace(",", "."))
        except ValueError:
            self.problem(line, f"{what} {text!r} is not a number", "write a number")
            return None
        if not math.isfinite(value):
            self.problem(line, f"{what} {text!r} is not a finite number", "write a number")
            return None
        if bounds is not None and not bounds[0] <= value <= bounds[1]:
            self.problem(
                line,
                f"{what} {value:g} lies outside [{bounds[0]:g}, {bounds[1]:g}]",
                f"Decide's {what} is between {bounds[0]:g} and {bounds[1]:g}",
            )
            return None
        return value


def read(path: Path) -> Scenario:
    """Read a Decide input file into a validated scenario (every problem reported at once)."""
    file = str(path)
    lines = _lines(path)
    first = next((ln for ln in lines if ln.strip()), "")
    delimiter, quote = _dialect(first)
    reader = _DecideReader(file)
    title: str | None = None
    actors: dict[str, dict[str, str]] = {}
    issues: dict[str, dict[str, str]] = {}
    marks: dict[str, list[tuple[float, str, int]]] = {}
    data: dict[tuple[str, str], tuple[float, float, float, int]] = {}
    for number, row in enumerate(csv.reader(lines, delimiter=delimiter, quotechar=quote), 1):
        cells = [c.strip().strip("'\"").strip() for c in row]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        kind = _key(cells[0])
        rest = cells[1:]
        if kind == "#/":
            continue
        if kind == "#O":
            if title is None and rest:
                title = " ".join(c for c in rest if c)
            continue
        if kind == "#A":
            if reader.new_id(rest, number, "#A", "actor", actors, "name"):
                actors[rest[0]] = {
                    "name": rest[1] if len(rest) > 1 else "",
                    "notes": " ".join(rest[2:]),
                    "line": str(number),
                }
        elif kind == "#P":
            if reader.new_id(rest, number, "#P", "issue", issues, "description"):
                issues[rest[0]] = {"name": " ".join(rest[1:])}
        elif kind == "#M":
            if len(rest) < 2:
                reader.problem(
                    number, "#M row needs an issue and a position", "write #M, issue, position"
                )
                continue
            value = reader.number(rest[1], number, "scale point", None)
            if value is not None:
                marks.setdefault(rest[0], []).append((value, " ".join(rest[2:]), number))
        elif kind == "#D":
            if len(rest) < 5:
                reader.problem(
                    number,
                    "#D row needs actor, issue, position, salience and power",
                    "write #D, actor, issue, position, salience, power",
                )
                continue
            actor, issue = rest[0], rest[1]
            pos = reader.number(rest[2], number, "position", None)
            sal = reader.number(rest[3], number, "salience", (0.0, 1.0))
            power = reader.number(rest[4], number, "power", (0.0, 1.0))
            if (actor, issue) in data:
                reader.problem(
                    number,
                    f"actor {actor!r} already has a #D row for issue {issue!r} "
                    f"(line {data[actor, issue][3]})",
                    "keep one #D row per actor and issue",
                )
            elif pos is not None and sal is not None and power is not None:
                data[actor, issue] = (pos, sal, power, number)
        else:
            reader.problem(
                number,
                f"unknown row type {cells[0]!r}",
                "rows start with #A, #P, #M, #D, #O or #/ (comment)",
            )
    powers = _cross_check(reader, actors, issues, marks, data)
    if reader.problems:
        raise ScenarioError(reader.problems)

    tree = _scenario_tree(path, title, actors, issues, marks, data, powers)
    return Scenario.from_tree(tree, file=file)


def _cross_check(
    reader: _DecideReader,
    actors: dict[str, dict[str, str]],
    issues: dict[str, dict[str, str]],
    marks: dict[str, list[tuple[float, str, int]]],
    data: dict[tuple[str, str], tuple[float, float, float, int]],
) -> dict[str, set[float]]:
    """Check the rows against each other; return each actor's powers across its #D rows.

    A row can only be judged once every row is read (an #A may follow its #D rows), so these
    checks run after the row loop; the powers they gather give the actor's capability.
    """
    for (actor, issue), (*_, number) in data.items():
        if actor not in actors:
            reader.problem(number, f"unknown actor {actor!r}", "add an #A row for it")
        if issue not in issues:
            reader.problem(number, f"unknown issue {issue!r}", "add a #P row for it")
    for issue, points in marks.items():
        if issue not in issues:
            reader.problem(points[0][2], f"unknown issue {issue!r}", "add a #P row for it")
    for issue, points in marks.items():
        if issue in issues and len({p[0] for p in points}) < 2:
            reader.problem(
                points[0][2],
                f"issue {issue!r} has a single scale point",
                "give #M rows for both ends of its scale, or none for 0-100",
            )
    if not issues:
        reader.problem(1, "no issue (#P row)", "a Decide file needs #P rows")
    if not actors:
        reader.problem(1, "no actor (#A row)", "a Decide file needs #A rows")
    powers: dict[str, set[float]] = {}
    for (actor, _), (_, _, power, _) in data.items():
        powers.setdefault(actor, set()).add(power)
    for actor, info in actors.items():
        found = powers.get(actor, set())
        if not found:
            reader.problem(
                int(info["line"]),
                f"actor {actor!r} has no #D row",
                "add its #D rows, or remove its #A row",
            )
        elif len(found) > 1:
            reader.problem(
                int(info["line"]),
                f"actor {actor!r} has a different power on different issues "
                f"({', '.join(f'{p:g}' for p in sorted(found))}); detente gives an actor one "
                "capability",
                "give the actor one power, and fold the differences into its saliences",
            )
    return powers


def _scenario_tree(
    path: Path,
    title: str | None,
    actors: dict[str, dict[str, str]],
    issues: dict[str, dict[str, str]],
    marks: dict[str, list[tuple[float, str, int]]],
    data: dict[tuple[str, str], tuple[float, float, float, int]],
    powers: dict[str, set[float]],
) -> dict[str, Any]:
    """The checked rows as a scenario tree, in the form ``Scenario.from_tree`` validates.

    Kept apart from the reading so the mapping of Decide's terms (power, #M scale points) onto
    detente's (capability, at_table, scale and labels) reads in one place.
    """
    file = str(path)
    tree: dict[str, Any] = {"title": title or path.stem, "source": f"Decide input file {file}"}
    tree["issues"] = []
    for issue, info in issues.items():
        item: dict[str, Any] = {"id": _safe_id(issue)}
        name = info["name"] or (issue if _safe_id(issue) != issue else "")
        if name:
            item["name"] = name
        points = sorted(marks.get(issue, []), key=lambda m: m[0])
        if points:
            (lo, low, _), (hi, high, _) = points[0], points[-1]
            item["scale"] = [lo, hi]
            if low == high or not (low and high):
                # Units ("euro", "euro") or a blank: name the ends by their values.
                low, high = f"{lo:g} {low}".strip(), f"{hi:g} {high}".strip()
            if any(text for _, text, _ in points):
                item["labels"] = {"low": low, "high": high}
        tree["issues"].append(item)
    tree["actors"] = []
    for actor, info in actors.items():
        power = next(iter(powers[actor]))
        item = {"id": _safe_id(actor)}
        name = info["name"] if info["name"] and info["name"] != actor else ""
        if name or _safe_id(actor) != actor:
            item["name"] = name or actor
        item["capability"] = power if power > 0 else 1.0
        item["at_table"] = power > 0
        notes = [info["notes"]] if info["notes"] else []
        if power == 0:
            notes.append("power 0 in the Decide file: kept off the table")
        if notes:
            item["notes"] = "; ".join(notes)
        item["positions"] = {}
        item["salience"] = {}
        for issue in issues:
            key = _safe_id(issue)
            entry = data.get((actor, issue))
            item["positions"][key] = entry[0] if entry else None
            item["salience"][key] = entry[1] if entry else None
        tree["actors"].append(item)
    return tree
