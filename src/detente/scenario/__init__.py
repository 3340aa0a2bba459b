"""The scenario: who negotiates, over what, wanting what, and how much they care.

A :class:`Scenario` is the validated, human-level description an analyst
writes (names, labels, provenance, uncertainty ranges). It is checked once, as
a whole, and every problem is reported together (:func:`check`). Models never
see it: :meth:`Scenario.to_arrays` converts it into plain NumPy arrays
(:class:`detente.arrays.ScenarioArrays`).

Tree format (YAML, or the same tree built from CSV/xlsx)::

    title, as_of, source, issues: [{id, name, scale, labels: {low, high}, status_quo}],
    actors: [{id, name, capability, at_table, positions: {ISSUE: x},
              salience: {ISSUE: s}, notes}], revisions: {KEY: note}

``as_of`` (``YYYY-MM-DD``, optional) dates the scenario, and ``revisions``
says why inputs moved since the track's previous snapshot (see
:mod:`detente.track`). A position, salience or capability is a number or ``{value, low, high,
dist}``; a position and its salience may both be ``null`` (the actor is not
involved in that issue).

What-ifs (see ``docs/what-ifs.md``): ``variants`` maps a name to a list of
:class:`Change` (or to ``{description, changes, shocks}``); ``shocks`` lists
:class:`Shock`, capability changes that dynamic models apply before a given
round. :meth:`Scenario.variant` gives the scenario a variant describes.

Where each part lives: :mod:`.schema` (the classes), :mod:`.tree` (the plain
tree a file holds), :mod:`.whatifs` (reading and applying changes),
:mod:`.check` (the checks of the whole).
"""

from detente.scenario.check import HUGE, TINY, check
from detente.scenario.schema import (
    ACTOR_ID_PATTERN,
    ADJUST_HELP,
    DISTS,
    ID_PATTERN,
    Actor,
    Adjust,
    Change,
    Dist,
    Estimate,
    Issue,
    Labels,
    Number,
    OptionalNumber,
    Scenario,
    Shock,
    Variant,
)
from detente.scenario.tree import change_tree
from detente.scenario.whatifs import adjust_estimate, parse_adjust

__all__ = [
    "ACTOR_ID_PATTERN",
    "ADJUST_HELP",
    "DISTS",
    "HUGE",
    "ID_PATTERN",
    "TINY",
    "Actor",
    "Adjust",
    "Change",
    "Dist",
    "Estimate",
    "Issue",
    "Labels",
    "Number",
    "OptionalNumber",
    "Scenario",
    "Shock",
    "Variant",
    "adjust_estimate",
    "change_tree",
    "check",
    "parse_adjust",
]
