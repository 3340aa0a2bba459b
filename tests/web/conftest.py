"""A workbench over a temporary library holding a copy of the flagship scenario.

Each app gets ``ROOT/library`` (its scenarios folder, with
``ukraine-2025.yaml``), ``ROOT/runs.sqlite`` (its run store) and, beside the
library, ``ROOT/secret.yaml``: a valid scenario that no request may reach.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from detente.web import Settings, create_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FLAGSHIP = EXAMPLES / "ukraine-2025.yaml"


def make_client(root: Path, **settings: Any) -> TestClient:
    """A TestClient of a fresh app on ``root`` (see the module docstring)."""
    library = root / "library"
    library.mkdir(parents=True, exist_ok=True)
    shutil.copy(FLAGSHIP, library)
    shutil.copy(FLAGSHIP, root / "secret.yaml")
    app = create_app(Settings(scenarios=library, db=str(root / "runs.sqlite"), **settings))
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with make_client(tmp_path_factory.mktemp("web")) as c:
        yield c


@pytest.fixture(scope="module")
def library(client: TestClient) -> Path:
    return client.app.state.library.folder  # type: ignore[attr-defined,no-any-return]
