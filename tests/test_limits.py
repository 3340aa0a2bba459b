"""The size limits: large files and runs past memory or time are refused up front."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from detente import forecast, load
from detente.cli import app
from detente.errors import ScenarioError
from detente.forecast import plan_models
from detente.limits import SizeError, SizeWarning
from detente.scenario import Scenario

runner = CliRunner()


def random_tree(n: int, m: int, seed: int = 0) -> dict[str, Any]:
    """A scenario of n actors on m issues, positions and saliences uniform."""
    rng = np.random.default_rng(seed)
    ids = [f"i{k}" for k in range(m)]
    return {
        "title": f"{n} x {m}",
        "issues": [{"id": i} for i in ids],
        "actors": [
            {
                "id": f"a{a}",
                "capability": float(1 + 99 * rng.random()),
                "positions": dict(zip(ids, (100 * rng.random(m)).round(1).tolist(), strict=True)),
                "salience": dict(zip(ids, rng.random(m).round(3).tolist(), strict=True)),
            }
            for a in range(n)
        ],
    }


@pytest.fixture(scope="module")
def huge() -> Scenario:
    return Scenario.from_tree(random_tree(2000, 20))


def test_exchange_on_2000_actors_is_refused_naming_the_limit(huge: Scenario) -> None:
    with pytest.raises(SizeError) as info:
        plan_models(huge, "exchange", None, {}, None)
    text = str(info.value)
    assert "exchange on 2000 actors x 20 issues needs about 41.1 GiB of memory" in text
    assert "over the limit of 2 GiB" in text and "--force" in text


def test_all_skips_the_models_past_a_limit_and_runs_the_rest(huge: Scenario) -> None:
    planned, skipped = plan_models(huge, "all", None, {}, None)
    assert [p.name for p in planned] == ["median", "compromise", "nbs", "eu"]
    assert set(skipped) == {"exchange", "smp"}
    assert "over the limit of 30 minutes" in skipped["smp"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        planned, skipped = plan_models(huge, "all", None, {}, None, force=True)
    assert not skipped and len(planned) == 6
    said = sorted(str(w.message).split(" on ")[0] for w in caught)
    assert said == ["exchange", "smp"]  # forced past the limits: each says how long


def test_many_draws_count_and_name_dask(flagship: Path) -> None:
    scenario = Scenario.from_tree(random_tree(100, 10))
    with pytest.raises(SizeError, match=r"\(1,000 runs\).*a Dask cluster"):
        plan_models(scenario, "exchange", None, {}, None, runs=1000)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plan_models(load(flagship), "exchange", None, {}, None, runs=10_000)
    assert not caught  # the flagship's 10,000 draws take seconds


def test_a_slow_run_within_the_limits_is_announced() -> None:
    scenario = Scenario.from_tree(random_tree(150, 10))
    with pytest.warns(SizeWarning, match="exchange on 150 actors x 10 issues may run for about"):
        plan_models(scenario, "exchange", None, {}, None)


def test_a_large_file_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flagship: Path
) -> None:
    # Issue 12, finding 6: a 52.8 MB YAML was read silently (52 s, 950 MB).
    monkeypatch.setattr("detente.limits.MAX_FILE_MB", 0.001)
    with pytest.raises(ScenarioError) as info:
        load(flagship)
    (problem,) = info.value.problems
    assert "the file is 0.0 MB, over the limit of 0.001 MB" in problem.message
    assert "--force" in problem.fix
    with pytest.warns(SizeWarning, match="a large scenario file"):
        assert load(flagship, force=True).title


def test_cli_refuses_a_large_file_and_forces_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flagship: Path
) -> None:
    monkeypatch.setattr("detente.limits.MAX_FILE_MB", 0.001)
    result = runner.invoke(app, ["validate", str(flagship)])
    assert result.exit_code == 2 and "over the limit of 0.001 MB" in result.stderr
    result = runner.invoke(app, ["validate", str(flagship), "--force"])
    assert result.exit_code == 0 and "warning:" in result.stderr


def test_an_xlsx_counts_unpacked(tmp_path: Path, flagship: Path) -> None:
    from detente import save
    from detente.limits import file_megabytes

    path = save(load(flagship), tmp_path / "s.xlsx")[0]
    assert file_megabytes(path) > path.stat().st_size / 1e6


def test_forced_model_runs(monkeypatch: pytest.MonkeyPatch, flagship: Path) -> None:
    monkeypatch.setattr("detente.limits.MEMORY_LIMIT_GIB", 1e-9)
    with pytest.raises(SizeError):
        forecast(flagship, model="exchange")
    assert forecast(flagship, model="exchange", force=True)["exchange"].forecasts


def test_draws_in_groups_give_the_same_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    from detente.models import exchange_draws

    rng = np.random.default_rng(3)
    x, s = rng.random((7, 6, 4)), rng.random((7, 6, 4))
    w = s * (1 + rng.random((7, 6, 1)))
    whole = exchange_draws.equal_gain_over_draws(x, s, w, rounds=3)
    monkeypatch.setattr(exchange_draws, "DRAW_MEMORY", 1)  # one draw at a time
    grouped = exchange_draws.equal_gain_over_draws(x, s, w, rounds=3)
    for a, b in zip(
        (whole.rounds, whole.forecasts, whole.counts, whole.converged),
        (grouped.rounds, grouped.forecasts, grouped.counts, grouped.converged),
        strict=True,
    ):
        np.testing.assert_array_equal(a, b)


def test_finding_5_as_written(tmp_path: Path) -> None:
    """``forecast --model exchange`` on 2000 actors x 20 issues within 8 GB of address
    space: refused with status 2, naming the limit and --force, in well under 400 s."""
    import yaml

    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(random_tree(2000, 20), sort_keys=False), encoding="utf-8")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (8 << 30, 8 << 30))

    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "detente", "forecast", str(path), "--model", "exchange"],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=400,
        check=False,
    )
    assert time.perf_counter() - start < 400
    assert done.returncode == 2, done.stderr
    assert "over the limit of 2 GiB" in done.stderr and "--force" in done.stderr
    assert "Traceback" not in done.stderr
