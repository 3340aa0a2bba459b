"""The architecture's rules, checked (see docs/architecture.md)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from detente.models import REGISTRY
from tests.conftest import ROOT

SRC = ROOT / "src" / "detente"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 100
#: Over the limits when the limits were set, in modules other work owns; each is split
#: by its owner. This list only shrinks: an entry within the limits must go.
PENDING: set[str] = set()
#: What nothing under models/ may import: models compute, they never show or store.
NOT_FROM_MODELS = ("cli", "report", "web", "render", "console", "uncertainty", "store")


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _over_the_limits() -> set[str]:
    found = set()
    for path in _modules():
        name = path.relative_to(SRC).as_posix()
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            found.add(name)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES:
                    found.add(f"{name}:{node.name}")
    return found


def test_modules_and_functions_stay_small() -> None:
    found = _over_the_limits()
    assert found <= PENDING, sorted(found - PENDING)
    assert found >= PENDING, f"within the limits now, take off PENDING: {sorted(PENDING - found)}"


def test_models_import_no_presentation_nor_storage() -> None:
    for path in sorted((SRC / "models").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                parts = name.split(".")
                assert parts[0] != "rich", f"{path}: imports {name}"
                if parts[0] == "detente":
                    assert parts[1] not in NOT_FROM_MODELS, f"{path}: imports {name}"


def test_import_detente_loads_no_heavy_library() -> None:
    # Every command pays for `import detente`: the libraries only some commands need
    # load when first used (docs/architecture.md).
    code = (
        "import sys, detente; "
        "print(' '.join(m for m in ('numpy', 'scipy', 'pydantic', 'sqlalchemy', 'pandas', "
        "'matplotlib', 'jinja2') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == ""


def test_the_traits_table_says_what_the_models_declare() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| `(\w+)` \| (yes|no) \| (yes|no) \| (yes|no) \| (yes|no) \| (yes|no) \| (yes|no) \|$",
        text,
        re.M,
    )
    table = {name: [v == "yes" for v in values] for name, *values in rows}
    traits = ("dynamic", "seeded", "batched", "joint", "quick_to_calibrate", "order_invariant")
    assert table == {
        name: [bool(getattr(model, t)) for t in traits] for name, model in REGISTRY.items()
    }
