"""KTAB's XML scenarios (``SMPModel::xmlRead``); the format and its mapping to a
scenario are described in :mod:`detente.io.ktab`, which also reads KTAB's CSV."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from detente.errors import Problem, ScenarioError
from detente.io.ktab import (
    MAX_DIM_NAME,
    ZERO_CAPABILITY,
    _check_counts,
    _Collector,
    _salience_checks,
    _tree,
    actor_id,
)
from detente.scenario import Scenario

#: KTAB's XML element names and the values each option accepts.
XML_OPTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "VictoryProbModel": (
        "victory_prob_model",
        ("Linear", "Square", "Quartic", "Octic", "Binary"),
    ),
    "PCEModel": ("pce_model", ("Conditional", "MarkovIncentive", "MarkovUniform")),
    "StateTransitions": ("state_transitions", ("Deterministic", "Stochastic")),
    "VotingRule": (
        "voting_rule",
        ("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"),
    ),
    "BigRAdjust": ("big_r_adjust", ("None", "OneThird", "Half", "TwoThirds", "Full")),
    "BigRRange": ("big_r_range", ("Min", "Mid", "Max")),
    "ThirdPartyCommit": ("third_party_commit", ("NoCommit", "SemiCommit", "FullCommit")),
    "InterVecBrgn": ("inter_vec_bargain", ("S1P1", "S2P2", "S2PMax")),
    "BargnModel": ("bargain_model", ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp")),
}
#: Spellings of KTAB's schema (smpSchema.xsd) that its program names otherwise.
XML_ALIASES = {"Proportional": "Prop", "No": "None"}


def _text(bad: _Collector, parent: ET.Element, tag: str, where: str) -> str | None:
    child = parent.find(tag)
    if child is None:
        bad.add(
            where,
            f"element {tag} is missing (KTAB: following element is missing in the input xml)",
            "add the element, as in KTAB's example scenarios",
        )
        return None
    if child.text is None or not child.text.strip():
        bad.add(
            where,
            f"element {tag} is empty (KTAB: following xml element is empty)",
            "fill in the element",
        )
        return None
    return child.text


def _number(bad: _Collector, text: str | None, where: str) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        bad.add(
            where,
            f"{text.strip()!r} is not a number (KTAB: invalid xml element-value pair)",
            "write a number",
        )
        return None


def _model_params(bad: _Collector, root: ET.Element) -> dict[str, Any]:
    out: dict[str, Any] = {}
    params = root.find("ModelParameters")
    if params is None:
        return out
    for tag, (name, allowed) in XML_OPTIONS.items():
        text = _text(bad, params, tag, "ModelParameters")
        if text is None:
            continue
        value = XML_ALIASES.get(text.strip(), text.strip())
        if value not in allowed:
            bad.add(
                f"ModelParameters › {tag}",
                f"unknown {tag} {text.strip()!r} (KTAB: unrecognized enum-type name)",
                f"use one of: {', '.join(allowed)}",
            )
            continue
        out[name] = value
    return out


def read_xml(path: Path) -> Scenario:
    """Read a KTAB XML scenario [``SMPModel::xmlRead``]."""
    bad = _Collector(path)
    root = _parse_root(path)
    title = (root.findtext("name") or "").strip()
    desc = (root.findtext("desc") or "").strip()
    seed_text = _text(bad, root, "prngSeed", "Scenario")
    params: dict[str, Any] = {}
    if seed_text is not None:
        if re.fullmatch(r"\s*\d+\s*", seed_text) and int(seed_text) < 2**64:
            params["seed"] = int(seed_text)
        else:
            bad.add(
                "Scenario › prngSeed",
                f"{seed_text.strip()!r} is not a seed (an integer from 0 to 2^64 - 1)",
                "write a whole number from 0 to 2^64 - 1, or leave prngSeed out",
            )
    params.update(_model_params(bad, root))
    dims = _dimensions(bad, root)
    actors_el = root.find("Actors")
    actor_els = [] if actors_el is None else actors_el.findall("Actor")
    if not actor_els:
        bad.add(
            "Scenario",
            "no Actors/Actor (KTAB: following element is missing in the input xml)",
            "add an Actors element with one Actor per actor",
        )
    actors = []
    for k, a in enumerate(actor_els):
        actor = _actor(bad, a, k, dims)
        if actor is not None:
            actors.append(actor)
    adjust = _ideal_adjustment(bad, root, [a[0] for a in actors])
    if adjust:
        params["ideal_adjustment"] = adjust
    bad.raise_if_any()
    _check_counts(path, len(actors))
    return _tree(path, title, desc, dims, actors, {"smp": params} if params else None)


def _parse_root(path: Path) -> ET.Element:
    """The document's root element, or a ScenarioError that says why the XML cannot be read.

    Malformed XML and undeclarable encodings are reported before any field check runs.
    """
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise ScenarioError(
            [Problem(str(path), "", f"malformed XML: {exc}", "check the tags around that place")]
        ) from None
    except (LookupError, ValueError) as exc:
        # The encoding the XML declaration names is unknown to Python (LookupError),
        # or one expat cannot read (multi-byte ones such as Shift-JIS: ValueError).
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    "line 1 (the XML declaration)",
                    f"cannot read the text in the encoding it declares: {exc}",
                    'save the file as UTF-8 and declare encoding="UTF-8" (or no encoding)',
                )
            ]
        ) from None
    if root.tag != "Scenario":
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    "",
                    "the root element is not Scenario (KTAB: root element 'Scenario' is missing)",
                )
            ]
        )
    return root


def _dimensions(bad: _Collector, root: ET.Element) -> list[str]:
    """The issue names from ``Dimensions/dName``, collecting a problem for each bad one.

    A blank name still takes its place in the list so later per-dimension counts line up.
    """
    dims_el = root.find("Dimensions")
    dims: list[str] = []
    if dims_el is None or dims_el.find("dName") is None:
        bad.add(
            "Scenario",
            "no Dimensions/dName (KTAB: following element is missing in the input xml)",
            "add a Dimensions element with one dName per issue",
        )
    else:
        for k, d in enumerate(dims_el.findall("dName")):
            if d.text is None or not d.text.strip():
                bad.add(
                    f"Dimensions › dName {k + 1}",
                    "empty dimension name "
                    "(KTAB: a dimension element dName is there but it is empty)",
                    "name the dimension",
                )
            elif len(d.text) > MAX_DIM_NAME:
                bad.add(
                    f"Dimensions › dName {k + 1}",
                    f"dimension name longer than {MAX_DIM_NAME} characters",
                    "shorten the dimension name",
                )
            dims.append((d.text or "").strip())
    return dims


def _actor(
    bad: _Collector, a: ET.Element, k: int, dims: list[str]
) -> tuple[str, str, float, list[float], list[float]] | None:
    """One ``Actor`` element as (name, description, capability, positions, saliences).

    Returns None when a field is missing or unreadable; the problem is in ``bad`` so that
    every actor's faults are reported together.
    """
    where = f"Actor {k + 1}"
    name = _text(bad, a, "name", where)
    adesc = _text(bad, a, "description", where)
    where = f"actor {name.strip()!r}" if name else where
    cap = _number(bad, _text(bad, a, "capability", where), f"{where} › capability")
    if cap is not None and cap < 0:
        bad.add(
            f"{where} › capability",
            f"capability {cap:g} is negative (KTAB: capability value can't be negative)",
            "give a capability of 0 or more",
        )
    elif cap == 0:
        bad.add(f"{where} › capability", *ZERO_CAPABILITY)
    values: dict[str, list[float]] = {}
    for group, tag in (("Position", "dCoord"), ("Salience", "dSal")):
        el = a.find(group)
        if el is None or el.find(tag) is None:
            bad.add(
                where,
                f"element {group}/{tag} is missing (KTAB)",
                "add the element, one value per dimension",
            )
            continue
        nums = [_number(bad, c.text or "", f"{where} › {group}") for c in el.findall(tag)]
        if len(nums) != len(dims):
            bad.add(
                f"{where} › {group}",
                f"{len(nums)} values for {len(dims)} dimensions (KTAB: count of dimensions "
                f"doesn't match with the {group} data)",
                "give one value per dimension",
            )
        values[group] = [x for x in nums if x is not None]
    pos, sal = values.get("Position"), values.get("Salience")
    if sal is not None:
        _salience_checks(bad, where, sal, pos)
    if name and adesc and cap is not None and pos is not None and sal is not None:
        return (name, adesc, cap, pos, sal)
    return None


def _ideal_adjustment(
    bad: _Collector, root: ET.Element, names: list[str]
) -> dict[str, dict[str, float]]:
    """KTAB's IdealAdjustment pairs as ``{actor id: {reference actor id: share}}``."""
    el = root.find("IdealAdjustment")
    if el is None:
        return {}
    known = {n.strip() for n in names}
    out: dict[str, dict[str, float]] = {}
    for k, pair in enumerate(el.findall("iaPair")):
        where = f"IdealAdjustment › iaPair {k + 1}"
        who = _text(bad, pair, "adjustingIdeal", where)
        ref = _text(bad, pair, "referencePos", where)
        share = _number(bad, _text(bad, pair, "adjust", where), where)
        if who is None or ref is None or share is None:
            continue
        for actor in (who, ref):
            if actor.strip() not in known:
                bad.add(
                    where,
                    f"actor {actor.strip()!r} not found (KTAB: actor not found)",
                    "use the name of an actor in the file",
                )
        if not 0.0 <= share <= 1.0:
            bad.add(
                where,
                f"adjust {share:g} outside [0, 1] (KTAB: aij must lie in [0, 1])",
                "give a share between 0 and 1",
            )
        # A name shared by several actors means the first of them, as in KTAB's lookup.
        out.setdefault(actor_id(who, set()), {})[actor_id(ref, set())] = share
    for who, row in out.items():
        total = sum(v for r, v in row.items() if r != who) + row.get(who, 1.0)
        if total > 1.0 + 1e-10:
            bad.add(
                "IdealAdjustment",
                f"the adjustments of {who!r} sum to {total:g} (KTAB: an actor's adjustments, "
                "its own share 1 unless given, must not exceed 1)",
                "lower the shares so that they sum to at most 1",
            )
    return out
