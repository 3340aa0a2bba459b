"""What the one-screen default of ``detente forecast`` costs, side by side.

Run as ``python benchmarks/bench_forecast.py [--repeats N] [--base SRC]``.
On the flagship (``examples/ukraine-2025.yaml``, every model), alternating
the two ways in one run so that the machine's load hits both alike:

1. **In-process**: the forecast and its rendering at 100 columns, as the
   command did before (every model's tables, no forecast intervals) and as
   it does now (the forecast intervals and the one-screen headline). The
   median of each and their ratio.
2. **The command** (``python -m detente forecast FLAGSHIP --no-save``) now,
   and, with ``--base SRC``, the same command on another copy of detente's
   ``src`` (e.g. ``git archive COMMIT src examples | tar -x -C DIR``, then
   ``--base DIR/src``), each on its own tree's flagship: wall time per run,
   medians and ratio.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "examples" / "ukraine-2025.yaml"


def in_process(repeats: int) -> tuple[list[float], list[float]]:
    from rich.console import Console

    import detente.forecast  # noqa: F401 (the module, whose name the package's function shadows)
    from detente.io import load
    from detente.render.headline import print_headline
    from detente.render.terminal import print_forecast

    fm = sys.modules["detente.forecast"]
    scenario = load(FLAGSHIP)
    with_intervals = fm.add_intervals
    fm.forecast(scenario)  # warm: imports, the calibration file
    before, now = [], []
    for _ in range(repeats):
        fm.add_intervals = lambda result, arrays: None  # type: ignore[assignment]
        start = time.perf_counter()
        print_forecast(fm.forecast(scenario), Console(file=io.StringIO(), width=100))
        before.append(time.perf_counter() - start)
        fm.add_intervals = with_intervals
        start = time.perf_counter()
        print_headline(fm.forecast(scenario), Console(file=io.StringIO(), width=100))
        now.append(time.perf_counter() - start)
    return before, now


def command(src: Path) -> float:
    """One run of the command on ``src``, with the flagship of the same tree (``src/..``)."""
    env = {**os.environ, "PYTHONPATH": str(src), "COLUMNS": "100"}
    flagship = src.parent / "examples" / FLAGSHIP.name
    args = [sys.executable, "-m", "detente", "forecast", str(flagship), "--no-save"]
    start = time.perf_counter()
    subprocess.run(args, env=env, capture_output=True, check=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--base", type=Path, help="another detente src to time the command on")
    args = parser.parse_args()
    before, now = in_process(args.repeats)
    b, n = statistics.median(before), statistics.median(now)
    print(
        f"in-process, forecast + rendering: before {b * 1000:.0f} ms, now {n * 1000:.0f} ms, "
        f"ratio now/before {n / b:.2f}"
    )
    if args.base is not None:
        old, new = [], []
        for _ in range(args.repeats):
            old.append(command(args.base))
            new.append(command(ROOT / "src"))
        o, w = statistics.median(old), statistics.median(new)
        print(
            f"command: base {o:.2f} s, now {w:.2f} s, ratio now/base {w / o:.2f} "
            f"(runs: base {', '.join(f'{x:.2f}' for x in old)}; "
            f"now {', '.join(f'{x:.2f}' for x in new)})"
        )


if __name__ == "__main__":
    main()
