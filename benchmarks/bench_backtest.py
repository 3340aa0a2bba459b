"""How long the DEU backtest takes, against naive ways of doing the same work.

Run as ``python benchmarks/bench_backtest.py`` (add ``--quick`` for a smoke
run on a tenth of the data). Three measurements, each with its naive
baseline timed in the same run:

1. **Point forecasts** of every registered model (the ensemble included) on
   every usable issue,
   under one proxy: :func:`detente.backtest.backtest` (arrays built once per
   issue or proposal, capability swapped in as an array) against calling the
   public :func:`detente.forecast` on each issue's scenario (each proposal's,
   for the joint models), which validates and converts the scenario and
   computes gains on every call.
2. **The full backtest** (``detente backtest deu --models all --capability
   all --workers 2``: every model, the tuned ensemble, all six proxies,
   calibration of the vectorised models with 200 draws, 2000 bootstrap
   replicates) on a local Dask cluster of 2 workers, against the same run
   in-process.
3. **Lisbon power indices** of a 20-member Council by meeting in the middle
   (:mod:`detente.datasets.power`), against listing all 2^19 coalitions of
   the other members for each member (vectorised, but exhaustive); the
   28-member Council, where exhaustive listing is out of reach, is timed too.

The table printed is the one in ``docs/validation.md``.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from detente import forecast
from detente.backtest import backtest, build_units, is_joint
from detente.datasets import deu
from detente.datasets.capability import capability, figures
from detente.datasets.power import lisbon_threshold, power_index
from detente.models import REGISTRY

CPU: dict[str, float] = {}


def timed(fn: Callable[[], Any], label: str = "") -> tuple[float, Any]:
    """Wall-clock seconds of ``fn()``; its CPU seconds in this process go to ``CPU[label]``."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    CPU[label] = time.process_time() - cpu
    return time.perf_counter() - start, out


def naive_point_forecasts(data: deu.DeuData, proxy: str) -> dict[str, np.ndarray]:
    """Every model through the public forecast API, one scenario at a time."""
    actors = sorted({a for i in data.issues for a in i.actors})
    cap = capability(proxy, actors, data.gdp)
    index = {issue.id: k for k, issue in enumerate(data.issues)}
    out = {name: np.full(len(data.issues), np.nan) for name in REGISTRY}
    for name, model in REGISTRY.items():
        groups = data.proposals.values() if is_joint(name) else [(i,) for i in data.issues]
        for group in groups:
            scenario = data.scenario(group, cap)
            if model.applies(scenario.to_arrays()) is not None:
                continue
            result = forecast(scenario, model=name)[name]
            for issue_id, value in result.forecasts.items():
                out[name][index[issue_id]] = np.nan if value is None else value
    return out


def naive_power(population: list[int], threshold: np.ndarray) -> np.ndarray:
    """Shapley-Shubik by listing every coalition of the other members."""
    n = len(population)
    w = np.asarray(population, dtype=np.int64)
    order = np.array([math.factorial(k) * math.factorial(n - k - 1) for k in range(n)]) / (
        math.factorial(n)
    )
    phi = np.zeros(n)
    for i in range(n):
        others = np.delete(w, i)
        masks = np.arange(2 ** (n - 1), dtype=np.int64)
        bits = (masks[:, None] >> np.arange(n - 1)) & 1
        size, weight = bits.sum(axis=1), bits @ others
        swing = (weight < threshold[size]) & (weight + w[i] >= threshold[size + 1])
        phi[i] = (order[size] * swing).sum()
    return phi / phi.sum()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the proposals")
    args = parser.parse_args()
    data = deu.read()
    if args.quick:
        data = data.select(list(data.proposals)[::10])
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"{len(data.issues)} issues, {len(data.proposals)} proposals; "
        f"models: {', '.join(REGISTRY)}"
    )
    rows = []

    registered = ",".join(REGISTRY)
    fast, result = timed(lambda: backtest(data, models=registered, draws=0, bootstrap=2000))
    slow, naive = timed(lambda: naive_point_forecasts(data, "equal"))
    for name in REGISTRY:
        ours = result.forecasts[name, "equal"]
        assert np.allclose(ours, naive[name], equal_nan=True), name
    rows.append(("point forecasts, all models, 1 proxy", slow, fast, "forecast() per scenario"))

    def full(workers: int | None) -> Any:
        return backtest(
            data, models="all", capability="all", draws=200, bootstrap=2000, workers=workers
        )

    local, _ = timed(lambda: full(None), "in-process")
    spread, run = timed(lambda: full(2))
    rows.append(("full backtest, 6 proxies + calibration", local, spread, "same, in-process"))

    rng = np.random.default_rng(0)
    population = rng.integers(400_000, 80_000_000, size=20).tolist()
    t20 = lisbon_threshold(population)
    ours20, mitm = timed(lambda: power_index(population, t20))
    brute20, exact = timed(lambda: naive_power(population, t20))
    assert np.allclose(mitm, exact)
    rows.append(("Shapley-Shubik, 20 members", brute20, ours20, "all 2^19 coalitions"))
    eu = [int(r["population"]) for r in figures().values() if r["population"]]
    t28, _ = timed(lambda: power_index(eu, lisbon_threshold(eu)))
    rows.append(("Shapley-Shubik, EU-28 (Lisbon)", math.nan, t28, "(2^27 per member)"))

    print()
    print("| work | naive (s) | detente (s) | speed-up | naive baseline |")
    print("|---|---:|---:|---:|---|")
    for what, slow_s, fast_s, how in rows:
        ratio = "—" if math.isnan(slow_s) else f"{slow_s / fast_s:.1f}x"
        naive_s = "—" if math.isnan(slow_s) else f"{slow_s:.2f}"
        print(f"| {what} | {naive_s} | {fast_s:.2f} | {ratio} | {how} |")
    print()
    print(f"full backtest on 2 workers: {spread:.1f} s (under 300 s: {spread < 300})")
    print(
        f"full backtest in-process: {local:.1f} s wall, {CPU['in-process']:.1f} s CPU "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end)"
    )
    print(f"models in the table: {', '.join(run.models)}")
    units = build_units(data, joint=False)
    print(f"units: {len(units)} issues, {len(data.proposals)} proposals")


if __name__ == "__main__":
    main()
