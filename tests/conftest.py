"""Shared fixtures: paths to the examples and test data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"

# The suite is reproducible: property tests draw the same examples on every run and
# machine, so a red run is a finding to fix, never a roll of the dice. To hunt for
# new counterexamples run e.g. `HYPOTHESIS_PROFILE=explore pytest --hypothesis-seed=7`.
settings.register_profile("fixed", max_examples=60, deadline=None, derandomize=True)
settings.register_profile("explore", max_examples=60, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))


@pytest.fixture
def flagship() -> Path:
    return EXAMPLES / "ukraine-2025.yaml"


@pytest.fixture
def february() -> Path:
    """The flagship as it stood before vetoes, costs and ties: February's table alone."""
    return DATA / "beyond" / "ukraine-2025-february.yaml"


@pytest.fixture(autouse=True)
def _throwaway_run_store(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Runs that commands save go to a store of the test session, never the user's."""
    monkeypatch.setenv("DETENTE_DB", str(tmp_path_factory.getbasetemp() / "runs.sqlite"))


@pytest.fixture(autouse=True)
def _run_in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Doctests and examples use paths relative to the repository root."""
    monkeypatch.chdir(ROOT)
