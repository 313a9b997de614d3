"""`digest runs` and `digest feeds status`: what the ledger and the feed state say, as tables."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from digest import operate
from digest.config import FeedSource
from digest.model import RawDocument
from digest.store import StoreLocation, ledger, open_store, seen
from digest.store import feeds as feeds_store

UTC = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
DAY = dt.date(2022, 2, 1)
T0 = dt.datetime(2022, 2, 1, 6, 0, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def write_briefing_json(path: Path, *, generated_at: dt.datetime, stories: int) -> None:
    document = {
        "date": DAY.isoformat(),
        "generated_at": generated_at.isoformat(),
        "counts": {"stories": stories, "featured": 0, "articles": stories * 3, "outlets": 2},
        "stories": [],
    }
    path.write_text(json.dumps(document), encoding="utf-8")


def record(
    store_path: StoreLocation | Path, started: dt.datetime, outputs: list[Path], **kwargs: object
) -> int:
    with open_store(store_path) as store:
        run_id = ledger.record_build(
            store,
            date=DAY,
            started=started,
            finished=started + dt.timedelta(seconds=30),
            status="ok",
            outputs=[str(p) for p in outputs],
        )
        if kwargs:
            ledger.note_delivery(store, DAY, kwargs["status"], kwargs.get("error"))  # type: ignore[arg-type]
    return run_id


def test_no_store_means_no_runs_and_no_store_is_created(tmp_path: Path) -> None:
    store_path = tmp_path / "store.sqlite3"
    assert operate.read_runs(store_path, 10) == ()
    assert operate.runs_table((), UTC) == "No builds recorded yet.\n"
    assert not store_path.exists()


def test_counts_belong_to_the_run_that_wrote_the_briefing_file(
    tmp_path: Path, store_target: StoreLocation
) -> None:
    store_path = store_target  # on SQLite and on PostgreSQL
    out = tmp_path / "briefings"
    out.mkdir()
    outputs = [out / "2022-02-01.md", out / "2022-02-01.html", out / "2022-02-01.json"]
    first = record(store_path, at(0), outputs)
    # A rebuild of the same date replaced the file: its counts are the second run's only.
    write_briefing_json(outputs[2], generated_at=at(60), stories=4)
    second = record(store_path, at(60), outputs, status="failed", error="smtp: refused")
    latest, earlier = operate.read_runs(store_path, 10)
    assert (latest.run.id, latest.stories, latest.articles) == (second, 4, 12)
    assert (earlier.run.id, earlier.stories, earlier.articles) == (first, None, None)
    assert [v.run.id for v in operate.read_runs(store_path, 1)] == [second]

    table = operate.runs_table((latest, earlier), BERLIN).splitlines()
    assert table[0].split() == [
        "STARTED",
        "DATE",
        "STATUS",
        "STORIES",
        "ARTICLES",
        "EMAIL",
        "OUTPUTS",
    ]
    assert table[1].startswith("2022-02-01 08:00 CET  2022-02-01  ok")
    assert f"{out}/2022-02-01.{{md,html,json}}" in table[1]
    assert table[1].split()[5:8] == ["4", "12", "failed"]
    assert table[2].split()[5:8] == ["-", "-", "-"]
    # Numbers are right-aligned under their header; no line ends in padding.
    assert table[1].index("4 ") + 1 == table[0].index("STORIES") + len("STORIES")
    assert all(line == line.rstrip() for line in table)
    assert table[-1] == f"run {second} (2022-02-01): email failed: smtp: refused"

    record_json = operate.run_record(latest)
    assert record_json["email"] == "failed"
    assert record_json["email_error"] == "smtp: refused"
    assert record_json["outputs"] == [str(p) for p in outputs]
    assert record_json["started"] == at(60).isoformat()
    json.dumps(record_json)  # it is JSON


def test_outputs_that_do_not_share_a_stem_are_listed_in_full() -> None:
    assert operate._outputs(["a/x.md", "b/x.html"]) == "a/x.md, b/x.html"
    assert operate._outputs([]) == "-"


def test_aligned_pads_columns_and_right_aligns_the_numbers() -> None:
    text = operate.aligned(
        ["NAME", "N", "NOTE"], [["a", "10", ""], ["long name", "7", "x"]], right={1}
    )
    assert text == "NAME        N  NOTE\na          10\nlong name   7  x\n"


def feed_document(feed: str, n: int) -> RawDocument:
    words = " ".join(f"word{n}x{i}" for i in range(12))
    return RawDocument(origin=feed, text=words, title=f"Entry {n}", url=f"{feed}/{n}", guid=str(n))


def test_each_configured_feed_has_its_status_failures_and_entries(
    store_target: StoreLocation,
) -> None:
    store_path = store_target  # on SQLite and on PostgreSQL
    ok, failing, silent, fresh = (
        f"https://{n}.example.org/feed" for n in ("ok", "bad", "old", "new")
    )
    with open_store(store_path) as store:
        feeds_store.record_success(
            store, ok, now=at(0), etag=None, last_modified=None, signature="s", newest_entry=at(-30)
        )
        feeds_store.record_success(
            store,
            silent,
            now=at(0),
            etag=None,
            last_modified=None,
            signature="t",
            newest_entry=at(0) - dt.timedelta(days=40),
        )
        feeds_store.record_success(
            store,
            failing,
            now=at(0),
            etag=None,
            last_modified=None,
            signature="u",
            newest_entry=None,
        )
        for minutes in (60, 120):
            feeds_store.record_failure(store, failing, now=at(minutes), error="HTTP 404")
        seen.remember(store, [feed_document(ok, n) for n in range(3)], now=at(0))
        seen.remember(store, [feed_document(failing, 9)], now=at(0))
    configured = [
        FeedSource(url=ok, name="Good news"),
        FeedSource(url=failing),
        FeedSource(url=silent),
        FeedSource(url=fresh),
    ]
    statuses = operate.read_feed_status(store_path, configured, now=at(180), silent_days=14)
    assert [(s.feed.url, s.status, s.entries) for s in statuses] == [
        (ok, "ok", 3),
        (failing, "failing", 1),
        (silent, "silent", 0),
        (fresh, "never fetched", 0),
    ]
    assert statuses[1].note == "HTTP 404"
    assert statuses[2].note is not None
    assert statuses[2].note.startswith("no new entry for 40 days")

    table = operate.feeds_table(statuses, UTC).splitlines()
    assert table[0].split()[:3] == ["FEED", "STATUS", "LAST"]
    assert table[1].startswith("Good news ")
    failing_row = table[2]
    assert failing_row.startswith(failing)
    assert "2022-02-01 08:00 UTC" in failing_row  # last fetch
    assert "2022-02-01 06:00 UTC" in failing_row  # last success
    assert failing_row.endswith("HTTP 404")
    assert failing_row.split()[-5:-2] == ["2", "1", "-"]  # failures in a row, entries, newest
    assert table[4].split()[1:3] == ["never", "fetched"]

    record_json = operate.feed_record(statuses[1])
    assert record_json["consecutive_failures"] == 2
    assert record_json["last_error"] == "HTTP 404"
    assert record_json["last_success"] == at(0).isoformat()
    assert operate.feed_record(statuses[3])["last_fetch"] is None


def test_feeds_before_the_first_build_are_never_fetched_and_no_store_is_made(
    tmp_path: Path,
) -> None:
    store_path = tmp_path / "store.sqlite3"
    [status] = operate.read_feed_status(
        store_path, [FeedSource(url="https://a.example/feed")], now=at(0), silent_days=14
    )
    assert (status.status, status.entries) == ("never fetched", 0)
    assert not store_path.exists()
    assert operate.feeds_table((), UTC) == "No feeds configured (sources.feeds).\n"
