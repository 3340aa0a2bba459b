"""Forecast intervals on DEU: leave-one-proposal-out scores and the shipped calibration."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.backtest import Backtest, backtest
from detente.calibration import clusters, deu_frame, fit_models, stakes
from detente.datasets import deu
from detente.intervals import LEVELS, load_calibration
from tests.conftest import DATA
from tests.datasets.test_deu import CORA

QUICK = "compromise,headline,median,nbs,eu"


@pytest.fixture(scope="module")
def data() -> deu.DeuData:
    return deu.read(DATA / "deu" / "deu3.tsv")


@pytest.fixture(scope="module")
def quick(data: deu.DeuData) -> Backtest:
    return backtest(data, models=QUICK, bootstrap=100, draws=0)


def test_the_shipped_calibration_is_a_fresh_fit_on_deu(data: deu.DeuData, quick: Backtest) -> None:
    # The file records six decimals; every quick model refits to it. (exchange, smp and
    # the ensemble take a minute more: `detente backtest deu --models all --draws 0
    # --save-intervals FILE` rewrites all of them.)
    shipped = load_calibration()
    fresh = fit_models(
        {m: quick.forecasts[m, "equal"] for m in QUICK.split(",")}, data, stakes(data)
    )
    for name, cal in fresh.models.items():
        assert shipped.models[name].t == pytest.approx(cal.t, abs=1e-6), name
        assert (shipped.models[name].issues, shipped.models[name].proposals) == (
            cal.issues,
            cal.proposals,
        )
    assert fresh.models["nbs"].issues == 252 and fresh.models["compromise"].issues == 351


def test_the_headline_holds_its_coverage_and_beats_the_conformal_baseline(
    quick: Backtest,
) -> None:
    # Leave-one-proposal-out on the 351 issues (equal capability). The baseline, the
    # split-conformal interval f +- q, reproduces the shared notes' figures (90.0% at a
    # mean width of 83.3; 50.4% at 35.8; ../shared/notes/honest-intervals.md).
    s = quick.scores["headline", "equal"]
    fi, base = s.forecast_interval, s.conformal_baseline
    assert fi is not None and base is not None
    assert 0.85 <= fi["coverage"]["90"] <= 0.95 and 0.45 <= fi["coverage"]["50"] <= 0.55
    assert base["coverage"]["90"] == pytest.approx(0.900, abs=0.001)
    assert base["width"]["90"] == pytest.approx(83.3, abs=0.05)
    assert base["width"]["50"] == pytest.approx(35.8, abs=0.05)
    # Sharper at 90% and better scored overall (CRPS); at 50% about 4% wider.
    assert fi["width"]["90"] == pytest.approx(76.3, abs=0.05)
    assert fi["width"]["50"] == pytest.approx(37.3, abs=0.05)
    assert fi["width"]["90"] < base["width"]["90"]
    assert fi["crps"] == pytest.approx(16.45, abs=0.005) and fi["crps"] < base["crps"]
    assert s.forecast_interval == quick.scores["compromise", "equal"].forecast_interval


def test_rows_hold_each_issue_and_its_nested_intervals(quick: Backtest, data: deu.DeuData) -> None:
    rows = quick.scores["headline", "equal"].rows
    assert len(rows) == 351
    covered = 0
    for row, issue in zip(rows, data.issues, strict=True):
        assert (row["proposal"], row["issue"], row["outcome"]) == (
            issue.proposal,
            issue.id,
            issue.outcome,
        )
        (l5, h5), (l9, h9) = row["interval"]["50"], row["interval"]["90"]
        assert 0 <= l9 <= l5 <= row["forecast"] + 0.01
        assert row["forecast"] - 0.01 <= h5 <= h9 <= 100
        covered += l9 <= row["outcome"] <= h9
    fi = quick.scores["headline", "equal"].forecast_interval
    assert fi is not None and covered / 351 == pytest.approx(fi["coverage"]["90"], abs=1e-4)
    # nbs forecasts only the issues with a reference point.
    assert len(quick.scores["nbs", "equal"].rows) == 252


def test_leave_one_proposal_out_by_hand(tmp_path: Path) -> None:
    # Two usable proposals of two issues each: each proposal's intervals come from the
    # other's two residuals alone, and with two residuals every level takes the larger
    # (the ceil(3 c)-th smallest of 2, capped at 2).
    path = tmp_path / "deu.csv"
    path.write_text(CORA, encoding="utf-8")
    data = deu.read(path)
    result = backtest(data, models="compromise", bootstrap=100, draws=0)
    f = result.forecasts["compromise", "equal"]
    fr = deu_frame(f, stakes(data))
    r = fr.residual(data.outcomes / 100)
    cl = clusters(data)
    rows = result.scores["compromise", "equal"].rows
    for k, row in enumerate(rows):
        t = np.max(r[cl != cl[k]])
        lo, hi = fr.bounds(np.full(len(f), t))
        for level in ("50", "90"):
            assert row["interval"][level] == pytest.approx([lo[k] * 100, hi[k] * 100], abs=0.01)


def test_headline_alone_is_one_entry_named_headline(tmp_path: Path) -> None:
    path = tmp_path / "deu.csv"
    path.write_text(CORA, encoding="utf-8")
    out = backtest(path, models="headline", bootstrap=100, draws=0).to_dict()
    assert list(out["models"]) == ["headline"]
    assert set(out["models"]["headline"]["forecast_interval"]) == {"coverage", "width", "crps"}


def test_levels_include_the_reported_ones() -> None:
    assert 0.5 in LEVELS and 0.9 in LEVELS and len(LEVELS) == 102
