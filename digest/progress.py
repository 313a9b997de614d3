"""Progress of a long step: a rich bar in a terminal, silence under cron, a log line always.

    with progress(len(feeds), "Collecting") as advance:
        for feed in feeds:
            ...
            advance()

The bar is drawn on stderr only when stderr is a terminal (or `enabled=True`), and vanishes
when the step ends; what the step did is then logged, so a cron run's log says it too.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

__all__ = ["Advance", "progress"]

log = logging.getLogger(__name__)

Advance = Callable[..., None]  # advance(steps: int = 1)

_REDRAW_SECONDS = 0.1  # a bar redrawn more often costs time and shows nothing more


@contextmanager
def progress(
    total: int | None, description: str, *, enabled: bool | None = None
) -> Iterator[Advance]:
    """A callable that advances the step by `steps` (default 1); `total` None: unknown length.

    `enabled` None: draw the bar when stderr is a terminal.
    """
    if enabled is None:
        enabled = sys.stderr.isatty()
    done = 0
    started = time.monotonic()
    if not enabled:

        def count(steps: int = 1) -> None:
            nonlocal done
            done += steps

        yield count
    else:
        # No refresh thread (rich's default): stages fork worker processes, and a thread
        # caught writing to stderr at the fork leaves the child a held lock it can never take.
        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
            auto_refresh=False,
        )
        with bar:
            task = bar.add_task(description, total=total)
            drawn = 0.0

            def advance(steps: int = 1) -> None:
                nonlocal done, drawn
                done += steps
                bar.advance(task, steps)
                if time.monotonic() - drawn >= _REDRAW_SECONDS:
                    bar.refresh()
                    drawn = time.monotonic()

            yield advance
    elapsed = time.monotonic() - started
    of_total = f" of {total}" if total is not None else ""
    log.info("%s: %d%s done in %.1f s", description, done, of_total, elapsed)
