"""What a `digest schedule` process logged, as the service tests read it."""

from __future__ import annotations

__all__ = ["scheduled_builds"]

_DUE = "scheduled build due"
_SKIPPED = ": skipped, already built at "


def scheduled_builds(stderr: str) -> list[str]:
    """The lines of the runs that built, from the service's stderr.

    On a loaded machine the check made at start may run after the due time and build; the cron
    job, which waits for it, then logs that the date is built. That line is not a build.
    """
    due = [line for line in stderr.splitlines() if _DUE in line]
    assert len(due) <= 2, stderr  # a build, and at most the cron job's skip after it
    return [line for line in due if _SKIPPED not in line]
