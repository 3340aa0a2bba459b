"""Observations: what was later signed, decided or tabled, dated and placed on a scale.

A track (:mod:`detente.track`) scores each dated forecast against what was
observed after its date. The observations file is YAML::

    observations:
      - {date: 2025-04-30, issue: economic, value: 30, kind: outcome,
         source: "US-Ukraine minerals agreement", note: ..., url: ...}

``kind`` is ``outcome`` (something signed or decided) or ``proposal`` (a
text tabled in the talks): a proposal says where a party wanted an issue to
land, not where it landed, so the two are never pooled. Keys beyond the five
required ones (a note, a URL) are kept as they are.

Every entry is checked against the track's issues before anything is
scored, and every problem is reported at once, naming the file, the entry
and the fix: a malformed date, an issue no snapshot has, a value outside the
issue's scale, a kind other than the two.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from detente.errors import Problem, ScenarioError
from detente.io import yaml as yaml_text
from detente.scenario.schema import parse_date

KINDS: tuple[str, ...] = ("outcome", "proposal")
REQUIRED: tuple[str, ...] = ("date", "issue", "value", "kind", "source")
EXAMPLE = "examples/ukraine-2025-26/observed.yaml"


@dataclass(frozen=True)
class Observation:
    """One dated term on one issue's scale, and where it was seen."""

    date: date
    issue: str
    value: float
    kind: str
    source: str
    #: Every other key of the entry (a note, a URL), as written.
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "issue": self.issue,
            "value": self.value,
            "kind": self.kind,
            "source": self.source,
            **self.extra,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Observation:
        """The observation :meth:`to_dict` gave (a saved track's, already checked)."""
        extra = {k: v for k, v in data.items() if k not in REQUIRED}
        day = date.fromisoformat(data["date"])
        return cls(day, data["issue"], data["value"], data["kind"], data["source"], extra)


def is_observations(tree: Any) -> bool:
    """Whether a YAML file's content is an observations file (a top-level ``observations``)."""
    return isinstance(tree, Mapping) and "observations" in tree


def read(path: str | Path, scales: Mapping[str, tuple[float, float]]) -> list[Observation]:
    """The observations in ``path``, checked against ``scales`` (issue id -> (low, high)).

    Raises :class:`ScenarioError` listing every bad entry.
    """
    path = Path(path)
    return from_tree(yaml_text.read_tree(Path(path)), str(path), scales)


def from_tree(tree: Any, file: str, scales: Mapping[str, tuple[float, float]]) -> list[Observation]:
    """Observations from an already-parsed file (see :func:`read`)."""
    if not is_observations(tree) or not isinstance(tree["observations"], list):
        raise ScenarioError(
            [
                Problem(
                    file,
                    "",
                    "not an observations file",
                    f"write `observations:` and a list of entries, as in {EXAMPLE}",
                )
            ]
        )
    problems: list[Problem] = []
    found: list[Observation] = []
    for number, entry in enumerate(tree["observations"], start=1):
        where = _where(number, entry)
        checked = _entry(entry, file, where, scales, problems)
        if checked is not None:
            found.append(checked)
    if problems:
        raise ScenarioError(problems)
    return sorted(found, key=lambda o: o.date)


def _where(number: int, entry: Any) -> str:
    """``observation 3 (2025-04-30, economic)``: the entry's place and, if readable, its name."""
    if isinstance(entry, Mapping):
        named = [str(entry[k]) for k in ("date", "issue") if entry.get(k) is not None]
        if named:
            return f"observation {number} ({', '.join(named)})"
    return f"observation {number}"


def _entry(
    entry: Any,
    file: str,
    where: str,
    scales: Mapping[str, tuple[float, float]],
    problems: list[Problem],
) -> Observation | None:
    """One entry checked; its problems appended (None when it has any)."""
    before = len(problems)

    def add(message: str, fix: str) -> None:
        problems.append(Problem(file, where, message, fix))

    if not isinstance(entry, Mapping):
        add("not a mapping", "write {date, issue, value, kind, source}")
        return None
    for key in REQUIRED:
        if entry.get(key) is None:
            add(f"no {key}", f"add {key}: (every observation has {', '.join(REQUIRED)})")
    day = parse_date(entry.get("date"))
    if entry.get("date") is not None and day is None:
        add(f"date {entry['date']!r} is not a calendar date", "write it as YYYY-MM-DD")
    issue = entry.get("issue")
    if issue is not None and issue not in scales:
        known = ", ".join(scales) or "none"
        add(f"unknown issue {issue!r}", f"use an issue of the track's snapshots: {known}")
    value = entry.get("value")
    if value is not None:
        _check_value(value, scales.get(str(issue)) if issue in scales else None, add)
    kind = entry.get("kind")
    if kind is not None and kind not in KINDS:
        add(
            f"kind {kind!r} is neither outcome nor proposal",
            "write outcome (signed or decided) or proposal (a tabled text)",
        )
    source = entry.get("source")
    if source is not None and (not isinstance(source, str) or not source.strip()):
        add("source is not text", "name where the term was reported, as text")
    if len(problems) > before or day is None or value is None:
        return None
    extra = {k: v for k, v in entry.items() if k not in REQUIRED}
    return Observation(day, str(issue), float(value), str(kind), str(source), extra)


def _check_value(value: Any, scale: tuple[float, float] | None, add: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        add(f"value {value!r} is not a number", "write the term's place on the issue's scale")
        return
    if scale is None:
        return
    low, high = min(scale), max(scale)
    if not low <= value <= high:
        add(
            f"value {value:g} is outside the issue's scale {scale[0]:g}-{scale[1]:g}",
            "place the term on the scale, between its two ends",
        )
