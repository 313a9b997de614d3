"""The build's clock: the system clock, or a clock stopped at SOURCE_DATE_EPOCH."""

from __future__ import annotations

import datetime as dt

import pytest

from digest.clock import build_clock, system_clock
from digest.errors import UsageError


def test_source_date_epoch_stops_the_clock_at_that_moment() -> None:
    clock = build_clock({"SOURCE_DATE_EPOCH": "1643702400"})
    assert clock() == dt.datetime(2022, 2, 1, 8, 0, tzinfo=dt.UTC)
    assert clock() == clock()


def test_without_it_or_empty_the_clock_is_the_system_clock() -> None:
    assert build_clock({}) is system_clock
    assert build_clock({"SOURCE_DATE_EPOCH": ""}) is system_clock
    before = dt.datetime.now(dt.UTC)
    assert before <= system_clock() <= dt.datetime.now(dt.UTC)


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.5", "99999999999999999999"])
def test_a_malformed_or_impossible_value_is_a_usage_error(value: str) -> None:
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        build_clock({"SOURCE_DATE_EPOCH": value})
