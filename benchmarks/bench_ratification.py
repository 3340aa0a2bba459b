"""What ratification costs in Monte Carlo: the flagship with and without its vetoes.

Run as ``python benchmarks/bench_ratification.py`` (``--draws N``, default
10,000; ``--repeat R``, default 5; ``--models``, default median, compromise,
nbs, eu). Each batched model runs ``detente.simulate`` on the flagship
``examples/ukraine-2025.yaml`` as it is (its veto players judge every draw's
forecast) and with every veto removed (``ACTOR.veto=false``), which leaves
every other input, every draw and every forecast exactly as they are, so the
difference is ratification's alone: the acceptance rule on all draws
(:func:`detente.ratification.veto_verdicts`). The two run side by side, in
turn within each of the R repeats (the order alternating from one repeat to
the next), in one process; the table gives each side's median over the
repeats, the ratio of the medians, and the median of the R ratios of runs
made one after the other (less moved by a change of load between repeats).
Times are the process's CPU time (``time.process_time``; ``simulate`` runs
in-process), which other jobs on the machine disturb far less than wall
time.
On a shared machine the ratios are noisy where the difference is small, so
the acceptance rule is also timed alone on the same 10,000 drawn arrays
(median of R), and the nearest acceptable package of one forecast (one
linear programme and its tie-break), which ``forecast`` computes for each
model. Last, that nearest package for every model's forecast and the
headline's, side by side with the tie-break as first written (SLSQP,
``tests/reference/ratification_slsqp.py``) on the same linear programme:
CPU milliseconds per package (median of R), and how far the two packages
are apart in the scenario's units. The tables printed are the ones in
``docs/beyond-the-table.md``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from detente import forecast, load, simulate
from detente.arrays import ScenarioArrays
from detente.models import REGISTRY
from detente.parallel import Block
from detente.ratification import Terms, _LinearProgramme, ratification_tree, veto_verdicts
from detente.scenario import Change, Scenario
from detente.uncertainty import apply_values, block_values, uncertain_inputs

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.reference.ratification_slsqp import slsqp_tie_break

FLAGSHIP = "examples/ukraine-2025.yaml"


def once(fn: Callable[[], Any]) -> float:
    """The CPU time ``fn`` takes in this process (all its threads): on a machine other
    jobs keep busy, wall-clock time measures their load as much as ``fn``."""
    start = time.process_time()
    fn()
    return time.process_time() - start


def side_by_side(
    a: Callable[[], Any], b: Callable[[], Any], repeat: int
) -> tuple[list[float], list[float]]:
    """``repeat`` timings of each, run in turn (a then b, then b then a, ...) so that a
    change of the machine's load falls on both alike."""
    ta, tb = [], []
    for k in range(repeat):
        if k % 2:
            tb.append(once(b))
            ta.append(once(a))
        else:
            ta.append(once(a))
            tb.append(once(b))
    return ta, tb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--models", default="median,compromise,nbs,eu", help="batched models")
    args = parser.parse_args()
    scenario = load(FLAGSHIP)
    vetoes = [Change(actor=a.id, veto=False) for a in scenario.actors if a.has_veto]
    without = scenario.with_changes(vetoes, label="no vetoes")
    print(
        f"{FLAGSHIP}: {args.draws} draws, median of {args.repeat} side-by-side repeats, CPU seconds"
    )
    print(
        "| model | simulate without vetoes (s) | with (s) | ratio of medians "
        "| median of paired ratios | runs without / with (s) |"
    )
    print("|---|---:|---:|---:|---:|---|")
    for name in args.models.split(","):
        if not REGISTRY[name].batched:
            raise SystemExit(f"{name} is not batched: simulate would run it draw by draw")
        run: dict[str, Callable[[], Any]] = {
            "without": lambda n=name: simulate(without, model=n, draws=args.draws, seed=0),
            "with": lambda n=name: simulate(scenario, model=n, draws=args.draws, seed=0),
        }
        same = np.array_equal(
            run["with"]()[name].forecasts, run["without"]()[name].forecasts, equal_nan=True
        )
        assert same, "removing vetoes must leave the forecasts as they are"
        ta, tb = side_by_side(run["without"], run["with"], args.repeat)
        a, b = statistics.median(ta), statistics.median(tb)
        paired = statistics.median(y / x for x, y in zip(ta, tb, strict=True))
        runs = f"{' '.join(f'{t:.2f}' for t in ta)} / {' '.join(f'{t:.2f}' for t in tb)}"
        print(f"| {name} | {a:.3f} | {b:.3f} | {b / a:.2f} | {paired:.2f} | {runs} |")
    arrays = scenario.to_arrays()
    inputs = uncertain_inputs(scenario)
    block = Block(0, 0, args.draws, np.random.SeedSequence(0))
    values = block_values(block, inputs, block.rng())
    drawn = apply_values(arrays, inputs, values)
    forecast = np.asarray(REGISTRY["compromise"].run(drawn, None).forecast, dtype=float)
    rule = [once(lambda: veto_verdicts(drawn, forecast)) for _ in range(args.repeat)]
    print(
        f"acceptance rule alone on the {args.draws} drawn arrays (compromise's forecasts): "
        f"{1000 * statistics.median(rule):.1f} ms"
    )
    f = np.asarray(REGISTRY["compromise"].run(arrays, None).forecast, dtype=float)
    ratification_tree(arrays, f)  # once untimed: the first call imports SciPy's solvers
    one = [once(lambda: ratification_tree(arrays, f)) for _ in range(args.repeat)]
    print(
        "nearest acceptable package of one forecast (compromise): "
        f"{1000 * statistics.median(one):.1f} ms"
    )
    tie_breaks(scenario, arrays, args.repeat)


def tie_breaks(scenario: Scenario, arrays: ScenarioArrays, repeat: int) -> None:
    """The nearest package of each model's forecast and of the headline, the tie-break by
    SLSQP (as first written) against the quadratic programme, on the same first stage."""
    result = forecast(scenario, model="all")
    blocks = {name: r.forecasts for name, r in result.models.items()}
    blocks["headline"] = (result.summary or {})["central"]
    terms, weight = Terms.of(arrays), arrays.weight.sum(axis=-2)
    low, high = (np.array([i.scale[j] for i in scenario.issues]) for j in (0, 1))
    print(
        "| forecast | SLSQP tie-break (ms) | quadratic programme (ms) | first stage (ms) "
        "| largest difference (scale units) |"
    )
    print("|---|---:|---:|---:|---:|")
    totals = [0.0, 0.0, 0.0]
    for name, values in blocks.items():
        f = (np.array([values[i.id] for i in scenario.issues], dtype=float) - low) / (high - low)
        lp = _LinearProgramme.build(terms, f, weight)
        z0, best = lp.first_stage()
        timed = [
            statistics.median(once(fn) for _ in range(repeat))
            for fn in (
                partial(slsqp_tie_break, lp, z0, best),
                partial(lp.tie_break, z0, best),
                lp.first_stage,
            )
        ]
        gap = np.abs(slsqp_tie_break(lp, z0, best) - lp.tie_break(z0, best)) * (high - low)
        totals = [t + x for t, x in zip(totals, timed, strict=True)]
        cells = " | ".join(f"{1000 * t:.1f}" for t in timed)
        print(f"| {name} | {cells} | {gap.max():.1e} |")
    print(f"| all {len(blocks)} | " + " | ".join(f"{1000 * t:.1f}" for t in totals) + " | |")


if __name__ == "__main__":
    main()
