"""Pure, CPU-bound work on every core: ordered maps over a pool of processes, or of threads.

Threads would not help most stages: cleaning, tokenizing and summarizing are Python code
holding the GIL. A pool costs a fork and the pickling of inputs and results, so small inputs
run in turn; the results are the same either way (tests compare the two). Work made of numpy
and scipy kernels (sparse products, sorts of large arrays) releases the GIL: threads run it
side by side, sharing its arrays without a copy (`map_in_threads`).
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import TypeVar

__all__ = [
    "batches_meanwhile",
    "map_batches",
    "map_in_threads",
    "map_meanwhile",
    "map_on_cores",
]

T = TypeVar("T")
R = TypeVar("R")

# Tasks per worker: enough that one slow task does not leave the other cores idle at the end,
# few enough that each task's pickling costs little beside its work.
_TASKS_PER_WORKER = 8
_BATCHES_PER_WORKER = 4


def _workers() -> int:
    return os.cpu_count() or 1


def map_on_cores(
    function: Callable[[T], R],
    items: Sequence[T],
    *,
    minimum: int,
    advance: Callable[..., None] | None = None,
) -> list[R]:
    """`function` over `items`, in order; from `minimum` items on, in a pool of processes.

    `advance(n)` is told of finished items (one at a time in turn, all at once from a pool).
    """
    with map_meanwhile(function, items, minimum=minimum, advance=advance) as results:
        return results()


@contextlib.contextmanager
def map_meanwhile(
    function: Callable[[T], R],
    items: Sequence[T],
    *,
    minimum: int,
    advance: Callable[..., None] | None = None,
) -> Iterator[Callable[[], list[R]]]:
    """`map_on_cores`, started on the other processes while this one goes on with other work.

    Inside the block, the call it gives waits for the results, in order (asked again, it gives
    them again). Below `minimum` items (or on one core) the call computes them itself, in
    turn. When the block fails, the work not yet started is dropped, not waited for.
    """
    workers = _workers()
    if len(items) < minimum or workers == 1:

        @functools.cache
        def in_turn() -> list[R]:
            results = []
            for item in items:
                results.append(function(item))
                if advance:
                    advance()
            return results

        yield in_turn
        return
    chunksize = max(1, len(items) // (workers * _TASKS_PER_WORKER))
    with _pool(workers) as pool:
        pending = pool.map(function, items, chunksize=chunksize)  # every chunk submitted now

        @functools.cache
        def collected() -> list[R]:
            results = list(pending)
            if advance:
                advance(len(results))
            return results

        yield collected


def map_batches(
    function: Callable[[Sequence[T]], R], items: Sequence[T], *, minimum: int
) -> list[R]:
    """`function` over consecutive batches of `items`, one result per batch, in order.

    Below `minimum` items (or on one core) the one batch is all of `items`. For functions that
    share work across items (a cache of word hashes, one vectorizer call) where a call per item
    would cost more than the item itself.
    """
    with batches_meanwhile(function, items, minimum=minimum) as results:
        return results()


@contextlib.contextmanager
def batches_meanwhile(
    function: Callable[[Sequence[T]], R], items: Sequence[T], *, minimum: int
) -> Iterator[Callable[[], list[R]]]:
    """`map_batches`, started on the other processes while this one goes on with other work.

    Inside the block, the call it gives waits for the results (one per batch, in order). The
    work a stage's own process does meanwhile would otherwise leave the cores idle, or wait
    for them. Below `minimum` items (or on one core) the call computes the one batch itself.
    When the block fails, the batches not yet started are dropped, not waited for.
    """
    workers = _workers()
    if len(items) < minimum or workers == 1:
        yield lambda: [function(items)]
        return
    size = -(-len(items) // (workers * _BATCHES_PER_WORKER))
    batches = [items[start : start + size] for start in range(0, len(items), size)]
    with _pool(workers) as pool:
        futures = [pool.submit(function, batch) for batch in batches]
        yield lambda: [future.result() for future in futures]


@contextlib.contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of `workers` processes, shut down after the block. When the block fails, the
    tasks not yet started are cancelled: the error surfaces at once, not after all the work
    it makes useless."""
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def map_in_threads(function: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """`function` over `items`, in order, on a thread per core: for numpy and scipy work that
    releases the GIL (Python code would only take turns)."""
    workers = _workers()
    if workers == 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, items))
