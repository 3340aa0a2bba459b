"""How fast Monte Carlo runs, against running the same draws one at a time.

Run as ``python benchmarks/bench_simulate.py`` (``--quick`` for a smoke run
with a tenth of the draws). Every measurement uses the flagship scenario
``examples/ukraine-2025.yaml`` (5 actors, 5 issues, 11 inputs with ranges),
and each is set against a baseline timed in the same run:

1. **Draws per second of each registered model** through
   :func:`detente.simulate` (in-process, 10,000 draws; models that are not
   batched run fewer draws, as noted), against the naive way: the same
   drawn inputs, one ``model.run`` call per draw. The issue's targets are
   checked: ``compromise`` under 1 s and ``eu`` under 30 s for 10,000 draws.
2. **``--workers 2``** (a LocalCluster of 2 worker processes) against
   in-process, on the same draws: the cluster's start-up, then the run on the
   warm cluster, and the speed-up of each. A pure-Python busy loop, run the
   same two ways, shows how much parallelism the machine offers at the time
   (on a shared machine, less than its core count).
3. **Dask's overhead on a tiny run**: 100 draws of ``compromise`` on the warm
   cluster against in-process.
4. **Sensitivity** (``detente sensitivity``, N = 1000, so 13,000 model runs)
   per batched model.

The table printed is the one in ``docs/uncertainty.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from detente import load, sensitivity, simulate
from detente.models import REGISTRY
from detente.parallel import Executor, blocks
from detente.uncertainty import apply_values, draw_values, plan_models, uncertain_inputs

FLAGSHIP = "examples/ukraine-2025.yaml"
TARGETS = {"compromise": 1.0, "eu": 30.0}


def timed(fn: Callable[[], Any], repeat: int = 1) -> float:
    """Best wall time of ``repeat`` runs (seconds)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def busy(n: int) -> int:
    """Pure-Python work: how much parallelism the machine gives two processes right now."""
    total = 0
    for i in range(n):
        total += i * i
    return total


def row(*cells: object) -> str:
    """A table row: the first cell left-aligned, the others right-aligned."""
    head, *rest = (str(c) for c in cells)
    return f"{head:<11}" + "".join(f"{c:>14}" for c in rest)


def one_at_a_time(name: str, draws: int) -> float:
    """Seconds for the naive loop: draw the same inputs, then one ``run`` per draw."""
    scenario = load(FLAGSHIP)
    (plan,), _ = plan_models(scenario, name, None, {}, None)
    model, base, inputs = REGISTRY[name], scenario.to_arrays(), uncertain_inputs(scenario)
    start = time.perf_counter()
    for block in blocks(draws, seed=0):
        values = draw_values(inputs, block.rng().random((block.size, len(inputs))))
        arrays = apply_values(base, inputs, values)
        for d in range(block.size):
            model.run(
                arrays.with_values(
                    positions=arrays.positions[d],
                    salience=arrays.salience[d],
                    capability=arrays.capability[d],
                ),
                plan.params,
            )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the draws")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    full = 10_000 // scale
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, NumPy {np.__version__}"
    )
    load1, load5, _ = os.getloadavg()
    print(f"load average before the run: {load1:.1f} (1 min), {load5:.1f} (5 min)")
    print(f"scenario: {FLAGSHIP}, 11 inputs with ranges\n")

    print("1. Draws per second, in-process, against one run call per draw")
    print(row("model", "batched", "draws", "time s", "draws/s", "naive s", "naive/s", "ratio"))
    simulate(FLAGSHIP, model="compromise", draws=100)  # warm imports and caches
    rates: dict[str, float] = {}
    for name, model in REGISTRY.items():
        slow = not model.batched or any(
            not REGISTRY[m].batched for m in REGISTRY if model.combines_models and m != name
        )
        draws = full if not slow else max(20, 500 // scale)
        seconds = timed(
            lambda n=name, d=draws: simulate(FLAGSHIP, model=n, draws=d), 1 if slow else 3
        )
        naive_draws = min(draws, (100 if slow else 1000) // scale)
        naive = one_at_a_time(name, naive_draws)
        rate, naive_rate = draws / seconds, naive_draws / naive
        rates[name] = rate
        target = ""
        if name in TARGETS:
            at_10k = 10_000 / rate
            verdict = "ok" if at_10k < TARGETS[name] else "MISSED"
            target = f"10,000 draws in {at_10k:.2f} s (< {TARGETS[name]:g} s: {verdict})"
        batched = "yes" if model.batched else "no"
        cells = (f"{seconds:.3f}", f"{rate:.0f}", f"{naive:.3f}", f"{naive_rate:.0f}")
        print(row(name, batched, draws, *cells, f"{rate / naive_rate:.1f}x") + "  " + target)

    print("\n2. --workers 2 (LocalCluster, 2 processes) against in-process, same draws")
    start = time.perf_counter()
    with Executor(workers=2) as ex:
        startup = time.perf_counter() - start
        print(f"cluster start-up: {startup:.2f} s")
        # Warm-up: the workers import detente and the models on their first task.
        simulate(FLAGSHIP, model="compromise", draws=1000, scheduler=ex.client)
        print(row("model", "draws", "in-process s", "2 workers s", "speed-up", "with start-up"))
        burn_alone = timed(lambda: [busy(n) for n in [2_000_000] * 8])
        burn_spread = timed(lambda: ex.map(busy, [2_000_000] * 8))
        check = (f"{burn_alone:.3f}", f"{burn_spread:.3f}", f"{burn_alone / burn_spread:.2f}x")
        print(row("(CPU check)", "8 loops", *check, "-"))
        for name in ("compromise", "nbs", "eu", "exchange", "smp"):
            if name not in REGISTRY:
                continue
            draws = full if REGISTRY[name].batched else max(40, 1000 // scale)
            alone = timed(lambda n=name, d=draws: simulate(FLAGSHIP, model=n, draws=d))
            spread = timed(
                lambda n=name, d=draws: simulate(FLAGSHIP, model=n, draws=d, scheduler=ex.client)
            )
            ratio, cold = alone / spread, alone / (spread + startup)
            print(
                row(name, draws, f"{alone:.3f}", f"{spread:.3f}", f"{ratio:.2f}x", f"{cold:.2f}x")
            )

        print("\n3. Dask overhead on a tiny run (100 draws of compromise)")
        tiny_alone = timed(lambda: simulate(FLAGSHIP, model="compromise", draws=100), 5)
        tiny_dask = timed(
            lambda: simulate(FLAGSHIP, model="compromise", draws=100, scheduler=ex.client), 5
        )
        overhead = 1000 * (tiny_dask - tiny_alone)
        print(
            f"in-process {1000 * tiny_alone:.1f} ms, warm cluster {1000 * tiny_dask:.1f} ms: "
            f"overhead {overhead:.1f} ms (+ {startup:.2f} s to start the cluster)"
        )

    print("\n4. Sensitivity, N = 1000 (13,000 model runs + 22 for the tornado)")
    for name, model in REGISTRY.items():
        if not model.batched or model.combines_models:
            continue
        n = 1000 // scale
        seconds = timed(lambda m=name, n=n: sensitivity(FLAGSHIP, model=m, draws=n))
        print(f"{name:<11}{seconds:>8.2f} s  ({n * 13 / seconds:,.0f} model runs/s)")


if __name__ == "__main__":
    main()
