"""The DEU data set: real EU legislative negotiations with known outcomes.

DEU I-III (Decision-making in the European Union; Thomson et al. 2006,
2012; Arregui & Perarnaud 2021, doi:10.34810/data53, CC BY 4.0) records, for
364 contested issues in 141 legislative proposals (1996-2019), the position
and salience (0-100) of the Commission (``com``), the Parliament (``ep``) and
the member states, the reference point (``rp``, what happens without a
decision) and the **outcome** (``out``).

:func:`read` accepts both layouts in circulation:

- the original file on the CORA Dataverse: semicolon-separated (decimal
  commas allowed), one row per issue;
- the public replication's copy (``deu3.tsv``): tab-separated and quoted,
  with a second row that is not an issue but each actor's GDP (trillion
  USD), kept as :attr:`DeuData.gdp`.

Columns used: ``prnr`` (proposal), ``isnr`` (issue; ``<prnr>i<n>`` when
absent), ``prname``, ``proc`` (COD or CNS), ``counvte`` (voting rule: QMV,
variants such as ``QMV(10)``, or Unan), ``intro``, ``rp``, ``out`` and every
pair ``p<actor>``/``s<actor>``.

Missing codes: a blank cell or 999 (however written: ``999.0``, ``999,00``)
is missing. An actor counts on an issue
when both its position and its salience are present (salience 0 included);
otherwise it is not involved. An issue is skipped, with the reason counted,
when its outcome is missing (``no_outcome``), when fewer than 3 actors count
(``fewer_than_3_actors``), or when every counted salience is 0
(``no_salience``), in that order of precedence. A missing reference point
leaves the issue in, without a status quo.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from detente.arrays import FloatArray
from detente.datasets.capability import actor_name
from detente.errors import ParameterError, Problem, ScenarioError
from detente.scenario import Scenario

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
MISSING_CODES = frozenset({"", "999"})
MISSING_NUMBER = 999.0
MIN_ACTORS = 3
SKIP_REASONS = ("no_outcome", "fewer_than_3_actors", "no_salience")
SOURCE = (
    "DEU I-III (Thomson et al. 2006, 2012; Arregui & Perarnaud 2021), "
    "doi:10.34810/data53, CC BY 4.0"
)


@dataclass(frozen=True)
class DeuIssue:
    """One contested issue: who wanted what, how much they cared, what came out.

    ``actors`` are those counted on the issue; ``positions`` (0-100) and
    ``salience`` (0-1, DEU's 0-100 divided by 100) follow their order.
    """

    id: str
    proposal: str
    proposal_name: str
    procedure: str
    voting_rule: str
    intro: str
    actors: tuple[str, ...]
    positions: FloatArray
    salience: FloatArray
    reference_point: float | None
    outcome: float
    row: int

    @property
    def voting_group(self) -> str:
        """The voting rule with its variants grouped: ``QMV(10)`` counts as QMV."""
        return (
            "QMV" if self.voting_rule.upper().startswith("QMV") else self.voting_rule or "unknown"
        )

    @property
    def procedure_group(self) -> str:
        return self.procedure or "unknown"


@dataclass(frozen=True)
class DeuData:
    """The usable issues of a DEU file, the count of skipped ones, and its GDP row."""

    file: str
    issues: tuple[DeuIssue, ...]
    skipped: dict[str, int]
    gdp: dict[str, float] | None = None
    layout: str = "cora"

    @cached_property
    def proposals(self) -> dict[str, tuple[DeuIssue, ...]]:
        """Usable issues grouped by proposal, in file order."""
        groups: dict[str, list[DeuIssue]] = {}
        for issue in self.issues:
            groups.setdefault(issue.proposal, []).append(issue)
        return {p: tuple(items) for p, items in groups.items()}

    def select(self, proposals: Iterable[str]) -> DeuData:
        """The same data restricted to some proposals (skip counts kept as read)."""
        keep = set(proposals)
        unknown = sorted(keep - set(self.proposals))
        if unknown:
            raise ParameterError(f"no usable issue in proposal(s) {', '.join(unknown)}")
        return replace(self, issues=tuple(i for i in self.issues if i.proposal in keep))

    @property
    def outcomes(self) -> FloatArray:
        return np.array([i.outcome for i in self.issues])

    def scenario(
        self, issues: Sequence[DeuIssue], capability: Mapping[str, float] | None = None
    ) -> Scenario:
        """One scenario holding ``issues`` (one issue, or a proposal's issues together).

        Its actors are those counted on any of the issues; an actor not
        counted on an issue is not involved there (position and salience
        null). The reference point is the status quo. ``capability`` maps
        actor codes to capability (default 1 for all). The outcomes are not
        in the scenario: they stay in :attr:`issues`.
        """
        actors = list(dict.fromkeys(a for i in issues for a in i.actors))
        cap = capability or {}
        tree: dict[str, Any] = {
            "title": _title(issues),
            "source": f"{SOURCE}; file {self.file}; "
            + "; ".join(
                f"{i.id}: procedure {i.procedure or '?'}, voting rule {i.voting_rule or '?'}"
                for i in issues
            ),
            "issues": [
                {"id": i.id, "scale": [0, 100]}
                | ({} if i.reference_point is None else {"status_quo": i.reference_point})
                for i in issues
            ],
            "actors": [],
        }
        for actor in actors:
            item: dict[str, Any] = {
                "id": actor,
                "capability": float(cap.get(actor, 1.0)),
                "positions": {},
                "salience": {},
            }
            name = actor_name(actor)
            if name:
                item["name"] = name
            for issue in issues:
                if actor in issue.actors:
                    a = issue.actors.index(actor)
                    item["positions"][issue.id] = float(issue.positions[a])
                    item["salience"][issue.id] = float(issue.salience[a])
                else:
                    item["positions"][issue.id] = None
                    item["salience"][issue.id] = None
            tree["actors"].append(item)
        return Scenario.from_tree(tree, file=self.file)


def _title(issues: Sequence[DeuIssue]) -> str:
    first = issues[0]
    name = f" ({first.proposal_name})" if first.proposal_name else ""
    if len(issues) == 1:
        return f"DEU proposal {first.proposal}{name}, issue {first.id}"
    return f"DEU proposal {first.proposal}{name}, {len(issues)} issues"


def bundled_file() -> Path:
    """The copy of DEU shipped with detente (the replication's ``deu3.tsv``)."""
    return Path(str(resources.files("detente.datasets").joinpath("data/deu3.tsv")))


class _Reader:
    """Turns rows into issues, collecting every problem with its row and column."""

    def __init__(self, file: str, decimal_comma: bool) -> None:
        self.file = file
        self.decimal_comma = decimal_comma
        self.problems: list[Problem] = []

    def number(self, text: str, row: int, column: str) -> float | None:
        """A 0-100 value, or None for a missing code."""
        text = text.strip()
        if text in MISSING_CODES:
            return None
        try:
            value = float(text.replace(",", ".") if self.decimal_comma else text)
        except ValueError:
            self.problems.append(
                Problem(
                    self.file,
                    f"row {row}, column {column!r}",
                    f"{text!r} is not a number",
                    "write a number from 0 to 100, or leave it blank (999 also means missing)",
                )
            )
            return None
        if math.isnan(value) or value == MISSING_NUMBER:
            return None
        if not 0 <= value <= 100:
            self.problems.append(
                Problem(
                    self.file,
                    f"row {row}, column {column!r}",
                    f"{value:g} lies outside DEU's 0-100 scale",
                    "positions, saliences, reference points and outcomes are 0-100; "
                    "999 or blank marks a missing value",
                )
            )
            return None
        return value


def _sniff(header: str) -> str:
    counts = {d: header.count(d) for d in ("\t", ";", ",")}
    return max(counts, key=lambda d: counts[d])


def _header(path: Path) -> tuple[list[list[str]], str, dict[str, int], list[str]]:
    """The file's rows, delimiter, column index and actor codes, once the header is checked.

    Both layouts (see the module docstring) share this header; an unreadable or foreign file
    is refused here, before any row is read.
    """
    file = str(path)
    if not path.is_file():
        raise ScenarioError([Problem(file, "", "no such file", "check the path")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="latin-1")
    lines = text.splitlines()
    if not lines:
        raise ScenarioError([Problem(file, "", "the file is empty", "give a DEU data file")])
    delimiter = _sniff(lines[0])
    rows = list(csv.reader(lines, delimiter=delimiter))
    header = [h.strip().lower() for h in rows[0]]
    columns = {h: k for k, h in enumerate(header)}
    actors = [h[1:] for h in header if h.startswith("p") and f"s{h[1:]}" in columns]
    required = ["prnr", "rp", "out"]
    missing = [c for c in required if c not in columns]
    if missing or not actors:
        raise ScenarioError(
            [
                Problem(
                    file,
                    "header",
                    "not a DEU file: missing column(s) "
                    + ", ".join(missing + ([] if actors else ["p<actor>/s<actor>"])),
                    "the header needs prnr, rp, out and p<actor>, s<actor> pairs (e.g. pcom, scom)",
                )
            ]
        )
    return rows, delimiter, columns, actors


def read(path: str | Path | None = None) -> DeuData:
    """Read a DEU file (either layout, see the module docstring) into issues.

    Without ``path``, the copy shipped with detente. Raises
    :class:`ScenarioError` listing every bad cell.

    >>> data = read()
    >>> len(data.issues), data.skipped
    (351, {'no_outcome': 11, 'fewer_than_3_actors': 2})
    """
    path = Path(path) if path is not None else bundled_file()
    file = str(path)
    rows, delimiter, columns, actors = _header(path)
    reader = _Reader(file, decimal_comma=delimiter == ";")

    def cell(row: list[str], column: str) -> str:
        k = columns.get(column)
        return row[k].strip() if k is not None and k < len(row) else ""

    gdp: dict[str, float] | None = None
    issues: list[DeuIssue] = []
    skipped = dict.fromkeys(SKIP_REASONS, 0)
    seen: dict[str, int] = {}
    per_proposal: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        proposal = cell(row, "prnr")
        if not proposal:
            values = {a: cell(row, f"p{a}") for a in actors}
            if gdp is None and all(_is_float(v) for v in values.values() if v):
                # The replication's capability row: GDP per actor, no issue.
                gdp = {a: float(v) for a, v in values.items() if v}
                continue
            reader.problems.append(
                Problem(file, f"row {number}", "no proposal number (prnr)", "fill prnr")
            )
            continue
        per_proposal[proposal] = per_proposal.get(proposal, 0) + 1
        issue_id = _ID_UNSAFE.sub("_", cell(row, "isnr") or f"{proposal}i{per_proposal[proposal]}")
        if issue_id in seen:
            reader.problems.append(
                Problem(
                    file,
                    f"row {number}",
                    f"issue {issue_id!r} already appears in row {seen[issue_id]}",
                    "give each issue its own isnr",
                )
            )
            continue
        seen[issue_id] = number
        pos = np.array([reader.number(cell(row, f"p{a}"), number, f"p{a}") for a in actors])
        sal = np.array([reader.number(cell(row, f"s{a}"), number, f"s{a}") for a in actors])
        rp = reader.number(cell(row, "rp"), number, "rp")
        out = reader.number(cell(row, "out"), number, "out")
        counted = np.array([p is not None and s is not None for p, s in zip(pos, sal, strict=True)])
        if out is None:
            skipped["no_outcome"] += 1
            continue
        if counted.sum() < MIN_ACTORS:
            skipped["fewer_than_3_actors"] += 1
            continue
        if not any(s > 0 for s in sal[counted]):
            skipped["no_salience"] += 1
            continue
        issues.append(
            DeuIssue(
                id=issue_id,
                proposal=proposal,
                proposal_name=cell(row, "prname"),
                procedure=cell(row, "proc").upper(),
                voting_rule=cell(row, "counvte"),
                intro=cell(row, "intro"),
                actors=tuple(a for a, c in zip(actors, counted, strict=True) if c),
                positions=pos[counted].astype(float),
                salience=sal[counted].astype(float) / 100,
                reference_point=rp,
                outcome=out,
                row=number,
            )
        )
    if reader.problems:
        raise ScenarioError(reader.problems)
    return DeuData(
        file=file,
        issues=tuple(issues),
        skipped={k: v for k, v in skipped.items() if v},
        gdp=gdp,
        layout="replication" if gdp is not None else "cora",
    )


def _is_float(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True
