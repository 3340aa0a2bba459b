"""Saving a scenario over its own YAML file without losing the analyst's comments.

A scenario file carries its reasoning in comments (``status_quo: 75  # Russia
holds Crimea...``), which a plain YAML writer drops. :func:`merged_yaml` reads
the old file with ruamel.yaml's round-trip loader, which keeps each comment on
the key or item it follows, changes in place only what the new tree changes
(mappings key by key, lists of actors or issues by id, other lists item by
item), and writes it back. Values that did not change keep their quoting and
layout too, so the file's diff shows the edit and nothing else.

The result is checked: read back the way detente reads scenarios, it must be
the scenario that was saved; otherwise (a layout ruamel.yaml cannot update)
the caller writes the file afresh.
"""

from __future__ import annotations

import io
from collections.abc import MutableMapping, MutableSequence
from datetime import date
from typing import Any

from detente.io import yaml as yaml_io
from detente.scenario import Scenario


def _same(old: Any, new: Any) -> bool:
    """Equal and of the same kind (``True`` is not ``1``; ``80`` is ``80.0``)."""
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    if isinstance(old, int | float) and isinstance(new, int | float):
        return float(old) == float(new)
    if isinstance(old, str) and isinstance(new, str):
        return str(old) == new  # a quoted or folded string keeps its style
    if isinstance(old, date) and isinstance(new, str | date):
        return old.isoformat() == (new if isinstance(new, str) else new.isoformat())
    return type(old) is type(new) and old == new


def _key(item: Any) -> Any:
    return item.get("id") if isinstance(item, MutableMapping) else None


def _merge(old: Any, new: Any) -> Any:
    """``new``, built by changing ``old`` in place where both are mappings or lists."""
    if isinstance(old, MutableMapping) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            del old[key]
        for key, value in new.items():
            if key in old:
                old[key] = _merge(old[key], value)
            elif value not in ([], {}, None):  # an empty default the file left out stays out
                old[key] = value
        return old
    if isinstance(old, MutableSequence) and isinstance(new, list):
        by_id = {_key(item): item for item in old if _key(item) is not None}
        merged = []
        for k, value in enumerate(new):
            if _key(value) is not None:
                before = by_id.get(_key(value))
            else:
                before = old[k] if k < len(old) else None
            merged.append(value if before is None else _merge(before, value))
        if len(merged) == len(old) and all(a is b for a, b in zip(merged, old, strict=True)):
            return old
        old[:] = merged
        return old
    return old if _same(old, new) else new


def merged_yaml(old_text: str, scenario: Scenario) -> str | None:
    """``old_text`` (a scenario's YAML) changed to hold ``scenario``, its comments kept.

    ``None`` when that cannot be done faithfully (ruamel.yaml is missing, the
    old text does not parse, or the result would not read back as ``scenario``).
    """
    try:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError
        from ruamel.yaml.util import load_yaml_guess_indent
    except ImportError:
        return None
    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 4096  # re-wrapping long texts would show as changes
    try:
        # The file's own indentation: a list's items at ``indent``, their dash at ``dash``
        # (``  - id: x``: 4 and 2), a mapping's keys as deep as the dash leaves them.
        _, indent, dash = load_yaml_guess_indent(old_text)
        indent, dash = indent or 2, dash or 0
        rt.indent(mapping=indent - dash if indent > dash else indent, sequence=indent, offset=dash)
        doc = rt.load(old_text)
    except YAMLError:
        return None
    if not isinstance(doc, MutableMapping):
        return None
    tree = scenario.to_tree()
    _merge(doc, tree)
    out = io.StringIO()
    rt.dump(doc, out)
    text = out.getvalue()
    try:
        again = Scenario.from_tree(yaml_io.loads(text))
    except Exception:
        return None
    return text if again.to_tree() == tree else None
