"""What-ifs side by side: the baseline and each variant, forecast alike, and the change.

:func:`compare` is the Python face of ``detente compare``. Variants come from
the scenario (``variants:``, see :meth:`detente.scenario.Scenario.variant`)
or from what-if texts (:func:`parse_what_if`), each named by its own text::

    RU.capability*=0.7            multiply (also +=, -=, and = to set)
    UA.at_table=true              seat an actor
    US.salience.territory*=0.5    an actor's salience (or position) on one issue
    territory.status_quo=55       an issue's status quo
    UA.veto=true                  grant a veto on every issue (=false removes it)
    UA.veto=territory,nato        a veto on some issues
    UA.no_deal_cost=0.3           an actor's cost of no deal (also *=, +=, -=)
    territory.no_deal=80          where an issue stands if the talks fail
    UA.influence.US=0.3           a tie from UA to the seated US (=0 cuts it)
    UA.at_table=true; EU.at_table=true     several changes at once
    {remove: CN}                  any change written as YAML (also {add: {...}})

Every model runs on the baseline and on every variant with the same preset
and parameters; :meth:`Comparison.delta` is variant minus baseline, per
model, for each issue's forecast and each actor's gain (``None`` where
either side has no number, e.g. an actor a variant removes or adds).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from detente.errors import Problem, ScenarioError
from detente.forecast import forecast
from detente.io import yaml as yaml_text
from detente.results.comparison import Comparison
from detente.scenario import Change, Scenario

_FIELD = re.compile(
    r"^(?P<target>[^.]+)\.(?P<field>capability|at_table|salience|positions?|status_quo"
    r"|veto|no_deal_cost|no_deal|influence)"
    r"(?:\.(?P<issue>[A-Za-z0-9_-]+?))?\s*(?P<op>\*=|\+=|-=|=)\s*(?P<value>\S.*)$"
)
WHAT_IF_HELP = (
    "write ACTOR.capability*=0.7, ACTOR.at_table=true, ACTOR.salience.ISSUE=0.5, "
    "ISSUE.status_quo=55, ACTOR.veto=true|false|ISSUE,ISSUE, ACTOR.no_deal_cost=0.2, "
    "ISSUE.no_deal=80, ACTOR.influence.ACTOR=0.3 (ops: = *= += -=), several joined "
    "by ';', or a YAML change such as {remove: CN}"
)


def _refuse(text: str, message: str) -> ScenarioError:
    return ScenarioError([Problem("--what-if", repr(text), message, WHAT_IF_HELP)])


def parse_what_if(text: str) -> list[Change]:
    """The changes a what-if text describes (see the module docstring).

    >>> [c.model_dump(exclude_none=True) for c in parse_what_if("RU.capability*=0.7")]
    [{'actor': 'RU', 'capability': '*0.7'}]
    >>> parse_what_if("territory.status_quo=55")[0].status_quo
    55.0
    """
    body = text.strip()
    if body.startswith(("{", "[")):
        try:
            tree = yaml_text.loads(body)
        except yaml.YAMLError as exc:
            raise _refuse(text, f"malformed YAML: {exc}") from None
        items = tree if isinstance(tree, list) else [tree]
    else:
        items = [_item(text, part.strip()) for part in body.split(";") if part.strip()]
    if not items:
        raise _refuse(text, "no change given")
    changes = []
    for item in items:
        try:
            changes.append(Change.model_validate(item))
        except ValidationError as exc:
            raise _refuse(text, "; ".join(e["msg"] for e in exc.errors())) from None
    return changes


def _item(text: str, part: str) -> dict[str, Any]:
    match = _FIELD.match(part)
    if match is None:
        raise _refuse(text, f"cannot read {part!r}")
    target, name, issue, op, raw = match.group("target", "field", "issue", "op", "value")
    name = "positions" if name == "position" else name
    try:
        value = yaml_text.loads(raw)
    except yaml.YAMLError:
        value = raw
    if name == "at_table":
        if op != "=" or not isinstance(value, bool):
            raise _refuse(text, f"{part!r}: at_table takes =true or =false")
        return {"actor": target, "at_table": value}
    if name == "veto":
        return {"actor": target, "veto": _veto_value(text, part, op, issue, raw, value)}
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _refuse(text, f"{part!r}: {raw!r} is not a number")
    adjust: Any = value if op == "=" else f"{op[0]}{value}"
    if op == "-=":
        adjust = f"-{value}"
    if (name in ("salience", "positions", "influence")) != (issue is not None):
        raise _refuse(
            text,
            f"{part!r}: salience and positions name an issue, influence an actor, "
            "the others neither",
        )
    if name == "influence":
        if op != "=" or not 0 <= value <= 1:
            raise _refuse(text, f"{part!r}: a tie takes =STRENGTH, from 0 to 1")
        return {"actor": target, "influence": {issue: value or None}}
    if name in ("status_quo", "no_deal"):
        return {"issue": target, name: adjust}
    if issue is not None:
        return {"actor": target, name: {issue: adjust}}
    return {"actor": target, name: adjust}


def variant_scenario(scenario: Scenario, name: str) -> tuple[Scenario, str]:
    """The scenario a variant describes, and what it is in words: a variant the
    scenario defines (its description, else its name), or a what-if text (itself)."""
    if name in scenario.variants:
        return scenario.variant(name), scenario.variants[name].description or name
    return scenario.with_changes(parse_what_if(name), label=f"what-if {name!r}"), name


def _veto_value(
    text: str, part: str, op: str, issue: str | None, raw: str, value: Any
) -> bool | list[str]:
    """``true``, ``false`` or issue ids separated by commas (or a YAML list)."""
    if op != "=" or issue is not None:
        raise _refuse(text, f"{part!r}: veto takes =true, =false or =ISSUE,ISSUE")
    if isinstance(value, bool):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    ids = [x.strip() for x in raw.split(",")]
    if not all(ids):
        raise _refuse(text, f"{part!r}: veto takes =true, =false or =ISSUE,ISSUE")
    return ids


def compare(
    scenario: Scenario | str | Path,
    variants: Sequence[str] | None = None,
    what_ifs: Sequence[str] = (),
    model: str = "all",
    preset: str | None = None,
    params: Mapping[str, Any] | None = None,
    rounds: int | None = None,
    force: bool = False,
) -> Comparison:
    """Forecast the baseline and each variant (see the module docstring).

    ``variants`` names the scenario's variants to run (None: all of them
    when no ``what_ifs`` are given, else none); ``what_ifs`` adds variants
    from texts. The other arguments are :func:`detente.forecast`'s.

    >>> c = compare("examples/ukraine-2025.yaml", variants=["sanctions-bite"], model="median")
    >>> sorted(c.delta()["sanctions-bite"]["median"])
    ['forecasts', 'gains']
    """
    from detente.io import as_scenario

    scn = as_scenario(scenario, force=force)
    names = list(variants) if variants is not None else ([] if what_ifs else list(scn.variants))
    built: dict[str, Scenario] = {}
    descriptions: dict[str, str] = {}
    for name in names:
        built[name] = scn.variant(name)
        descriptions[name] = scn.variants[name].description or name
    for text in what_ifs:
        built[text] = scn.with_changes(parse_what_if(text), label=f"what-if {text!r}")
        descriptions[text] = text
    if not built:
        raise ScenarioError(
            [
                Problem(
                    "<scenario>",
                    "variants",
                    "nothing to compare: the scenario defines no variants",
                    "add variants: to the scenario, or give --what-if",
                )
            ]
        )
    run = {"model": model, "preset": preset, "params": params, "rounds": rounds, "force": force}
    result = Comparison(scn, forecast(scn, **run), descriptions=descriptions)  # type: ignore[arg-type]
    for name, variant in built.items():
        result.variants[name] = forecast(variant, **run)  # type: ignore[arg-type]
    return result


__all__ = ["WHAT_IF_HELP", "Comparison", "compare", "parse_what_if", "variant_scenario"]
