from __future__ import annotations

import io
import logging
import threading

import pytest
from rich.console import Console

from digest import progress as progress_module
from digest.progress import progress


def test_silent_when_disabled_and_the_log_says_what_happened(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    with (
        caplog.at_level(logging.INFO, logger="digest.progress"),
        progress(3, "Collecting", enabled=False) as advance,
    ):
        advance()
        advance(2)
    assert capsys.readouterr() == ("", "")
    assert "Collecting: 3 of 3 done" in caplog.text


def test_not_a_terminal_means_no_bar(capsys: pytest.CaptureFixture[str]) -> None:
    # Under pytest stderr is captured, not a terminal: as under cron.
    with progress(None, "Summarizing") as advance:
        advance()
    assert capsys.readouterr().err == ""


def test_a_terminal_gets_a_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(
        progress_module,
        "Console",
        lambda **_: Console(file=screen, force_terminal=True, width=80),
    )
    with progress(2, "Summarizing", enabled=True) as advance:
        advance(2)
    assert "Summarizing" in screen.getvalue()


def test_the_bar_runs_no_thread_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    # Worker processes are forked while the bar is up; a drawing thread could hold stderr's lock.
    monkeypatch.setattr(
        progress_module,
        "Console",
        lambda **_: Console(file=io.StringIO(), force_terminal=True, width=80),
    )
    before = threading.active_count()
    with progress(2, "Cleaning", enabled=True) as advance:
        assert threading.active_count() == before
        advance()
