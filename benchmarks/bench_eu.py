"""How fast the expected-utility model runs, against a plain loop of the same formulas.

Run as ``python benchmarks/bench_eu.py`` (``--quick`` for a smoke run). One
issue, n actors with seeded random positions, saliences and capabilities,
exactly 10 rounds, for n from 10 to 2000, under both presets:

- ``vectorised``: :func:`detente.models.eu.simulate` as the model runs it
  (NumPy, sorted positions and prefix sums, blocks on up to 4 threads),
  best of 3 runs;
- ``1 thread``: the same with threads switched off, in wall-clock and in
  CPU time (the CPU time of the process is the steadier measure when other
  work shares the machine);
- ``loop``: ``tests/reference/eu_loop.py``, the formulas of Scholz et al.
  (2011) pair by pair and voter by voter in plain Python (O(n^3) per
  round), timed only up to 100 actors, where it already takes seconds; the
  ratio is loop time / vectorised time, and both runs must end at the same
  positions.

The target of the issue is 1000 actors, one issue, 10 rounds under 1 s on
the project's 2 cores. The table printed is the one in ``docs/models/eu.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

import detente.models.eu.rounds as eu
from detente.models import get_model

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.reference.eu_loop import loop_round

T = TypeVar("T")
ROUNDS = 10
LOOP_MAX = 100


def inputs(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(n)
    return rng.random((1, n)), rng.uniform(0.05, 1, (1, n)), rng.uniform(0.1, 1, (1, n))


def best_of(
    repeats: int,
    fn: Callable[..., T],
    *args: object,
    clock: Callable[[], float] = time.perf_counter,
) -> tuple[float, T]:
    times = []
    for _ in range(repeats):
        start = clock()
        out = fn(*args)
        times.append(clock() - start)
    return min(times), out


def loop_run(x: np.ndarray, s: np.ndarray, c: np.ndarray, params: eu.EUParams) -> list[float]:
    pos, sal, cap = list(x[0]), list(s[0]), list(c[0])
    span = max(pos) - min(pos)
    for _ in range(ROUNDS):
        pos = loop_round(pos, sal, cap, span, params).positions
    return pos


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    args = parser.parse_args()
    sizes = [10, 50, 100, 200] if args.quick else [10, 20, 50, 100, 200, 500, 1000, 2000]
    model = get_model("eu")
    threads = eu._PARALLEL_MIN_PAIRS
    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}, NumPy {np.__version__}, {ROUNDS} rounds"
    )
    print()
    print(
        "| n | preset | vectorised (s) | 1 thread (s) | 1 thread, CPU (s) | loop (s) "
        "| loop / vectorised |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|")
    for n in sizes:
        x, s, c = inputs(n)
        for preset in ("bdm", "scholz2011"):
            params = model.resolve(preset, {"rounds": ROUNDS})
            repeats = 1 if args.quick or n > 1000 else 3
            fast, path = best_of(repeats, eu.simulate, x, s, c, params)
            eu._PARALLEL_MIN_PAIRS = 1 << 62
            single, _ = best_of(repeats, eu.simulate, x, s, c, params)
            cpu, _ = best_of(repeats, eu.simulate, x, s, c, params, clock=time.process_time)
            eu._PARALLEL_MIN_PAIRS = threads
            loop = ratio = "—"
            if n <= LOOP_MAX:
                slow, end = best_of(1, loop_run, x, s, c, params)
                final = path.positions[-1, 0]
                if not np.allclose(final, end, atol=1e-9):
                    raise SystemExit(f"n={n} {preset}: loop and vectorised runs disagree")
                loop, ratio = f"{slow:.3f}", f"{slow / fast:.0f}×"
            print(f"| {n} | {preset} | {fast:.4f} | {single:.4f} | {cpu:.4f} | {loop} | {ratio} |")
    print()
    print("loop: plain Python, only up to 100 actors; both runs end at the same positions.")


if __name__ == "__main__":
    main()
