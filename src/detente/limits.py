"""Sizes detente refuses unless told ``--force``, and why.

Two things can make a run fail late or never end: a scenario file far larger
than any negotiation (reading YAML takes some 20 times the file's size in
memory, and about a second per megabyte), and a model whose work grows
faster than the scenario (the exchange model keeps every candidate exchange,
issue pairs x actor pairs, in memory; the SMP's turns grow as actors cubed).
Both are checked before any work starts, against the limits below; past a
limit the run is refused with a message that names the limit, the estimate
and the ways around it (``--force``, a smaller scenario, fewer draws or a
Dask cluster), and a run that is allowed but slow says so first.

The estimates are rough (within a factor of about three): memory from the
arrays a model allocates, time from runs on the project's 2-core machine
(``docs/scenarios.md``, "Limits").
"""

from __future__ import annotations

import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

from detente.errors import DetenteError, Problem, ScenarioError

#: Scenario files larger than this (megabytes; .xlsx counted unpacked) are refused.
MAX_FILE_MB = 10.0
#: A model whose working arrays would take more memory than this (GiB) is refused.
MEMORY_LIMIT_GIB = 2.0
#: A model estimated to run longer than this (minutes) is refused.
TIME_LIMIT_MINUTES = 30.0
#: A model estimated to run longer than this (seconds) is run, with a warning first.
SLOW_SECONDS = 120.0
GIB = float(1 << 30)


class SizeError(DetenteError):
    """A run refused before it started because it would exceed a limit of this module."""


class SizeWarning(UserWarning):
    """A run allowed within the limits that will take long or read a large file."""


@dataclass(frozen=True)
class Footprint:
    """What one model's run is expected to take: ``memory`` in bytes at once,
    ``seconds`` of a 2-core machine, and ``grows`` as what (for the message)."""

    memory: float = 0.0
    seconds: float = 0.0
    grows: str = ""

    def __add__(self, other: Footprint) -> Footprint:
        """Two runs one after the other: the larger memory, the sum of the times."""
        grows = "; ".join(g for g in (self.grows, other.grows) if g)
        return Footprint(max(self.memory, other.memory), self.seconds + other.seconds, grows)


def file_megabytes(path: Path) -> float:
    """The size that reading ``path`` costs, in MB: an .xlsx workbook's unpacked size."""
    size = path.stat().st_size
    if path.suffix.lower() == ".xlsx" and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as book:
                size = max(size, sum(item.file_size for item in book.infolist()))
        except (zipfile.BadZipFile, OSError):
            pass  # the workbook reader says what is wrong with it
    return size / 1e6


def check_file(path: Path, force: bool = False) -> None:
    """Refuse a scenario file over :data:`MAX_FILE_MB` before reading it (unless ``force``).

    With ``force`` a large file is read after a warning that names its size.
    """
    mb = file_megabytes(path)
    if mb <= MAX_FILE_MB:
        return
    if not force:
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    "",
                    f"the file is {mb:.1f} MB, over the limit of {MAX_FILE_MB:g} MB for a "
                    "scenario (reading it would take about a second and 20 MB of memory per MB)",
                    "check that it is the scenario you meant, split it into smaller "
                    "scenarios, or add --force to read it anyway",
                )
            ]
        )
    warnings.warn(
        f"{path}: a large scenario file ({mb:.1f} MB, over {MAX_FILE_MB:g} MB): reading it "
        f"takes about {mb:.0f} s and {20 * mb:.0f} MB of memory",
        SizeWarning,
        stacklevel=2,
    )


def duration(seconds: float) -> str:
    """``'about 40 s'``, ``'about 12 minutes'``, ``'about 3.1 hours'``, ``'about 5 days'``."""
    if seconds < 90:
        return f"about {seconds:.0f} s"
    if seconds < 90 * 60:
        return f"about {seconds / 60:.0f} minutes"
    if seconds < 48 * 3600:
        return f"about {seconds / 3600:.1f} hours"
    return f"about {seconds / 86400:,.0f} days"


def over_limit(model: str, size: str, footprint: Footprint, runs: int = 1) -> str | None:
    """Why ``model`` must not run on a scenario of ``size`` (None when within the limits).

    The message names the estimates, the limits they pass, and the ways around them.
    """
    over = []
    if footprint.memory > MEMORY_LIMIT_GIB * GIB:
        over.append(
            f"needs about {footprint.memory / GIB:,.1f} GiB of memory, over the limit of "
            f"{MEMORY_LIMIT_GIB:g} GiB"
        )
    if footprint.seconds > TIME_LIMIT_MINUTES * 60:
        over.append(
            f"would run for {duration(footprint.seconds)}, over the limit of "
            f"{TIME_LIMIT_MINUTES:g} minutes"
        )
    if not over:
        return None
    ways = "add --force to run it anyway, or use a smaller scenario"
    if runs > 1:
        ways += ", fewer draws, or a Dask cluster (--workers, --scheduler)"
    why = f" ({footprint.grows})" if footprint.grows else ""
    return f"{model} on {size} {' and '.join(over)}{why}; {ways}"


def warn_if_slow(model: str, size: str, footprint: Footprint) -> None:
    """A warning before a run that is allowed but will take minutes."""
    if footprint.seconds > SLOW_SECONDS:
        warnings.warn(
            f"{model} on {size} may run for {duration(footprint.seconds)} "
            f"({footprint.grows}); a smaller scenario runs faster",
            SizeWarning,
            stacklevel=2,
        )
