"""The real `digest schedule` command, in its own process, as systemd would run it."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import SEEDS
from tests.service_logs import scheduled_builds


def test_digest_schedule_builds_once_at_the_scheduled_second_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    (tmp_path / "in").mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[:2]:
        (tmp_path / "in" / seed.name).write_bytes(seed.read_bytes())
    due = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=4)
    # Six fields, seconds first: a schedule a few seconds ahead, in UTC.
    cron = f"{due.second} {due.minute} {due.hour} * * *"
    config = tmp_path / "config.yaml"
    config.write_text(
        "sources:\n  files: [in]\noutput:\n  dir: out\nstore:\n  path: store.sqlite3\n"
        f"schedule:\n  cron: '{cron}'\n  timezone: UTC\n",
        encoding="utf-8",
    )
    service = subprocess.Popen(
        [sys.executable, "-m", "digest", "schedule", "--config", str(config)],
        stderr=subprocess.PIPE,
        text=True,
    )
    briefing = tmp_path / "out" / f"{due.date().isoformat()}.md"
    deadline = time.monotonic() + 60
    while not briefing.exists() and time.monotonic() < deadline and service.poll() is None:
        time.sleep(0.2)
    time.sleep(1.5)  # long enough for a second, wrong run to show itself
    service.send_signal(signal.SIGTERM)
    _, stderr = service.communicate(timeout=30)
    assert service.returncode == 0, stderr
    assert briefing.exists(), stderr
    runs = scheduled_builds(stderr)
    assert len(runs) == 1, stderr
    assert "exit code 0" in runs[0]
    assert "Traceback" not in stderr
