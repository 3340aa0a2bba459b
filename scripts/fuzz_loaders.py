"""The loader fuzz, run long: many broken files of every format, and what became of them.

Run as ``python scripts/fuzz_loaders.py [--files 30000] [--seed 0] [--keep DIR]``.
The files are those of ``tests/io/test_fuzz.py`` (``tests/io/fuzzing.py``:
valid seed files of each format, mutated), drawn by a seeded NumPy
generator instead of Hypothesis, formats in turn. Each file must load or
be refused with a ScenarioError within ``--timeout`` seconds; anything else
is a failure. Prints, per format, the files tried, loaded, refused and
failed, and one line per distinct failure (format, exception, message);
``--keep`` saves the first file of each distinct failure there.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import FrameType

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.io.fuzzing import FORMATS, loads_or_refuses, set_table_folder, write_broken


class FileTimeoutError(Exception):
    """A file took longer than --timeout seconds."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise FileTimeoutError


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=int, default=20)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    def choose(n: int) -> int:
        return int(rng.integers(max(n, 1)))

    signal.signal(signal.SIGALRM, _alarm)
    counts: dict[str, Counter[str]] = {fmt: Counter() for fmt in FORMATS}
    failures: dict[tuple[str, str, str], int] = {}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        set_table_folder(Path(scratch) / "seeds")
        for k in range(args.files):
            fmt = FORMATS[k % len(FORMATS)]
            folder = Path(scratch) / "case"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            path = write_broken(fmt, folder, choose)
            signal.alarm(args.timeout)
            try:
                outcome = "loaded" if loads_or_refuses(path) else "refused"
            except Exception as exc:  # every other exception is a finding
                outcome = "failed"
                first = (str(exc).splitlines() or [""])[0][:120]
                key = (fmt, type(exc).__name__, first)
                failures[key] = failures.get(key, 0) + 1
                if args.keep is not None and failures[key] == 1:
                    kept = args.keep / f"{len(failures):03d}-{fmt}"
                    shutil.copytree(folder, kept, dirs_exist_ok=True)
            finally:
                signal.alarm(0)
            counts[fmt][outcome] += 1
            counts[fmt]["tried"] += 1
    elapsed = time.perf_counter() - start
    print(f"{args.files} files, seed {args.seed}, {elapsed:.0f} s")
    print(f"{'format':<10} {'tried':>7} {'loaded':>7} {'refused':>8} {'failed':>7}")
    for fmt, c in counts.items():
        print(f"{fmt:<10} {c['tried']:>7} {c['loaded']:>7} {c['refused']:>8} {c['failed']:>7}")
    total = sum(c["failed"] for c in counts.values())
    print(f"failures: {total} ({len(failures)} distinct)")
    for (fmt, name, message), n in sorted(failures.items(), key=lambda kv: -kv[1]):
        print(f"  {n:>5} {fmt}: {name}: {message}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
