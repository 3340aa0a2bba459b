"""How long ``detente track`` takes on 20 dated snapshots of the flagship.

Run as ``python benchmarks/bench_track.py`` (``--repeat N`` for more rounds).
Issue 16 asks that a track over 20 snapshots of the flagship take no longer
than 20 in-process :func:`detente.forecast` calls. Measured side by side in
one process, alternating, best of ``--repeat`` rounds:

- **track**: :func:`detente.track.track` on a folder of 20 copies of
  ``examples/ukraine-2025.yaml``, each with its own ``as_of`` and its
  territory status quo moved by 0.1 per snapshot (so no two are the same
  scenario), scored against the example track's ``observed.yaml``: reading
  and validating every file, every model, the headline, the diffs and the
  scores;
- **20 forecasts**: :func:`detente.forecast` on each of the same 20 files
  by path (each call reads and validates its file, as ``track`` must);
- **20 forecasts, scenarios loaded**: the same calls on the 20 scenarios
  already in memory (the models alone).

The ratios are track over each baseline; at most 1.0 meets the target.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from detente import forecast, load
from detente.io import yaml as yaml_text
from detente.track import track

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "examples" / "ukraine-2025.yaml"
OBSERVED = ROOT / "examples" / "ukraine-2025-26" / "observed.yaml"
SNAPSHOTS = 20


def make_track(folder: Path, count: int = SNAPSHOTS) -> list[Path]:
    """``count`` dated variants of the flagship, a week apart."""
    from datetime import date, timedelta

    tree = yaml_text.loads(FLAGSHIP.read_text(encoding="utf-8"))
    paths = []
    for k in range(count):
        tree["as_of"] = (date(2025, 2, 19) + timedelta(weeks=k)).isoformat()
        tree["issues"][0]["status_quo"] = 75 + 0.1 * k
        path = folder / f"snapshot-{k:02d}.yaml"
        path.write_text(yaml_text.dump(tree, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_track(folder)
        scenarios = [load(p) for p in paths]
        runs = {
            "track (20 snapshots, scored)": lambda: track(folder, observed=OBSERVED),
            "20 x forecast(path)": lambda: [forecast(p) for p in paths],
            "20 x forecast(scenario)": lambda: [forecast(s) for s in scenarios],
        }
        for fn in runs.values():  # warm-up: imports, caches
            fn()
        rounds: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.repeat):
            for name, fn in runs.items():
                rounds[name].append(best(fn, 1))
        seconds = {name: min(times) for name, times in rounds.items()}
    print(f"python {platform.python_version()}, {platform.machine()}, best of {args.repeat}")
    base = seconds["track (20 snapshots, scored)"]
    for name, value in seconds.items():
        ratio = "" if value is base else f"  track / this = {base / value:.2f}"
        print(f"{name:32s} {value * 1000:8.1f} ms{ratio}")


if __name__ == "__main__":
    main()
