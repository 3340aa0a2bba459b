"""How fast the spatial model of politics (smp) runs, against a loop of the same algorithm.

Run as ``python benchmarks/bench_smp.py`` (``--quick`` for a smoke run,
``--sizes 10 20 ...`` to choose). Scenarios are drawn as KTAB's own
``SMPModel::randomSMP`` draws them: 3 dimensions, capabilities uniform on
[10, 200], total salience uniform on [0.75, 0.99] split at random over the
dimensions, positions uniform; KTAB's default options; the run goes to
KTAB's stopping rule (at most 100 turns). For each n:

- ``vectorised``: :func:`detente.models.smp.dynamics.simulate`, what the
  model runs (NumPy; blocks of the n^3 work on every core from 96 actors),
  wall-clock and CPU seconds (all threads; on a busy machine the wall
  clock also counts other jobs' time, the CPU seconds do not);
- ``loop``: ``tests/reference/smp_loops.py``, the same algorithm
  pair by pair and triple by triple in plain Python, timed up to 40 actors;
  both must end at the same positions; the ratio is loop / vectorised.

The issue's targets, on the same kind of scenario: 80 actors under 2 s, 250
under 60 s, 1000 under 30 minutes. For comparison, KTAB's own ``smpc`` (C++,
-O2, 2 cores) was measured on this project's machine at 0.9 s for 20 actors,
5.9 s for 40, 77 s for 80 and over 10 minutes for 160. The table printed is
the one in ``docs/models/smp.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from detente.models.smp.dynamics import Actors, History, Options, simulate
from detente.models.smp.elections import workers

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.reference import smp_loops as loops

SIZES = (10, 20, 40, 80, 160, 250, 500, 1000)
LOOP_MAX = 40
KTAB_SMPC = {20: "0.9", 40: "5.9", 80: "77", 160: "> 600"}


def random_smp(n: int, dims: int = 3, seed: int = 0) -> tuple[np.ndarray, Actors]:
    """A scenario as KTAB's ``randomSMP`` draws one (its generator aside)."""
    rng = np.random.default_rng([seed, n])
    cap = rng.uniform(10.0, 200.0, n)
    total = rng.uniform(0.75, 0.99, n)
    share = rng.uniform(0.1, 1.0, (n, dims))
    sal = total[:, None] * share / share.sum(axis=1, keepdims=True)
    pos = rng.uniform(0.0, 1.0, (n, dims))
    return pos, Actors(cap, sal, np.ones((n, dims), dtype=bool))


def timed(fn: object, *args: object) -> tuple[float, float, History]:
    """Wall-clock and CPU seconds (all threads) of ``fn(*args)``, and its result."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn(*args)  # type: ignore[operator]
    return time.perf_counter() - start, time.process_time() - cpu, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--quick", action="store_true", help="10, 20 and 40 actors only")
    args = parser.parse_args()
    sizes = [10, 20, 40] if args.quick else args.sizes
    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, NumPy {np.__version__}, "
        f"load average at start {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    print(
        "| actors | turns | vectorised (s) | CPU (s) | per turn (s) | threads | loop (s) "
        "| loop / vectorised | KTAB smpc (s) |",
        flush=True,
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|", flush=True)
    opt = Options()
    for n in sizes:
        pos, actors = random_smp(n)
        fast_t, fast_cpu, fast = timed(simulate, pos, actors, opt)
        loop_cell = ratio_cell = "—"
        if n <= LOOP_MAX:
            slow_t, _, slow = timed(loops.simulate, pos, actors, opt)
            assert slow.turns == fast.turns
            assert all(
                np.allclose(a, b, atol=1e-10)
                for a, b in zip(slow.positions, fast.positions, strict=True)
            )
            loop_cell, ratio_cell = f"{slow_t:.2f}", f"{slow_t / fast_t:.0f}"
        print(
            f"| {n} | {fast.turns} | {fast_t:.2f} | {fast_cpu:.2f} | {fast_t / fast.turns:.3f} "
            f"| {workers(n)} "
            f"| {loop_cell} | {ratio_cell} | {KTAB_SMPC.get(n, '—')} |",
            flush=True,
        )
    print(f"# load average at end {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
