"""Capability proxies for the actors of EU legislative negotiations.

DEU records positions and saliences but not capability, so the backtest
supplies it from public figures (``data/eu_capability.csv``, sources in its
header):

- ``equal``: every actor 1 (the salience-weighted mean of the literature);
- ``gdp``: GDP in trillion USD, from the DEU file's capability row when it
  has one, else the shipped copy of that row;
- ``votes``: Council votes under the Treaty of Nice (EU-28, 352 votes);
- ``population``: population (Council figures for 2015);
- ``shapley`` / ``banzhaf``: the member states' Shapley-Shubik or normalised
  Banzhaf power in the Council under Lisbon's double majority (55% of
  members, at least 15, with 65% of the population; blocking minority of at
  least 4), computed from those populations by :mod:`.power`.

Decision on the Commission and the Parliament: they are not Council
members, yet both must agree under co-decision and the Commission can
withdraw its proposal. Every proxy gives each of them the value of the
largest member state, which is what the GDP row of the DEU replication file
does (both 4.1, Germany's figure). The backtest reports every proxy, so the
choice is visible rather than tuned.

Where a proxy uses one fixed Council of 28 for all issues (1996-2019), the
relative weights of the members present on an issue are what matter, since
every model uses capability only relative to the others'.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Literal, get_args

from detente.datasets.power import lisbon_threshold, power_index
from detente.errors import ParameterError

Proxy = Literal["equal", "gdp", "votes", "population", "shapley", "banzhaf"]
PROXIES: tuple[str, ...] = get_args(Proxy)
#: Actors who are not Council members (they get the largest member's value).
INSTITUTIONS = ("com", "ep")
_COLUMNS = {"gdp": "gdp_trillion_usd", "votes": "nice_votes", "population": "population"}


@cache
def figures() -> dict[str, dict[str, str]]:
    """The shipped table: actor code -> {name, gdp_trillion_usd, nice_votes, population}."""
    text = resources.files("detente.datasets").joinpath("data/eu_capability.csv").read_text()
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {row["actor"]: row for row in rows}


def actor_name(actor: str) -> str | None:
    """The actor's name in words (``de`` -> Germany), None when unknown."""
    row = figures().get(actor)
    return row["name"] if row else None


@cache
def _council_power(index: str) -> dict[str, float]:
    table = figures()
    states = [a for a in table if a not in INSTITUTIONS]
    population = [int(table[a]["population"]) for a in states]
    values = power_index(population, lisbon_threshold(population), index)  # type: ignore[arg-type]
    return dict(zip(states, values.tolist(), strict=True))


def capability(
    proxy: str, actors: Sequence[str], gdp: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Each actor's capability under ``proxy``; ``gdp`` overrides the shipped GDP row.

    >>> cap = capability("votes", ["de", "mt", "com"])
    >>> cap["de"], cap["mt"], cap["com"]
    (29.0, 3.0, 29.0)
    """
    if proxy not in PROXIES:
        raise ParameterError(
            f"unknown capability proxy {proxy!r}; valid proxies: {', '.join(PROXIES)}, all"
        )
    if proxy == "equal":
        return dict.fromkeys(actors, 1.0)
    if proxy in ("shapley", "banzhaf"):
        values = dict(_council_power(proxy))
    elif proxy == "gdp" and gdp:
        values = dict(gdp)
    else:
        column = _COLUMNS[proxy]
        values = {a: float(row[column]) for a, row in figures().items() if row[column]}
    unknown = [a for a in actors if a not in values and a not in INSTITUTIONS]
    if unknown:
        raise ParameterError(
            f"capability proxy {proxy!r} has no figure for actor(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(values))} (or use --capability equal)"
        )
    largest = max(v for a, v in values.items() if a not in INSTITUTIONS)
    return {a: values.get(a, largest) for a in actors}


def proxy_names(spec: str) -> list[str]:
    """``"equal,gdp"`` -> ``["equal", "gdp"]``; ``"all"`` -> every proxy."""
    if spec.strip() == "all":
        return list(PROXIES)
    names = [p.strip() for p in spec.split(",") if p.strip()]
    for name in names:
        if name not in PROXIES:
            raise ParameterError(
                f"unknown capability proxy {name!r}; valid proxies: {', '.join(PROXIES)}, all"
            )
    if not names:
        raise ParameterError("name at least one capability proxy, e.g. --capability equal")
    return list(dict.fromkeys(names))
