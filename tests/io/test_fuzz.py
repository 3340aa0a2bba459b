"""The loader fuzz: broken files of every format load or are refused with a message.

Bounded and derandomized (the suite's Hypothesis profile): the same files on
every run. ``scripts/fuzz_loaders.py`` runs the same mutations far longer.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.io.fuzzing import FORMATS, loads_or_refuses, set_table_folder, write_broken


@pytest.fixture(scope="module", autouse=True)
def _seed_tables(tmp_path_factory: pytest.TempPathFactory) -> None:
    set_table_folder(tmp_path_factory.mktemp("seeds"))


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_broken_file_loads_or_is_refused(fmt: str, data: st.DataObject) -> None:
    def choose(n: int) -> int:
        return data.draw(st.integers(0, max(n - 1, 0)))

    with tempfile.TemporaryDirectory() as folder:
        path = write_broken(fmt, Path(folder), choose)
        loads_or_refuses(path)
