"""The YAML scenario format: the one people write by hand (UTF-8)."""

from __future__ import annotations

from pathlib import Path

import yaml

from detente.errors import Problem, ScenarioError
from detente.scenario import Scenario


def read(path: Path) -> Scenario:
    """Parse with YAML's safe loader and validate."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [Problem(str(path), f"byte {exc.start}", "not UTF-8 text", "save the file as UTF-8")]
        ) from None
    try:
        tree = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    where,
                    f"malformed YAML: {reason}",
                    "check indentation, colons and quotes there",
                )
            ]
        ) from None
    return Scenario.from_tree(tree, file=str(path))


def dumps(scenario: Scenario) -> str:
    """The scenario as YAML text, Unicode kept readable."""
    return yaml.safe_dump(scenario.to_tree(), allow_unicode=True, sort_keys=False, width=88)


def write(scenario: Scenario, path: Path) -> list[Path]:
    path.write_text(dumps(scenario), encoding="utf-8")
    return [path]
