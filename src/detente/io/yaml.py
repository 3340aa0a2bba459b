"""The YAML scenario format: the one people write by hand (UTF-8).

Read and written with YAML 1.2's core schema rather than PyYAML's YAML 1.1:
only ``true``/``false`` are booleans (``yes``, ``no``, ``on``, ``off`` stay
text, and a field that wants a boolean says so), ``1e3`` is a number as in
every spreadsheet, and a key given twice in one mapping is refused rather
than silently replaced by the last. Only plain data is built (safe loading).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from detente.errors import Problem, ScenarioError
from detente.scenario import Scenario

_BOOL = "tag:yaml.org,2002:bool"
_FLOAT = "tag:yaml.org,2002:float"
_CORE_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_CORE_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


def _core_schema(cls: Any) -> None:
    """Swap YAML 1.1's booleans and floats for YAML 1.2's on a loader or dumper class
    (the int resolver, tried first, still takes ``10``)."""
    cls.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _FLOAT)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    cls.add_implicit_resolver(_BOOL, _CORE_BOOL, list("tTfF"))
    cls.add_implicit_resolver(_FLOAT, _CORE_FLOAT, list("-+0123456789."))


#: libyaml's parser where PyYAML was built with it (about 20 times faster on a scenario);
#: the constructor and the resolvers stay PyYAML's, so what is read is the same.
_SafeBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_SafeBase):  # type: ignore[misc]
    """Safe loading, YAML 1.2 booleans and numbers, duplicate keys refused."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:
                continue  # unhashable: the base class says so
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark
                )
        return super().construct_mapping(node, deep=deep)


class Dumper(yaml.SafeDumper):
    """Writes what :class:`Loader` reads back the same (quotes text such as ``1e3``)."""


_core_schema(Loader)
_core_schema(Dumper)


def loads(text: str) -> Any:
    """Plain data from YAML text, as scenario files are read."""
    return yaml.load(text, Loader=Loader)  # a SafeLoader: plain data only


def dump(tree: Any, **options: Any) -> str:
    """YAML text that :func:`loads` reads back to ``tree``."""
    return yaml.dump(tree, Dumper=Dumper, allow_unicode=True, **options)


def read(path: Path) -> Scenario:
    """Parse with YAML's safe loader and validate."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [Problem(str(path), f"byte {exc.start}", "not UTF-8 text", "save the file as UTF-8")]
        ) from None
    try:
        tree = loads(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        fix = (
            "keep one of them"
            if "appears twice" in reason
            else "check indentation, colons and quotes there"
        )
        raise ScenarioError([Problem(str(path), where, f"malformed YAML: {reason}", fix)]) from None
    return Scenario.from_tree(tree, file=str(path))


def dumps(scenario: Scenario) -> str:
    """The scenario as YAML text, Unicode kept readable."""
    return dump(scenario.to_tree(), sort_keys=False, width=88)


def write(scenario: Scenario, path: Path) -> list[Path]:
    path.write_text(dumps(scenario), encoding="utf-8")
    return [path]
