"""Executor: same results in-process and on a real Dask LocalCluster, whatever the chunking."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from detente import parallel
from detente.errors import ParameterError
from detente.parallel import Block, Executor, blocks, split


def block_draws(block: Block) -> np.ndarray:
    """What a Monte Carlo block does: draw from its own stream only."""
    return block.rng().normal(size=block.size)


def square(x: int) -> int:
    return x * x


def test_blocks_cover_the_draws_in_order() -> None:
    cut = blocks(2500, seed=7, block_size=1000)
    assert [(b.index, b.start, b.stop, b.size) for b in cut] == [
        (0, 0, 1000, 1000),
        (1, 1000, 2000, 1000),
        (2, 2000, 2500, 500),
    ]


def test_more_draws_extend_the_same_streams() -> None:
    # Block b's stream is the b-th child of SeedSequence(seed), whatever n is.
    short, long = blocks(1500, seed=3), blocks(4000, seed=3)
    assert np.array_equal(short[0].rng().random(5), long[0].rng().random(5))
    assert np.array_equal(short[1].rng().random(5), long[1].rng().random(5))
    assert not np.array_equal(long[0].rng().random(5), long[1].rng().random(5))


def test_a_block_stream_is_the_same_every_call_and_differs_by_seed() -> None:
    b = blocks(10, seed=1)[0]
    assert np.array_equal(b.rng().random(3), b.rng().random(3))
    assert not np.array_equal(b.rng().random(3), blocks(10, seed=2)[0].rng().random(3))


def test_a_seed_sequence_gives_the_same_draws_every_time_it_is_passed() -> None:
    # Spawning advances a SeedSequence; the one passed must not be the one spawned from.
    ss = np.random.SeedSequence(5)
    first = [b.rng().random() for b in blocks(600, ss)]
    assert [b.rng().random() for b in blocks(600, ss)] == first
    assert [b.rng().random() for b in blocks(600, 5)] == first


def test_seed_none_is_recorded_by_its_entropy() -> None:
    root = parallel.seed_sequence(None)
    again = blocks(10, seed=root.entropy)[0].rng().random(3)
    assert np.array_equal(blocks(10, seed=root)[0].rng().random(3), again)


@pytest.mark.parametrize("bad", [-1, 1.5, "x", True])
def test_bad_seed_is_refused(bad: object) -> None:
    with pytest.raises(ParameterError, match="seed"):
        parallel.seed_sequence(bad)  # type: ignore[arg-type]


def test_split_is_contiguous_and_balanced() -> None:
    assert split(list(range(7)), 3) == [[0, 1, 2], [3, 4], [5, 6]]
    assert split([1, 2], 5) == [[1], [2]]
    assert split([], 4) == [[]]


def test_in_process_map_keeps_order_and_reports_progress() -> None:
    seen: list[int] = []
    with Executor() as ex:
        assert ex.description == "in-process"
        assert ex.nthreads == 1
        assert ex.map(square, [3, 1, 2], seen.append, weights=[5, 1, 1]) == [9, 1, 4]
    assert seen == [5, 1, 1]


def test_map_blocks_progress_counts_draws() -> None:
    seen: list[int] = []
    with Executor() as ex:
        ex.map_blocks(block_draws, 2300, seed=0, progress=seen.append)
    assert seen == [parallel.BLOCK_SIZE] * (2300 // parallel.BLOCK_SIZE) + [
        2300 % parallel.BLOCK_SIZE
    ]


def test_same_numbers_whatever_the_workers_or_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    with Executor() as ex:
        reference = np.concatenate(ex.map_blocks(block_draws, 5500, seed=11))
    runs = []
    # A real LocalCluster of 2 workers (threads: starts in well under a second).
    with Executor(workers=2, processes=False) as ex:
        assert ex.nthreads == 2
        assert "2 workers" in ex.description
        for per_thread in (1, 3, 50):
            monkeypatch.setattr(parallel, "CHUNKS_PER_THREAD", per_thread)
            seen: list[int] = []
            runs.append(np.concatenate(ex.map_blocks(block_draws, 5500, 11, seen.append)))
            assert sum(seen) == 5500
        assert ex.map(square, list(range(9))) == [x * x for x in range(9)]
    for run in runs:
        assert np.array_equal(run, reference)


def test_worker_processes_and_an_existing_scheduler() -> None:
    with Executor() as ex:
        reference = ex.map_blocks(block_draws, 2100, seed=5)
    with Executor(workers=2) as ex:
        on_processes = ex.map_blocks(block_draws, 2100, seed=5)
        address = ex.client.scheduler.address
        with Executor(scheduler=address) as remote:
            assert address in remote.description
            on_remote = remote.map_blocks(block_draws, 2100, seed=5)
        with Executor(scheduler=ex.client) as shared:
            assert shared.map(square, [4]) == [16]
        assert ex.client.status == "running"  # a client passed in is left open
    for got in (on_processes, on_remote):
        assert all(np.array_equal(a, b) for a, b in zip(got, reference, strict=True))


def test_dask_missing_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ParameterError, match=r"pip install 'detente\[dask\]'"), Executor(workers=2):
        pass


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"workers": 0}, "at least 1"),
        ({"workers": 2, "scheduler": "tcp://x:1"}, "not both"),
    ],
)
def test_bad_executor_options(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        Executor(**kwargs)  # type: ignore[arg-type]


def test_no_draws_is_refused() -> None:
    with pytest.raises(ParameterError, match="at least 1"):
        blocks(0, seed=0)
