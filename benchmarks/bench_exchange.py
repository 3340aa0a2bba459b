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
- ``loop``: ``tests/models/exchange_loops.py``, which recomputes every
  candidate one at a time in plain Python after every exchange, timed only
  while a round has at most 12,500 candidates (it takes minutes beyond);
  the ratio is loop CPU time / vectorised CPU time, and both must make the
  same exchanges and end at the same positions (to 1e-9).

The table printed is the one in ``docs/models/exchange.md``.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.models.exchange_loops import loop_process

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


if __name__ == "__main__":
    main()
