"""What ratification costs in Monte Carlo: the flagship with and without its vetoes.

Run as ``python benchmarks/bench_ratification.py`` (``--draws N``, default
10,000; ``--repeat R``, default 3, best of R; ``--models``, default median,
compromise, nbs, eu). Each batched model runs
``detente.simulate`` on the flagship ``examples/ukraine-2025.yaml`` twice in
the same process, alternately: as it is (its veto players judge every
draw's forecast), and with every veto removed (``ACTOR.veto=false``), which
leaves every other input, every draw and every forecast exactly as they
are, so the difference is ratification's alone: the acceptance rule on all
draws (:func:`detente.ratification.veto_verdicts`). Also timed alone: the
nearest acceptable package of one forecast (one linear programme and its
tie-break), which ``forecast`` computes for each model. The table printed
is the one in ``docs/beyond-the-table.md``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from detente import load, simulate
from detente.models import REGISTRY
from detente.ratification import ratification_tree
from detente.scenario import Change

FLAGSHIP = "examples/ukraine-2025.yaml"


def timed(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--models", default="median,compromise,nbs,eu", help="batched models")
    args = parser.parse_args()
    scenario = load(FLAGSHIP)
    vetoes = [Change(actor=a.id, veto=False) for a in scenario.actors if a.has_veto]
    without = scenario.with_changes(vetoes, label="no vetoes")
    print(f"{FLAGSHIP}: {args.draws} draws, best of {args.repeat}")
    print("| model | simulate without vetoes (s) | with (s) | ratio |")
    print("|---|---:|---:|---:|")
    for name in args.models.split(","):
        if not REGISTRY[name].batched:
            raise SystemExit(f"{name} is not batched: simulate would run it draw by draw")
        run: dict[str, Callable[[], Any]] = {
            "without": lambda n=name: simulate(without, model=n, draws=args.draws, seed=0),
            "with": lambda n=name: simulate(scenario, model=n, draws=args.draws, seed=0),
        }
        a = timed(run["without"], args.repeat)
        b = timed(run["with"], args.repeat)
        same = np.array_equal(
            run["with"]()[name].forecasts, run["without"]()[name].forecasts, equal_nan=True
        )
        assert same, "removing vetoes must leave the forecasts as they are"
        print(f"| {name} | {a:.3f} | {b:.3f} | {b / a:.2f} |")
    arrays = scenario.to_arrays()
    f = np.asarray(REGISTRY["compromise"].run(arrays, None).forecast, dtype=float)
    one = timed(lambda: ratification_tree(arrays, f), args.repeat)
    print(f"nearest acceptable package of one forecast (compromise): {1000 * one:.1f} ms")


if __name__ == "__main__":
    main()
