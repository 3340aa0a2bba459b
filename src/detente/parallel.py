"""Run work in-process or on a Dask cluster, with results that do not depend on which.

Two kinds of work go through an :class:`Executor`:

- **seeded blocks of draws** (:meth:`Executor.map_blocks`): ``n`` Monte Carlo
  draws are cut into fixed-size blocks of :data:`BLOCK_SIZE` draws; block
  ``b`` gets its own random stream, the ``b``-th child spawned from
  ``numpy.random.SeedSequence(seed)``. A block's draws therefore depend only
  on the seed and the block's index, never on how many workers there are or
  how blocks are grouped into the chunks sent to them, so the same seed gives
  identical numbers in-process, on 2 workers or on 200;
- **independent tasks** (:meth:`Executor.map`): a list of items (issues of a
  backtest, models, ...), each handled by one call.

Results always come back in input order. The executor is a context manager::

    with Executor() as ex:                     # in-process (the default)
        parts = ex.map_blocks(fn, n=10_000, seed=0)
    with Executor(workers=4) as ex:            # a LocalCluster of 4 processes
        scores = ex.map(score_issue, issues)
    with Executor(scheduler="tcp://host:8786") as ex:   # a user's cluster
        ...

In-process runs import no Dask at all. ``workers``/``scheduler`` need the
``dask`` extra (``pip install 'detente[dask]'``); without it they raise a
:class:`~detente.errors.ParameterError` that says so. Work sent to a cluster
is grouped into chunks (a few per worker thread, so that a slow chunk does
not leave the others idle, and few enough that Dask's per-task overhead, a
few milliseconds, stays small); ``fn`` must be picklable (cloudpickle
handles closures and lambdas) and its module importable on the workers.

``progress``, when given, is called with the number of units (draws or
tasks) just finished, as they finish; it suits ``rich.progress.Progress.advance``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar

import numpy as np

from detente.errors import ParameterError

#: Draws per seeded block. Part of what a seed means: changing it changes
#: every simulated number, so it is a constant, not an option. A block is
#: also one batch through a model: 250 keeps the per-call overhead of
#: vectorised models small (a few percent at 10,000 draws) while a model run
#: draw by draw still spreads over workers from a few hundred draws on.
BLOCK_SIZE = 250
#: Chunks per worker thread when work is spread over a cluster.
CHUNKS_PER_THREAD = 4

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[int], object]
Seed = int | np.random.SeedSequence | None


def seed_sequence(seed: Seed) -> np.random.SeedSequence:
    """The root ``SeedSequence`` of ``seed`` (fresh OS entropy when ``None``).

    Its ``entropy`` reproduces the run when passed back as ``seed``. A given
    ``SeedSequence`` is copied as it was made, not used itself: spawning
    children advances it, and the same seed must give the same draws however
    often it is passed.
    """
    if isinstance(seed, np.random.SeedSequence):
        return np.random.SeedSequence(
            seed.entropy, spawn_key=seed.spawn_key, pool_size=seed.pool_size
        )
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0):
        raise ParameterError(f"seed must be a non-negative integer, got {seed!r}")
    return np.random.SeedSequence(seed)


@dataclass(frozen=True)
class Block:
    """Draws ``start`` to ``stop`` (exclusive) of a run, with their own random stream."""

    index: int
    start: int
    stop: int
    seed: np.random.SeedSequence

    @property
    def size(self) -> int:
        return self.stop - self.start

    def rng(self) -> np.random.Generator:
        """A fresh generator on this block's stream (the same numbers every call)."""
        return np.random.Generator(np.random.PCG64(self.seed))


def blocks(n: int, seed: Seed, block_size: int = BLOCK_SIZE) -> list[Block]:
    """Cut ``n`` draws into blocks of ``block_size`` (the last may be shorter).

    Block ``b`` is seeded with the ``b``-th child of ``SeedSequence(seed)``,
    so ``blocks(20_000, s)`` begins with the blocks of ``blocks(10_000, s)``.

    >>> [(b.start, b.stop) for b in blocks(600, seed=1)]
    [(0, 250), (250, 500), (500, 600)]
    """
    if n < 1:
        raise ParameterError(f"the number of draws must be at least 1, got {n}")
    if block_size < 1:
        raise ParameterError(f"block_size must be at least 1, got {block_size}")
    root = seed_sequence(seed)
    count = -(-n // block_size)
    return [
        Block(b, b * block_size, min(n, (b + 1) * block_size), child)
        for b, child in enumerate(root.spawn(count))
    ]


def split(items: Sequence[T], parts: int) -> list[list[T]]:
    """Cut ``items`` into ``parts`` contiguous runs of near-equal length, in order.

    >>> split([1, 2, 3, 4, 5], 2)
    [[1, 2, 3], [4, 5]]
    """
    parts = max(1, min(parts, len(items)))
    size, extra = divmod(len(items), parts)
    out, start = [], 0
    for p in range(parts):
        stop = start + size + (p < extra)
        out.append(list(items[start:stop]))
        start = stop
    return out


def _run_chunk(fn: Callable[[T], R], items: list[T]) -> list[R]:
    return [fn(item) for item in items]


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ParameterError(
            "running on Dask (--workers / --scheduler) needs the dask extra: "
            "pip install 'detente[dask]'"
        ) from None
    return distributed


class Executor:
    """Where work runs: in-process, a new LocalCluster, or an existing Dask cluster.

    ``workers``: start a ``LocalCluster`` with that many single-threaded
    workers (separate processes unless ``processes=False``, which keeps them
    as threads of this process: quicker to start, but Python code then shares
    one interpreter lock). ``scheduler``: the address of a running Dask
    scheduler, or a ``distributed.Client`` already connected (left open on
    exit). Neither: in-process, one item after another.
    """

    def __init__(
        self,
        workers: int | None = None,
        scheduler: str | Any | None = None,
        *,
        processes: bool = True,
    ) -> None:
        if workers is not None and scheduler is not None:
            raise ParameterError("give either --workers or --scheduler, not both")
        if workers is not None and (isinstance(workers, bool) or workers < 1):
            raise ParameterError(f"--workers must be at least 1, got {workers!r}")
        self.workers = workers
        self.scheduler = scheduler
        self.processes = processes
        self.client: Any = None
        self._cluster: Any = None
        self._owns_client = False

    @property
    def description(self) -> str:
        """Where the work runs, in words (for logs and JSON)."""
        if self.client is None:
            return "in-process"
        if self._cluster is not None:
            kind = "processes" if self.processes else "threads"
            return f"local Dask cluster, {self.workers} workers ({kind})"
        return f"Dask cluster at {self.client.scheduler.address}"

    @property
    def nthreads(self) -> int:
        """Worker threads available (1 in-process)."""
        if self.client is None:
            return 1
        return max(1, sum(self.client.nthreads().values()))

    def __enter__(self) -> Executor:
        if self.workers is None and self.scheduler is None:
            return self
        distributed = _import_distributed()
        if self.workers is not None:
            self._cluster = distributed.LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=self.processes,
                dashboard_address=None,
                # No dashboard, and the scheduler's HTTP endpoint on a free port:
                # its default (8787) may belong to another cluster on the machine.
                scheduler_kwargs={"dashboard_address": ":0"},
                silence_logs=logging.ERROR,
            )
            self.client = distributed.Client(self._cluster)
            self._owns_client = True
        elif isinstance(self.scheduler, str):
            try:
                self.client = distributed.Client(self.scheduler, timeout="10s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise ParameterError(
                    f"cannot reach the Dask scheduler at {self.scheduler!r}: {exc}"
                ) from None
            self._owns_client = True
        else:
            self.client = self.scheduler
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._owns_client:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()
        self.client, self._cluster, self._owns_client = None, None, False

    def map(
        self,
        fn: Callable[[T], R],
        items: Sequence[T],
        progress: Progress | None = None,
        *,
        weights: Sequence[int] | None = None,
    ) -> list[R]:
        """``[fn(item) for item in items]``, spread over the cluster if there is one.

        ``progress`` receives ``weights[i]`` (default 1) when item ``i`` is done.
        """
        units = list(weights) if weights is not None else [1] * len(items)
        if len(units) != len(items):
            raise ValueError("weights must have one entry per item")
        if self.client is None:
            results = []
            for item, unit in zip(items, units, strict=True):
                results.append(fn(item))
                if progress is not None:
                    progress(unit)
            return results
        distributed = _import_distributed()
        indexed = list(range(len(items)))
        chunks = split(indexed, CHUNKS_PER_THREAD * self.nthreads)
        futures = {
            self.client.submit(_run_chunk, fn, [items[i] for i in chunk], pure=False): c
            for c, chunk in enumerate(chunks)
        }
        done: dict[int, list[R]] = {}
        for future in distributed.as_completed(futures):
            c = futures[future]
            done[c] = future.result()
            if progress is not None:
                progress(sum(units[i] for i in chunks[c]))
        return [r for c in range(len(chunks)) for r in done[c]]

    def map_blocks(
        self,
        fn: Callable[[Block], R],
        n: int,
        seed: Seed,
        progress: Progress | None = None,
        *,
        block_size: int = BLOCK_SIZE,
    ) -> list[R]:
        """``fn(block)`` for every seeded block of ``n`` draws (see :func:`blocks`), in order.

        ``fn`` must draw its random numbers from ``block.rng()`` only; then
        the results do not depend on the executor. ``progress`` counts draws.
        """
        work = blocks(n, seed, block_size)
        return self.map(fn, work, progress, weights=[b.size for b in work])
