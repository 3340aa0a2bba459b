"""schemathesis over /openapi.json: every operation against every check, zero failures.

The API's schema is what scripts read: each status an operation may answer is
listed with its body, each request body typed as it is read, each method it
does not answer refused with ``Allow``. The suite's run is bounded (a fixed
seed, :data:`EXAMPLES` fuzzed cases per operation); ``schemathesis.toml``
beside this file serves a longer run by hand against ``detente serve``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

from tests.web.conftest import make_client  # noqa: E402

CONFIG = Path(__file__).with_name("schemathesis.toml")
#: Fuzzed cases per operation (and phase), the same ones every run.
EXAMPLES = 5
# The coverage phase tries each field of a body at its bounds: over a scenario's
# schema, a thousand cases and twenty seconds for each operation that takes one,
# all reaching the one check (Scenario.from_tree) that tests/test_scenario.py
# covers. The suite fuzzes those operations and leaves their coverage to longer runs.
SUITE = """
[[operations]]
include-name-regex = '^(POST /api/(forecast|jobs|export)|PUT /api/scenarios/\\{name\\})$'
phases.coverage.enabled = false
"""

_root = Path(tempfile.mkdtemp(prefix="detente-schemathesis-"))
_client = make_client(_root)
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", _client.app, config=schemathesis.Config.from_str(CONFIG.read_text() + SUITE)
)


@pytest.fixture(scope="module", autouse=True)
def _served() -> Iterator[None]:
    """The app's start and stop (worker processes), around the module's tests."""
    with _client:
        yield
    shutil.rmtree(_root, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_keeps_its_schema(case: Any) -> None:
    case.call_and_validate()
