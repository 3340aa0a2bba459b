"""KTAB's scenario files: the CSV and XML formats of its Spatial Model of Politics.

KTAB (the KAPSARC Toolkit for Behavioral Analysis, MIT licence) reads these
in ``examples/smp/libsrc/smpread.cpp`` (``SMPModel::csvRead`` and
``xmlRead``). detente reads them into a :class:`~detente.scenario.Scenario`
and refuses what KTAB refuses, giving KTAB's reason in words.

CSV (comma-separated; a trailing comma is fine; blank lines are skipped)::

    scenarioName, scenarioDesc, numActors, numDims
    Actor, Description, Power, <dim 1 position>, <dim 1 salience>, ...
    name, description, capability, position 1, salience 1, ...   (one row per actor)

As in KTAB's CSV library (minicsv), a field that starts with ``"`` may hold
commas, surrounding quotes are removed, ``$$`` stands for a comma and
``&quot;`` for a quote.

XML: ``Scenario/{name, desc, prngSeed, ModelParameters?, Dimensions/dName*,
Actors/Actor*/{name, description, capability, Position/dCoord*,
Salience/dSal*}, IdealAdjustment?/iaPair*/{adjustingIdeal, referencePos,
adjust}}`` (``smpSchema.xsd``).

Mapping to a scenario:

- issue ids come from the dimension names (position columns of the CSV
  header), with every character outside ``[A-Za-z0-9_-]`` replaced by
  ``_`` (and ``_2``, ``_3`` appended should two coincide); the name as
  written is the issue's name. Spaces around a header cell, which CSV
  writers add after commas, are dropped from both (KTAB's own reader splits
  on commas and keeps them, but they carry no meaning). Issues run on
  KTAB's 0-100 scale, without a status quo.
- actor ids are the actors' names (``.`` becomes ``_``, as detente's ids
  have none; ``_2``, ``_3`` appended should two coincide); the description
  becomes the actor's display name when the descriptions tell the actors
  apart, and its notes otherwise.
- saliences are divided by 100; capabilities are kept.
- the XML's ``ModelParameters``, ``prngSeed`` and ``IdealAdjustment`` set
  the ``smp`` model's parameters (:data:`~detente.models.smp.KTAB_PARAMETERS`,
  ``seed`` and ``ideal_adjustment``) in ``Scenario.model_params``.

Refused as KTAB refuses them: fewer than one dimension; names longer than
25 characters (CSV), descriptions longer than 256, dimension names longer
than 256, scenario names or descriptions longer than 512; capabilities below
0 or above 1e8 (CSV; below 0 in XML); positions or saliences outside
[0, 100]; an actor's saliences summing to more than 100; unknown model
option names; missing elements. KTAB also refuses fewer than 3 or more than
250 actors: detente has no such limit and only warns. One refusal is
detente's own: KTAB accepts an actor of capability 0, detente asks for a
capability above 0, as for every scenario. KTAB's XML reader does
not check positions; detente refuses those outside [0, 100], since the
issues' scale is KTAB's 0-100. KTAB's schema spells two options ``Proportional``
and ``No`` where its program expects ``Prop`` and ``None``; both spellings
are read.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from detente.errors import Problem, ScenarioError
from detente.scenario import Scenario

MIN_ACTORS = 3
MAX_ACTORS = 250
MAX_SCENARIO_TEXT = 512
MAX_ACTOR_NAME = 25
MAX_ACTOR_DESC = 256
MAX_DIM_NAME = 256
MAX_CAPABILITY = 1e8


class KTABWarning(UserWarning):
    """A KTAB file that KTAB itself would refuse but detente can run."""


# --- shared ------------------------------------------------------------------


class _Collector:
    """Gathers every problem of one file before refusing it."""

    def __init__(self, file: Path) -> None:
        self.file = str(file)
        self.problems: list[Problem] = []

    def add(self, where: str, message: str, fix: str = "") -> None:
        self.problems.append(Problem(self.file, where, message, fix))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ScenarioError(self.problems)


# KTAB accepts an actor without clout ("pointless, but not incorrect"); detente's
# scenarios do not, since capability scales every weight and 0 would hide the actor.
ZERO_CAPABILITY = (
    "capability 0: KTAB accepts an actor without clout, detente needs a capability above 0",
    "give the actor a small positive capability, or delete its row",
)


def issue_id(name: str, taken: set[str], k: int) -> str:
    """An issue id from a KTAB dimension name: ``[A-Za-z0-9_-]`` kept, the rest ``_``.

    >>> issue_id("Policy Position", set(), 0)
    'Policy_Position'
    >>> issue_id("", set(), 2)
    'dim3'
    """
    return _unique(re.sub(r"[^A-Za-z0-9_-]", "_", name.strip()) or f"dim{k + 1}", taken)


def actor_id(name: str, taken: set[str]) -> str:
    """An actor id from a KTAB actor name: stripped, ``.`` replaced by ``_``.

    KTAB tells actors apart by their row, so two may share a name; their ids
    then get ``_2``, ``_3`` appended, as issue ids do.

    >>> actor_id(" Dr. Who ", set())
    'Dr_ Who'
    >>> actor_id("A.1", {"A_1"})
    'A_1_2'
    """
    return _unique(name.strip().replace(".", "_"), taken)


def _unique(base: str, taken: set[str]) -> str:
    """``base``, or ``base_2``, ``base_3``... if taken; recorded as taken."""
    ident, extra = base, 2
    while ident in taken:
        ident, extra = f"{base}_{extra}", extra + 1
    taken.add(ident)
    return ident


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _check_counts(path: Path, n_actors: int) -> None:
    if not MIN_ACTORS <= n_actors <= MAX_ACTORS:
        warnings.warn(
            f"{path}: {n_actors} actors; KTAB refuses scenarios with fewer than "
            f"{MIN_ACTORS} or more than {MAX_ACTORS} actors, detente runs them",
            KTABWarning,
            stacklevel=3,
        )


def _tree(
    path: Path,
    title: str,
    desc: str,
    dims: Sequence[str],
    actors: Sequence[tuple[str, str, float, list[float], list[float]]],
    model_params: dict[str, dict[str, Any]] | None,
) -> Scenario:
    """Build and validate the scenario from what a KTAB reader collected."""
    taken: set[str] = set()
    ids = [issue_id(d, taken, k) for k, d in enumerate(dims)]
    issues = [
        {"id": i, "name": d.strip() or i, "scale": [0, 100]} for i, d in zip(ids, dims, strict=True)
    ]
    descs = [a[1].strip() for a in actors]
    distinct = all(descs) and len(set(descs)) == len(descs)
    rows = []
    actor_ids: set[str] = set()
    for name, _desc, cap, pos, sal in actors:
        item: dict[str, Any] = {"id": actor_id(name, actor_ids)}
        if distinct:
            item["name"] = _desc.strip()
        item["capability"] = cap
        item["at_table"] = True
        item["positions"] = dict(zip(ids, pos, strict=True))
        item["salience"] = {i: s / 100.0 for i, s in zip(ids, sal, strict=True)}
        if not distinct and _desc.strip():
            item["notes"] = _desc.strip()
        rows.append(item)
    tree: dict[str, Any] = {"title": title.strip() or path.stem}
    source = f"KTAB scenario file {path.name}"
    tree["source"] = f"{desc.strip()} ({source})" if desc.strip() else source
    tree["issues"] = issues
    tree["actors"] = rows
    if model_params:
        tree["model_params"] = model_params
    return Scenario.from_tree(tree, file=str(path))


def _percent_checks(
    bad: _Collector, where: str, what: str, values: Sequence[float], ktab_says: str
) -> None:
    """Each of an actor's ``values`` (one a dimension) outside KTAB's [0, 100], with the words
    KTAB refuses it in."""
    for k, x in enumerate(values):
        if not 0.0 <= x <= 100.0:
            bad.add(
                f"{where}, dimension {k + 1}",
                f"{what} {x:g} outside [0, 100] (KTAB: {ktab_says})",
                f"give a {what} between 0 and 100",
            )


def _salience_checks(
    bad: _Collector, where: str, sal: Sequence[float], pos: Sequence[float] | None
) -> None:
    _percent_checks(bad, where, "salience", sal, "valid range of salience is [0, 100]")
    if pos is not None:
        _percent_checks(bad, where, "position", pos, "out-of-bounds position")
    if sum(sal) > 100.0:
        bad.add(
            where,
            f"saliences sum to {sum(sal):g} (KTAB: an actor's total salience must not "
            "be more than 100%)",
            "scale the actor's saliences down so that they sum to at most 100",
        )


# --- CSV ---------------------------------------------------------------------


def split_line(line: str) -> list[str]:
    """One CSV line split the way KTAB's minicsv does (see the module docstring).

    >>> split_line('A ,"x, y",7,3,')
    ['A ', 'x, y', '7', '3', '']
    """
    fields, cur, quoted = [], "", False
    for pos, ch in enumerate(line):
        if ch == '"' and not quoted and (pos == 0 or line[pos - 1] == ","):
            quoted = True
        elif ch == '"' and quoted:
            quoted = False
        if ch == "," and not quoted:
            fields.append(cur)
            cur = ""
            continue
        cur += ch
    fields.append(cur)
    return [f.replace("$$", ",").strip('"').replace("&quot;", '"') for f in fields]


def is_ktab_csv(path: Path) -> bool:
    """True when the first line of ``path`` reads ``name, desc, numActors, numDims``."""
    try:
        with path.open(encoding="utf-8-sig") as fh:
            first = next((line for line in fh if line.strip()), "")
    except (OSError, UnicodeDecodeError):
        return False
    fields = split_line(first.rstrip("\r\n"))
    return len(fields) >= 4 and all(re.fullmatch(r"\s*\d+\s*", f) for f in fields[2:4])


def read_csv(path: Path) -> Scenario:
    """Read a KTAB CSV scenario [``SMPModel::csvRead``]."""
    bad = _Collector(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError(
            [Problem(str(path), "", "not UTF-8 text", "save the CSV as UTF-8")]
        ) from None
    lines = [(n + 1, line) for n, line in enumerate(text.splitlines()) if line.strip()]
    if len(lines) < 2:
        raise ScenarioError(
            [Problem(str(path), "", "a KTAB CSV needs a first line, a header and actor rows")]
        )
    line1, head = split_line(lines[0][1]), split_line(lines[1][1])
    counts = [f.strip() for f in line1[2:4]]
    if len(counts) < 2 or not all(c.isdigit() for c in counts):
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    f"line {lines[0][0]}",
                    "the first line must read scenarioName, scenarioDesc, numActors, numDims "
                    "(KTAB: error reading csv file)",
                    "give the numbers of actors and dimensions as whole numbers",
                )
            ]
        )
    n_act, n_dim = int(counts[0]), int(counts[1])
    title, desc = line1[0], line1[1]
    where1 = f"line {lines[0][0]}"
    if len(title) > MAX_SCENARIO_TEXT:
        bad.add(
            where1,
            f"scenario name longer than {MAX_SCENARIO_TEXT} characters (KTAB)",
            "shorten the scenario name",
        )
    if len(desc) > MAX_SCENARIO_TEXT:
        bad.add(
            where1,
            f"scenario description longer than {MAX_SCENARIO_TEXT} characters (KTAB)",
            "shorten the scenario description",
        )
    if n_dim < 1:
        bad.add(
            where1,
            "number of dimensions below 1 (KTAB: invalid number of dimensions)",
            "give numDims, the fourth field, as 1 or more",
        )
        bad.raise_if_any()
    dims = head[3 : 3 + 2 * n_dim : 2]
    if len(head) < 3 + 2 * n_dim:
        bad.add(
            f"line {lines[1][0]} (header)",
            f"the header names {max(0, (len(head) - 3) // 2)} position/salience pairs "
            f"but the first line says {n_dim} dimensions",
            "give Actor, Description, Power, then a position and a salience column per dimension",
        )
    for k, d in enumerate(dims):
        if len(d) > MAX_DIM_NAME:
            bad.add(
                f"line {lines[1][0]} (header)",
                f"dimension {k + 1} name longer than {MAX_DIM_NAME} characters (KTAB)",
                "shorten the dimension name",
            )
    rows = lines[2 : 2 + n_act]
    if len(rows) < n_act:
        bad.add(
            "",
            f"the first line says {n_act} actors but {len(rows)} actor rows follow",
            "make numActors, the third field, match the rows",
        )
    if len(lines) > 2 + n_act:
        warnings.warn(
            f"{path}: rows after the {n_act} actors the first line announces are ignored, "
            "as KTAB does",
            KTABWarning,
            stacklevel=2,
        )
    actors = []
    for number, line in rows:
        actor = _actor_row(bad, number, line, head, n_dim)
        if actor is not None:
            actors.append(actor)
    bad.raise_if_any()
    _check_counts(path, len(actors))
    return _tree(path, title, desc, dims, actors, None)


def _actor_row(
    bad: _Collector, number: int, line: str, head: list[str], n_dim: int
) -> tuple[str, str, float, list[float], list[float]] | None:
    """One actor row as (name, description, capability, positions, saliences).

    Returns None when the row cannot be read; its problems are in ``bad`` so that every
    row's faults are reported together, as the header's are.
    """
    f = split_line(line)
    where = f"line {number}"
    if len(f) < 3 + 2 * n_dim:
        bad.add(
            where,
            f"{len(f)} fields where {3 + 2 * n_dim} are needed (KTAB: error reading csv file)",
            "give each actor a name, a description, a capability, and a position and a "
            "salience per dimension",
        )
        return None
    name, adesc = f[0], f[1]
    if not name.strip() or len(name) > MAX_ACTOR_NAME:
        bad.add(
            where,
            f"actor name {name!r} is empty or longer than {MAX_ACTOR_NAME} characters "
            "(KTAB: actor's name is either not there or too long)",
            "give the actor a name of 1 to 25 characters",
        )
    if len(adesc) > MAX_ACTOR_DESC:
        bad.add(
            where,
            f"actor description longer than {MAX_ACTOR_DESC} characters (KTAB)",
            "shorten the description",
        )
    cells = f[2 : 3 + 2 * n_dim]
    unreadable = [k for k, v in enumerate(cells) if not _is_number(v)]
    if unreadable:
        for k in unreadable:
            column = head[2 + k].strip() if 2 + k < len(head) else f"field {3 + k}"
            bad.add(
                f"{where}, column {column!r}",
                f"{cells[k].strip()!r} is not a number (KTAB: error reading csv file)",
                "write a plain number",
            )
        return None
    values = [float(v) for v in cells]
    cap, pos, sal = values[0], values[1::2], values[2::2]
    if cap < 0:
        bad.add(
            where,
            f"capability {cap:g} is negative (KTAB: negative capability is not possible)",
            "give a capability of 0 or more",
        )
    elif cap == 0:
        bad.add(where, *ZERO_CAPABILITY)
    if cap > MAX_CAPABILITY:
        bad.add(
            where,
            f"capability {cap:g} above 1e8 (KTAB: sanity check on upper limit of capability)",
            "rescale the capabilities (only their ratios matter)",
        )
    _salience_checks(bad, where, sal, pos)
    return (name, adesc, cap, pos, sal)
