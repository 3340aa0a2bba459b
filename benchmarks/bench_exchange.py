"""How fast the exchange model runs, against a plain loop of the same rules.

Run as ``python benchmarks/bench_exchange.py`` (``--quick`` for a smoke run).
Seeded random scenarios: n actors at the table, m issues, positions and
saliences uniform on [0, 1], capabilities on [1, 11], 3 rounds of equal-gain
exchange. Two sweeps: actors (m = 5, n = 5 to 200) and issues (n = 20,
m = 2 to 20).

- ``vectorised``: :func:`detente.models.exchange.exchange_process` as the
  model runs it (candidates as arrays over actor pairs and issue pairs, gains
  updated in place after each exchange), best of 3, in wall-clock time and
  in the process's CPU time (the steadier measure when other work shares
  the machine);
- ``loop``: ``tests/reference/exchange_loops.py``, which recomputes every
  candidate one at a time in plain Python after every exchange, timed only
  while a round has at most 12,500 candidates (it takes minutes beyond);
  the ratio is loop CPU time / vectorised CPU time, and both must make the
  same exchanges and end at the same positions (to 1e-9).

A third sweep times Monte Carlo: 100 draws of one market size (the positions
and saliences drawn anew for each), 10 rounds, run side by side by
:func:`detente.models.exchange_draws.equal_gain_over_draws` as ``simulate``
runs them, against ``exchange_process`` called once per draw (timed on 20
draws and scaled to 100); both must agree to the bit.

The tables printed are the ones in ``docs/models/exchange.md``.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

from detente.models.exchange import exchange_process
from detente.models.exchange_draws import equal_gain_over_draws

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.reference.exchange_loops import loop_process

T = TypeVar("T")
ROUNDS = 3
LOOP_MAX_CANDIDATES = 12_500


def inputs(n: int, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1000 * n + m)
    x, s = rng.random((n, m)), rng.random((n, m))
    return x, s, (1 + 10 * rng.random(n))[:, None] * s


def timed(repeats: int, fn: Callable[[], T]) -> tuple[float, float, T]:
    """Best wall-clock and best CPU time of ``repeats`` runs, and the last result."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), out


def row(n: int, m: int, repeats: int) -> str:
    x, s, w = inputs(n, m)
    candidates = m * (m - 1) // 2 * n * (n - 1) // 2
    wall, cpu, run = timed(repeats, lambda: exchange_process(x, s, w, rounds=ROUNDS))
    made = len(run.exchanges)
    loop = ratio = "—"
    if candidates <= LOOP_MAX_CANDIDATES:
        _, loop_cpu, (voting, loop_made) = timed(1, lambda: loop_process(x, s, w, ROUNDS))
        assert np.allclose(voting, run.rounds, atol=1e-9, equal_nan=True)
        assert [e[:5] for e in loop_made] == [(e.round, e.i, e.j, e.p, e.q) for e in run.exchanges]
        loop, ratio = f"{loop_cpu:.3f}", f"{loop_cpu / cpu:.1f}"
    per = 1e3 * cpu / max(made, 1)
    return (
        f"| {n} | {m} | {candidates:,} | {made:,} | {wall:.3f} | {cpu:.3f} | {per:.2f} "
        f"| {loop} | {ratio} |"
    )


def draws_row(n: int, m: int, repeats: int, draws: int = 100, rounds: int = 10) -> str:
    rng = np.random.default_rng(100 * n + m)
    x, s = rng.random((draws, n, m)), rng.random((draws, n, m))
    w = (1 + 10 * rng.random((draws, n)))[..., None] * s
    wall, cpu, runs = timed(repeats, lambda: equal_gain_over_draws(x, s, w, rounds))
    few = 20
    _, one_cpu, ones = timed(
        1, lambda: [exchange_process(x[d], s[d], w[d], rounds) for d in range(few)]
    )
    for d, one in enumerate(ones):
        assert np.array_equal(runs.rounds[:, d], one.rounds)
    scale = draws / few
    return (
        f"| {n} | {m} | {int(runs.counts.max()):,} | {wall:.2f} | {cpu:.2f} "
        f"| {one_cpu * scale:.2f} | {one_cpu * scale / cpu:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    actors = [5, 10, 20] if args.quick else [5, 10, 20, 50, 100, 200]
    issues = [2, 5] if args.quick else [2, 5, 10, 20]
    print(f"# {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"# {ROUNDS} rounds of equal-gain exchange; times in seconds")
    print()
    print(
        "| actors | issues | candidates per round | exchanges made | vectorised wall "
        "| vectorised CPU | CPU ms per exchange | loop CPU | loop / vectorised |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in actors:
        print(row(n, 5, repeats), flush=True)
    for m in issues:
        if m != 5:
            print(row(20, m, repeats), flush=True)
    print()
    print("# 100 draws, 10 rounds: side by side against one call per draw (CPU s)")
    print()
    print(
        "| actors | issues | most exchanges in a round | side by side wall "
        "| side by side CPU | one call per draw CPU | ratio |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    sizes = [(5, 5), (10, 3)] if args.quick else [(5, 5), (10, 3), (20, 3), (28, 2), (28, 4)]
    for n, m in sizes:
        print(draws_row(n, m, repeats), flush=True)


if __name__ == "__main__":
    main()
