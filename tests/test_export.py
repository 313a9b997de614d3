"""Briefings kept in the store, and `digest export` publishing the archive from any instance.

"Two machines" are two output folders sharing one store, as two instances pointed at one
database are: each builds a day into its own folder. Every test taking `store_target` runs on
SQLite and on PostgreSQL (a real server, tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import shutil
import socket
from pathlib import Path

import feedparser
import pytest
import sqlalchemy as sa

from digest import deliver, pipeline
from digest.cli import main
from digest.config import Config, load_config
from digest.store import StoreLocation, ledger, open_store, outputs, stories
from tests.builders import store_yaml
from tests.conftest import SEEDS

SEED = {n: next(SEEDS.glob(f"00{n}_*.txt")) for n in range(5)}
DAY_1, DAY_2 = dt.date(2022, 2, 1), dt.date(2022, 2, 2)
BRIEFING_FILES = [f"{d}.{s}" for d in ("2022-02-01", "2022-02-02") for s in ("html", "json", "md")]


def config_for(tmp_path: Path, target: StoreLocation) -> Config:
    path = tmp_path / "config.yaml"
    path.write_text(
        "sources:\n  files: [in]\noutput:\n  dir: published\n" + store_yaml(target),
        encoding="utf-8",
    )
    return load_config(path)


def add(tmp_path: Path, *files: Path) -> None:
    (tmp_path / "in").mkdir(exist_ok=True)
    for file in files:
        shutil.copy(file, tmp_path / "in" / file.name)


def build_as(
    monkeypatch: pytest.MonkeyPatch, host: str, config: Config, date: dt.date, out: Path
) -> pipeline.BuildResult:
    """A build by the instance on `host`, into its own folder `out`."""
    monkeypatch.setattr(socket, "gethostname", lambda: host)
    now = dt.datetime.combine(date, dt.time(7), tzinfo=dt.UTC)
    return pipeline.build(config, date=date, now=now, out_dir=out, send_email=False)


def export(config: Config, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[list[str], str]:
    """`digest export` in this process: the lines it printed, and its standard error."""
    capsys.readouterr()
    main(["export", "--config", str(config.base_dir / "config.yaml"), *args])
    printed = capsys.readouterr()
    return printed.out.splitlines(), printed.err


def two_machines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: StoreLocation) -> Config:
    """Day 1 built by alpha into alpha/, day 2 by beta into beta/, one store."""
    config = config_for(tmp_path, target)
    add(tmp_path, SEED[0], SEED[1])
    build_as(monkeypatch, "alpha", config, DAY_1, tmp_path / "alpha")
    add(tmp_path, SEED[2], SEED[4])
    build_as(monkeypatch, "beta", config, DAY_2, tmp_path / "beta")
    return config


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: what a rewrite (a rename) changes."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_a_folder_no_instance_built_in_gets_every_day(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    store_target: StoreLocation,
) -> None:
    config = two_machines(tmp_path, monkeypatch, store_target)
    third = tmp_path / "third"

    printed, err = export(config, capsys, "--out", str(third))

    assert err == ""
    assert sorted(Path(line).name for line in printed) == sorted(
        [*BRIEFING_FILES, "feed.xml", "index.html"]
    )
    assert sorted(p.name for p in third.iterdir()) == sorted(
        [*BRIEFING_FILES, "feed.xml", "index.html"]
    )
    for name in BRIEFING_FILES:  # as each machine built it
        built_in = tmp_path / ("alpha" if name.startswith("2022-02-01") else "beta")
        assert (third / name).read_bytes() == (built_in / name).read_bytes(), name
    feed = feedparser.parse(str(third / "feed.xml"))
    assert feed.bozo == 0
    assert [e.link for e in feed.entries] == ["2022-02-02.html", "2022-02-01.html"]
    assert all(" article" in e.summary for e in feed.entries)  # counts, from each JSON
    index = (third / "index.html").read_text(encoding="utf-8")
    assert index.index('href="2022-02-02.html"') < index.index('href="2022-02-01.html"')
    assert "2 briefings" in index
    # beta's build published the day alpha built as well; alpha built before beta's day existed.
    assert (tmp_path / "beta" / "index.html").read_bytes() == (third / "index.html").read_bytes()
    assert (tmp_path / "beta" / "2022-02-01.html").read_bytes() == (
        third / "2022-02-01.html"
    ).read_bytes()
    assert not (tmp_path / "alpha" / "2022-02-02.html").exists()


def test_the_store_says_which_instance_built_each_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_target: StoreLocation
) -> None:
    two_machines(tmp_path, monkeypatch, store_target)
    with open_store(store_target) as store:
        kept = outputs.kept_outputs(store)
    assert [(k.name, k.built_by) for k in kept] == [
        ("2022-02-01.html", "alpha"),
        ("2022-02-01.json", "alpha"),
        ("2022-02-01.md", "alpha"),
        ("2022-02-02.html", "beta"),
        ("2022-02-02.json", "beta"),
        ("2022-02-02.md", "beta"),
    ]
    assert {k.generated_at for k in kept if k.date == DAY_2} == {
        dt.datetime(2022, 2, 2, 7, tzinfo=dt.UTC)
    }


def test_a_second_export_writes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    store_target: StoreLocation,
) -> None:
    config = two_machines(tmp_path, monkeypatch, store_target)
    third = tmp_path / "third"
    first, _ = export(config, capsys, "--out", str(third))
    before = stamps(third)

    again, err = export(config, capsys, "--out", str(third))

    assert len(first) == 8
    assert (again, err) == ([], "")
    assert stamps(third) == before


def test_an_export_rewrites_only_what_changed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    store_target: StoreLocation,
) -> None:
    config = two_machines(tmp_path, monkeypatch, store_target)
    third = tmp_path / "third"
    export(config, capsys, "--out", str(third))
    (third / "2022-02-01.md").write_text("edited by hand\n", encoding="utf-8")
    (third / "2022-02-02.json").unlink()

    printed, _ = export(config, capsys, "--out", str(third))

    assert sorted(Path(line).name for line in printed) == ["2022-02-01.md", "2022-02-02.json"]
    assert (third / "2022-02-01.md").read_bytes() == (
        tmp_path / "alpha" / "2022-02-01.md"
    ).read_bytes()


def test_a_rebuilt_date_replaces_its_kept_outputs(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    store_target: StoreLocation,
) -> None:
    config = two_machines(tmp_path, monkeypatch, store_target)
    third = tmp_path / "third"
    export(config, capsys, "--out", str(third))
    old_index = (third / "index.html").read_text(encoding="utf-8")
    add(tmp_path, SEED[3])
    monkeypatch.setattr(socket, "gethostname", lambda: "gamma")
    rebuilt = pipeline.build(
        config,
        date=DAY_1,
        now=dt.datetime(2022, 2, 3, 9, tzinfo=dt.UTC),
        out_dir=tmp_path / "gamma",
        send_email=False,
    )

    printed, _ = export(config, capsys, "--out", str(third))

    with open_store(store_target) as store:
        kept = [k for k in outputs.kept_outputs(store) if k.date == DAY_1]
    assert [(k.format, k.built_by) for k in kept] == [
        ("html", "gamma"),
        ("json", "gamma"),
        ("md", "gamma"),
    ]
    assert {k.generated_at for k in kept} == {dt.datetime(2022, 2, 3, 9, tzinfo=dt.UTC)}
    assert len(rebuilt.briefing.stories) != 0
    for suffix in ("md", "html", "json"):
        gamma = (tmp_path / "gamma" / f"2022-02-01.{suffix}").read_bytes()
        assert (third / f"2022-02-01.{suffix}").read_bytes() == gamma
        assert (tmp_path / "alpha" / f"2022-02-01.{suffix}").read_bytes() != gamma
    assert sorted(Path(line).name for line in printed) == [
        "2022-02-01.html",
        "2022-02-01.json",
        "2022-02-01.md",
        "feed.xml",
        "index.html",
    ]
    index = (third / "index.html").read_text(encoding="utf-8")
    assert index != old_index
    assert "2 briefings" in index


def test_briefings_only_in_the_folder_stay_listed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    store_target: StoreLocation,
) -> None:
    # A briefing built before the store kept them is in the published folder only.
    config = two_machines(tmp_path, monkeypatch, store_target)
    third = tmp_path / "third"
    third.mkdir()
    (third / "2022-01-31.html").write_text("<p>built by an older release</p>", encoding="utf-8")

    export(config, capsys, "--out", str(third))

    index = (third / "index.html").read_text(encoding="utf-8")
    assert "3 briefings" in index
    assert 'href="2022-01-31.html"' in index
    assert (third / "2022-01-31.html").read_text(encoding="utf-8") == (
        "<p>built by an older release</p>"
    )


def test_an_export_is_reproducible_with_source_date_epoch(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    store_target: StoreLocation,
) -> None:
    config = config_for(tmp_path, store_target)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1643702400")  # 2022-02-01 08:00 UTC
    export(config, capsys, "--out", str(tmp_path / "one"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1643788800")
    export(config, capsys, "--out", str(tmp_path / "two"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1643702400")
    export(config, capsys, "--out", str(tmp_path / "three"))

    feeds = {n: (tmp_path / n / "feed.xml").read_bytes() for n in ("one", "two", "three")}
    assert feeds["one"] == feeds["three"]
    assert feeds["one"] != feeds["two"]  # an empty archive's feed is dated by the clock
    assert b"2022-02-01T08:00:00+00:00" in feeds["one"]


def test_export_to_the_configured_folder_by_default(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    store_target: StoreLocation,
) -> None:
    config = two_machines(tmp_path, monkeypatch, store_target)
    printed, _ = export(config, capsys, "--quiet")
    assert printed == []
    assert sorted(p.name for p in (tmp_path / "published").iterdir()) == sorted(
        [*BRIEFING_FILES, "feed.xml", "index.html"]
    )


@pytest.mark.parametrize("failing", ["keep stories", "ledger"])
def test_a_build_that_fails_keeps_no_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str, store_target: StoreLocation
) -> None:
    config = config_for(tmp_path, store_target)
    add(tmp_path, SEED[0], SEED[1])

    def fail(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the machine went away")

    if failing == "keep stories":  # before the outputs are saved
        monkeypatch.setattr(stories, "save_history", fail)
    else:  # after, in the same transaction
        monkeypatch.setattr(ledger, "record_build", fail)
    with pytest.raises(RuntimeError):
        build_as(monkeypatch, "alpha", config, DAY_1, tmp_path / "alpha")

    assert (tmp_path / "alpha" / "2022-02-01.html").exists()  # written, not kept
    with open_store(store_target) as store:
        assert outputs.kept_outputs(store) == []
        assert ledger.runs_for(store, DAY_1) == []


def test_the_kept_formats_are_the_files_a_build_writes() -> None:
    assert outputs.FORMATS == deliver.FORMATS


def test_saving_every_format_or_none(store_target: StoreLocation) -> None:
    with open_store(store_target) as store:
        with pytest.raises(ValueError, match="expected the formats"):
            outputs.save_outputs(
                store,
                date=DAY_1,
                files={"md": "# x\n", "html": "<p>x</p>"},
                generated_at=dt.datetime(2022, 2, 1, tzinfo=dt.UTC),
                built_by="alpha",
            )
        count = store.connection.execute(
            sa.select(sa.func.count()).select_from(outputs.BRIEFING_OUTPUTS)
        ).scalar()
    assert count == 0
