"""The YAML scenario format: the one people write by hand (UTF-8).

Read and written with YAML 1.2's core schema rather than PyYAML's YAML 1.1:
only ``true``/``false`` are booleans (``yes``, ``no``, ``on``, ``off`` stay
text, and a field that wants a boolean says so), ``1e3`` is a number as in
every spreadsheet, and a key given twice in one mapping is refused rather
than silently replaced by the last. Only plain data is built (safe loading),
nested at most :data:`MAX_DEPTH` levels deep (a scenario needs six): deeper
nesting is refused at once, before Python's recursion limit is reached.
Aliases (``*name``) may repeat at most :data:`MAX_REPEATED` nodes in all, and
never an anchor inside itself, so a few lines cannot expand to billions of
values (the "billion laughs").
libyaml parses when it is installed (about five times faster than PyYAML's
own parser); the document is composed in Python either way, where the depth
is counted.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from detente.errors import Problem, ScenarioError
from detente.scenario import Scenario

#: Deepest nesting of lists and mappings read (a scenario's deepest is six).
MAX_DEPTH = 50
#: Most nodes that aliases may add to a document, counted as if written out.
MAX_REPEATED = 1_000_000
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


class _Strict:
    """Safe loading, YAML 1.2 booleans and numbers, duplicate keys and deep nesting refused."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[attr-defined]
                raise yaml.composer.ComposerError(
                    None, None, f"lists and mappings nested more than {MAX_DEPTH} deep", mark
                )
            return super().compose_node(parent, index)  # type: ignore[misc,no-any-return]
        finally:
            self.depth -= 1

    def compose_document(self) -> yaml.Node:
        node: yaml.Node = super().compose_document()  # type: ignore[misc]
        distinct, expanded = _sizes(node)
        if expanded - distinct > MAX_REPEATED:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"aliases repeat {expanded - distinct:,} values, more than the "
                f"{MAX_REPEATED:,} allowed",
                node.start_mark,
            )
        return node

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[attr-defined]
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:
                continue  # unhashable: the base class says so
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark
                )
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc,no-any-return]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _sizes(root: yaml.Node) -> tuple[int, int]:
    """Nodes of a composed document as stored (aliases shared) and as written out.

    Depth first without recursion; an anchor met again inside itself is refused.
    """
    sizes: dict[int, int] = {}
    inside: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            sizes[key] = 1 + sum(sizes[id(c)] for c in _children(node))
            inside.discard(key)
            continue
        if key in sizes:
            continue
        inside.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in inside:
                raise yaml.composer.ComposerError(
                    None, None, "an alias refers to the list or mapping it is in", node.start_mark
                )
            stack.append((child, False))
    return len(sizes), sizes[id(root)]


if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class Loader(_Strict, Composer, CParser, SafeConstructor, Resolver):  # type: ignore[misc]
        """libyaml's parser, PyYAML's composer (depth counted) and safe constructor."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml

    class Loader(_Strict, yaml.SafeLoader):  # type: ignore[no-redef]
        """PyYAML's own safe loader."""


class Dumper(yaml.SafeDumper):
    """Writes what :class:`Loader` reads back the same (quotes text such as ``1e3``)."""


_core_schema(Loader)
_core_schema(Dumper)


def loads(text: str) -> Any:
    """Plain data from YAML text, as scenario files are read."""
    return yaml.load(text, Loader=Loader)  # type: ignore[arg-type]  # safe: plain data only


def dump(tree: Any, **options: Any) -> str:
    """YAML text that :func:`loads` reads back to ``tree``."""
    return yaml.dump(tree, Dumper=Dumper, allow_unicode=True, **options)


def read(path: Path) -> Scenario:
    """Parse with YAML's safe loader and validate."""
    return Scenario.from_tree(read_tree(path), file=str(path))


def read_tree(path: Path) -> Any:
    """The plain data of a YAML file, or ScenarioError naming the file, where and the fix
    (scenarios, track snapshots and observation files are all read by this)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [Problem(str(path), f"byte {exc.start}", "not UTF-8 text", "save the file as UTF-8")]
        ) from None
    except OSError as exc:
        raise ScenarioError(
            [Problem(str(path), "", f"cannot read it: {exc.strerror or exc}", "check the path")]
        ) from None
    try:
        tree = loads(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        if "appears twice" in reason:
            fix = "keep one of them"
        elif "alias" in reason:
            fix = "write the repeated parts out, or repeat fewer of them"
        elif "nested more than" in reason:
            fix = "a scenario nests lists and mappings at most six deep: remove the extra ones"
        else:
            fix = "check indentation, colons and quotes there"
        raise ScenarioError([Problem(str(path), where, f"malformed YAML: {reason}", fix)]) from None
    return tree


def dumps(scenario: Scenario) -> str:
    """The scenario as YAML text, Unicode kept readable."""
    return dump(scenario.to_tree(), sort_keys=False, width=88)


def write(scenario: Scenario, path: Path) -> list[Path]:
    path.write_text(dumps(scenario), encoding="utf-8")
    return [path]
