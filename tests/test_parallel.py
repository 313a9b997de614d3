"""digest.parallel: the same results, in the same order, in turn or on every core."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from digest import parallel


def square(number: int) -> int:
    return number * number


def square_and_process(number: int) -> tuple[int, int]:
    return number * number, os.getpid()


def square_and_note(job: tuple[str, int]) -> int:
    """The square of the number, after a short wait, with a line in the notes file."""
    notes, number = job
    time.sleep(0.02)
    with Path(notes).open("a", encoding="utf-8") as file:
        file.write(f"{number}\n")
    return number * number


def noted(notes: Path, seconds: float = 60.0) -> bool:
    """Whether the notes file appears within `seconds`."""
    deadline = time.monotonic() + seconds
    while not notes.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return notes.exists()


def total(numbers: Sequence[int]) -> int:
    return sum(numbers)


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 2)


@pytest.mark.usefixtures("two_cores")
def test_map_on_cores_keeps_order_and_counts_progress() -> None:
    told: list[int] = []
    pooled = parallel.map_on_cores(square, range(50), minimum=10, advance=told.append)
    assert pooled == [n * n for n in range(50)]
    assert told == [50]  # from a pool, all at once


def test_map_on_cores_below_the_minimum_runs_in_turn() -> None:
    told: list[int] = []
    assert parallel.map_on_cores(square, [3, 4], minimum=10, advance=lambda: told.append(1)) == [
        9,
        16,
    ]
    assert told == [1, 1]


@pytest.mark.usefixtures("two_cores")
def test_map_meanwhile_runs_on_other_processes_while_this_one_works(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    told: list[int] = []
    with parallel.map_meanwhile(
        square_and_note, [(str(notes), n) for n in range(50)], minimum=10, advance=told.append
    ) as results:
        assert noted(notes)  # the work started before its results were asked for
        found = results()
        assert results() == found  # asked again: the same results
    assert found == [n * n for n in range(50)]
    assert told == [50]
    pooled = parallel.map_on_cores(square_and_process, range(50), minimum=10)
    assert os.getpid() not in {process for _value, process in pooled}


@pytest.mark.usefixtures("two_cores")
def test_a_failure_meanwhile_drops_the_work_not_yet_started(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    jobs = [(str(notes), n) for n in range(400)]  # 8 s of waiting, 4 s on two processes
    with (
        pytest.raises(RuntimeError, match="failed meanwhile"),
        parallel.map_meanwhile(square_and_note, jobs, minimum=10),
    ):
        raise RuntimeError("failed meanwhile")
    done = notes.read_text(encoding="utf-8").split() if notes.exists() else []
    assert len(done) < len(jobs) / 2


def test_map_meanwhile_below_the_minimum_runs_in_turn_when_asked() -> None:
    told: list[int] = []
    with parallel.map_meanwhile(
        square_and_process, [3, 4], minimum=10, advance=lambda: told.append(1)
    ) as results:
        assert told == []  # nothing started yet
        found = results()
        assert results() == found  # asked again: the same results, not worked out again
    assert found == [(9, os.getpid()), (16, os.getpid())]
    assert told == [1, 1]


@pytest.mark.usefixtures("two_cores")
def test_map_batches_covers_every_item_once_in_order() -> None:
    items = list(range(1, 101))
    batches = parallel.map_batches(list, items, minimum=10)
    assert len(batches) == 8  # four batches per core
    assert [n for batch in batches for n in batch] == items
    assert sum(parallel.map_batches(total, items, minimum=10)) == 5050


@pytest.mark.usefixtures("two_cores")
def test_map_batches_below_the_minimum_is_one_batch() -> None:
    assert parallel.map_batches(list, [1, 2, 3], minimum=10) == [[1, 2, 3]]


@pytest.mark.usefixtures("two_cores")
def test_batches_meanwhile_gives_map_batches_results_after_other_work() -> None:
    items = list(range(1, 101))
    with parallel.batches_meanwhile(total, items, minimum=10) as results:
        meanwhile = square(12)  # this process's own work while the pool runs
        found = results()
    assert meanwhile == 144
    assert len(found) == 8
    assert found == parallel.map_batches(total, items, minimum=10)
    assert sum(found) == 5050


def test_batches_meanwhile_below_the_minimum_is_one_batch() -> None:
    with parallel.batches_meanwhile(list, [1, 2, 3], minimum=10) as results:
        assert results() == [[1, 2, 3]]


@pytest.mark.usefixtures("two_cores")
def test_map_in_threads_keeps_order() -> None:
    assert parallel.map_in_threads(square, range(50)) == [n * n for n in range(50)]


def test_map_in_threads_on_one_core_runs_in_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert parallel.map_in_threads(square, iter([3, 4])) == [9, 16]
