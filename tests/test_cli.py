"""The command-line contracts of docs/cli.md, through the real console entry point."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest

from digest import pipeline
from digest.cli import cli, main, run
from tests.conftest import REPO
from tests.golden import run_digest


def test_collect_jsonl_gives_one_cleaned_article_a_line() -> None:
    result = run_digest("collect", "--files", "seeds", "--jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 5
    assert set(records[0]) == {"id", "origin", "title", "url", "outlet", "published", "text"}
    assert records[0]["origin"] == "seeds/000_515275b9ca2c7abe.txt"
    assert records[0]["title"] == "Russia denies responding to US proposal on Ukraine crisis"
    assert records[0]["published"].startswith("2022-02-01")
    assert "RECENT STORIES" not in records[0]["text"]
    assert len({r["id"] for r in records}) == 5


def test_collect_reports_a_failing_source_and_exits_0(tmp_path: Path) -> None:
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02")
    result = run_digest("collect", "--files", str(tmp_path), "--jsonl", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == ""
    assert "bin.txt" in result.stderr


def seed_lines(**fields: str) -> list[dict[str, str]]:
    """The seeds as `digest cluster --jsonl` input lines; `fields` formatted with `n`."""
    return [
        {"id": f"seed{n}", "text": path.read_text(encoding="utf-8")}
        | {key: value.format(n=n) for key, value in fields.items()}
        for n, path in enumerate(sorted((REPO / "seeds").glob("*.txt")))
    ]


def cluster_lines(tmp_path: Path, lines: list[dict[str, str]]) -> list[dict[str, Any]]:
    """`digest cluster --jsonl` over the lines: its output lines."""
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = run_digest("cluster", "--jsonl", str(source), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_cluster_jsonl_puts_every_id_in_exactly_one_story(tmp_path: Path) -> None:
    lines = seed_lines(title="")
    stories = cluster_lines(tmp_path, lines)
    ids = sorted(i for story in stories for i in story["ids"])
    assert ids == sorted(line["id"] for line in lines)
    assert [s["story"] for s in stories] == list(range(len(stories)))
    together = next(s for s in stories if "seed0" in s["ids"])
    assert {"seed0", "seed1", "seed2", "seed4"} <= set(together["ids"])
    assert "seed3" not in together["ids"]


def test_cluster_jsonl_reads_who_published_each_article(tmp_path: Path) -> None:
    # The four seed reports of one event, all from one site: one source is not a story.
    stories = cluster_lines(tmp_path, seed_lines(url="https://news.example.com/{n}"))
    assert all(len(story["ids"]) == 1 for story in stories)


def test_summarize_jsonl_keeps_order_ids_and_verbatim_sentences(tmp_path: Path) -> None:
    text_a = (
        "The council met on Monday. It approved the budget after a long debate. Nobody objected."
    )
    text_b = "A budget was approved by the council. The vote came late on Monday night."
    stories = [
        {"id": "first", "docs": [{"title": "", "text": text_a}, {"title": "", "text": text_b}]},
        {"id": 7, "docs": [{"title": "T", "text": text_b, "date": "2022-02-01"}], "refs": ["x"]},
    ]
    source = tmp_path / "stories.jsonl"
    source.write_text("".join(json.dumps(s) + "\n" for s in stories), encoding="utf-8")
    result = run_digest("summarize", "--jsonl", str(source), "--words", "15", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["first", 7]
    for record, story in zip(out, stories, strict=True):
        assert record["summary"]
        assert sum(len(s.split()) for s in record["summary"]) <= 15
        inputs = " ".join(d["text"] for d in story["docs"])  # type: ignore[union-attr]
        assert all(sentence in inputs for sentence in record["summary"])


def test_summarize_reads_standard_input() -> None:
    story = {"id": "s", "docs": [{"text": "One sentence here. Another sentence there."}]}
    result = run_digest(
        "summarize", "--jsonl", "-", "--sentences", "1", input_text=json.dumps(story)
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["summary"]) == 1


def test_bad_jsonl_is_a_usage_error_naming_the_line(tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text('{"id": 1, "docs": []}\nnot json\n', encoding="utf-8")
    result = run_digest("summarize", "--jsonl", str(source), cwd=tmp_path)
    assert result.returncode == 2
    assert "bad.jsonl: line 2" in result.stderr
    assert "Traceback" not in result.stderr


def leaf_commands() -> list[tuple[str, click.Command]]:
    """Every command a user can run, groups opened: ("feeds import", <command>), ..."""
    found = []
    for name, command in sorted(cli.commands.items()):
        if isinstance(command, click.Group):
            found += [(f"{name} {sub}", c) for sub, c in sorted(command.commands.items())]
        else:
            found.append((name, command))
    return found


@pytest.mark.parametrize(("name", "command"), leaf_commands(), ids=str)
def test_every_command_documents_itself_with_an_example(name: str, command: click.Command) -> None:
    help_text = command.help or ""
    assert f"Example: digest {name}" in help_text
    docs = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert f"`digest {name}" in docs
    for option in command.params:
        if isinstance(option, click.Option) and option.help is None:
            pytest.fail(f"digest {name} {option.opts[0]} has no help text")


def test_collect_keeps_every_entry_of_a_feed_with_its_title_link_and_date() -> None:
    feed = REPO / "tests" / "fixtures" / "feeds" / "atom-zones.xml"
    result = run_digest("collect", "--feed", str(feed), "--jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == feed.read_text(encoding="utf-8").count("<entry")
    first = records[0]
    assert (first["title"], first["url"]) == ("India morning", "https://zones.example.org/india")
    assert first["published"] == "2025-01-06T09:30:00+05:30"
    assert first["text"] == "First paragraph.\n\nSecond & last."


# --- operating it: quiet builds, the ledger, feed health, the lock, reproducible bytes --------


def write_config(work: Path, *, feeds: str = "") -> Path:
    """A config in `work` building the seeds (copied there) with its own store and output."""
    shutil.copytree(REPO / "seeds", work / "seeds")
    config = work / "config.yaml"
    config.write_text(
        f"sources:\n  files: [seeds]\n{feeds}output:\n  dir: briefings\n"
        "store:\n  path: store.sqlite3\n",
        encoding="utf-8",
    )
    return config


def test_a_quiet_build_prints_nothing_and_the_ledger_lists_it(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    built = run_digest("build", "--config", str(config), "--date", "2022-02-02", "--no-email", "-q")
    assert (built.returncode, built.stdout, built.stderr) == (0, "", "")
    listed = run_digest("runs", "--config", str(config))
    assert listed.returncode == 0, listed.stderr
    header, row = listed.stdout.splitlines()
    assert header.split()[:3] == ["STARTED", "DATE", "STATUS"]
    briefing = json.loads((tmp_path / "briefings" / "2022-02-02.json").read_text(encoding="utf-8"))
    counts = briefing["counts"]
    assert row.split()[3:9] == [
        "2022-02-02",
        "ok",
        str(counts["stories"]),
        str(counts["articles"]),
        "skipped",
        f"{tmp_path / 'briefings' / '2022-02-02'}.{{md,html,json}}",
    ]
    [record] = [
        json.loads(line)
        for line in run_digest("runs", "--config", str(config), "--jsonl").stdout.splitlines()
    ]
    assert record["started"] == briefing["generated_at"]
    assert (record["status"], record["email"], len(record["outputs"])) == ("ok", "skipped", 3)


def test_source_date_epoch_makes_two_builds_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1643702400")  # 2022-02-01 08:00 UTC
    folders = []
    for name in ("one", "two"):
        work = tmp_path / name
        work.mkdir()
        result = run_digest("build", "--config", str(write_config(work)), "--no-email", "-q")
        assert result.returncode == 0, result.stderr
        folders.append(work / "briefings")
    files = sorted(p.name for p in folders[0].iterdir())
    assert files == [
        "2022-02-01.html",
        "2022-02-01.json",
        "2022-02-01.md",
        "feed.xml",
        "index.html",
    ]
    assert sorted(p.name for p in folders[1].iterdir()) == files
    for name in files:
        assert (folders[0] / name).read_bytes() == (folders[1] / name).read_bytes(), name
    assert "2022-02-01T08:00:00+00:00" in (folders[0] / "feed.xml").read_text(encoding="utf-8")
    assert (
        json.loads((folders[0] / "2022-02-01.json").read_text(encoding="utf-8"))["generated_at"]
        == "2022-02-01T08:00:00+00:00"
    )


def test_a_malformed_source_date_epoch_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # In-process: numpy, imported by the clustering modules, reads the variable itself at
    # import time and crashes on a malformed value before our check can run.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "last tuesday")
    with pytest.raises(SystemExit) as exited:
        main(["build", "--config", str(write_config(tmp_path)), "--no-email"])
    assert exited.value.code == 2
    assert "SOURCE_DATE_EPOCH" in capsys.readouterr().err
    assert not (tmp_path / "briefings").exists()


def test_feeds_status_shows_each_configured_feed(tmp_path: Path) -> None:
    feed = REPO / "tests" / "fixtures" / "feeds" / "atom-zones.xml"
    missing = tmp_path / "gone.xml"
    config = write_config(
        tmp_path, feeds=f"  feeds:\n    - url: {feed}\n      name: Zones\n    - url: {missing}\n"
    )
    before = run_digest("feeds", "status", "--config", str(config))
    assert before.returncode == 0, before.stderr
    assert [line.split()[1] for line in before.stdout.splitlines()[1:]] == ["never", "never"]
    built = run_digest("build", "--config", str(config), "--date", "2022-02-02", "--no-email", "-q")
    assert built.returncode == 0, built.stderr
    assert built.stdout == ""
    assert "gone.xml" in built.stderr  # --quiet keeps warnings
    status = run_digest("feeds", "status", "--config", str(config), "--jsonl")
    assert status.returncode == 0, status.stderr
    zones, gone = (json.loads(line) for line in status.stdout.splitlines())
    entries = feed.read_text(encoding="utf-8").count("<entry")
    assert (zones["name"], zones["status"], zones["entries"]) == ("Zones", "silent", entries)
    assert (gone["status"], gone["consecutive_failures"], gone["entries"]) == ("failing", 1, 0)
    assert "gone.xml" in gone["last_error"]


HOLD_LOCK = """
import sys
from pathlib import Path
from digest.schedule import build_lock
with build_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_a_build_waiting_for_the_lock_says_so_and_gives_up_after_wait(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(tmp_path / "store.sqlite3")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdin is not None
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        told = run_digest("build", "--config", str(config), "--no-email", "--wait", "0.5")
        quiet = run_digest("build", "--config", str(config), "--no-email", "--wait", "0", "-q")
        holder.stdin.close()
        holder.wait(timeout=10)
    lock = tmp_path / "store.sqlite3.lock"
    assert told.returncode == 75
    assert told.stderr.splitlines() == [
        f"digest: waiting for the build running as PID {holder.pid} (lock {lock});"
        " giving up after 0.5 s",
        f"digest: error: gave up after 0.5 s waiting for the build running as PID {holder.pid}"
        f" (lock {lock})",
    ]
    assert told.stdout == ""
    assert quiet.returncode == 75
    assert quiet.stderr.splitlines() == [
        f"digest: error: gave up after 0 s waiting for the build running as PID {holder.pid}"
        f" (lock {lock})"
    ]
    assert not (tmp_path / "briefings").exists()


def test_an_output_folder_under_a_file_fails_before_anything_runs(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    out = tmp_path / "notes.txt" / "briefings"
    result = run_digest("build", "--config", str(config), "--out", str(out), "--no-email")
    # Found by the checks every command runs at start: a usage problem, exit 2.
    assert result.returncode == 2
    assert result.stderr == (
        f"digest: error: {config}: --out: {tmp_path / 'notes.txt'} is a file, not a folder,"
        f" so {out} cannot be made\n"
    )
    assert not (tmp_path / "store.sqlite3").exists()  # nothing was collected or recorded


@pytest.mark.parametrize(
    ("date", "says"),
    [
        ("0001-01-01", "--date: 0001-01-01 is outside 1900-01-01 to 9999-12-31"),
        ("2022-02-30", "--date: expected a date as YYYY-MM-DD, got '2022-02-30'"),
    ],
)
def test_an_impossible_date_is_a_usage_error(tmp_path: Path, date: str, says: str) -> None:
    result = run_digest("build", "--config", str(write_config(tmp_path)), "--date", date)
    assert result.returncode == 2
    assert result.stderr.startswith(f"digest: error: {says}")
    assert not (tmp_path / "store.sqlite3").exists()


def test_a_jsonl_line_that_is_not_utf8_is_named_by_its_number(tmp_path: Path) -> None:
    source = tmp_path / "latin1.jsonl"
    lines = ['{"id": 1, "text": "Plain.", "docs": []}', "", '{"id": 2, "text": "Caf\u00e9."}']
    source.write_bytes("\n".join(lines).encode("latin-1") + b"\n")
    position = lines[2].index("\u00e9") + 1
    for command in ("cluster", "summarize"):
        result = subprocess.run(
            [sys.executable, "-m", "digest", command, "--jsonl", "-"],
            input=source.read_bytes(),
            capture_output=True,
            cwd=tmp_path,
            timeout=300,
            check=False,
        )
        assert result.returncode == 2
        assert result.stderr.decode().splitlines() == [
            f"digest: error: -: line 3: not UTF-8 (byte 0xe9 at position {position});"
            " JSON Lines must be UTF-8"
        ]


def test_an_os_error_reaching_main_names_its_path(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", "/srv/digest/store.sqlite3")

    monkeypatch.setattr(pipeline, "build", refuse)
    with pytest.raises(SystemExit) as exited:
        main(["build", "--config", str(write_config(tmp_path)), "--no-email"])
    assert exited.value.code == 1
    assert capsys.readouterr().err == (
        "digest: error: /srv/digest/store.sqlite3: Permission denied\n"
    )


class ProcessExitError(Exception):
    """What `os._exit` raises in these tests, with the code the process would have exited with."""


@pytest.fixture
def exit_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """`run` in this process: `os._exit` raises, and the test process's own exit handlers are
    left for its own exit."""

    def hard_exit(status: int) -> None:
        raise ProcessExitError(status)

    monkeypatch.setattr("os._exit", hard_exit)
    monkeypatch.setattr("atexit._run_exitfuncs", lambda: None)


@pytest.mark.usefixtures("exit_in_process")
@pytest.mark.parametrize(
    ("argv", "code", "stderr"),
    [
        (["--version"], 0, ""),
        (["build", "--date", "2022-02-30"], 2, "digest: error:"),
        (["no-such-command"], 2, "No such command"),
    ],
)
def test_the_command_exits_at_once_with_mains_code_and_its_output_flushed(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
    stderr: str,
) -> None:
    monkeypatch.setattr(sys, "argv", ["digest", *argv])
    with pytest.raises(ProcessExitError) as exited:
        run()
    assert exited.value.args == (code,)
    out, err = capsys.readouterr()
    assert stderr in err
    if code == 0:
        assert out.startswith("digest")


@pytest.mark.usefixtures("exit_in_process")
def test_a_message_given_to_sys_exit_is_printed_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def stop() -> None:
        sys.exit("stopped: the reason")

    monkeypatch.setattr("digest.cli.main", stop)
    with pytest.raises(ProcessExitError) as exited:
        run()
    assert exited.value.args == (1,)
    assert "stopped: the reason" in capsys.readouterr().err


def run_in_a_child(main: str) -> subprocess.CompletedProcess[str]:
    """`digest.cli.run` in a child process with `main` (a Python expression) as its command,
    and stdout block-buffered as in a pipe of a normal environment."""
    script = f"import atexit, sys, digest.cli as cli\ncli.main = {main}\ncli.run()\n"
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, env=buffered
    )


def test_what_a_command_left_unflushed_reaches_the_pipe_before_the_process_exits() -> None:
    # os._exit alone would drop what is still in the buffer.
    done = run_in_a_child("lambda: sys.stdout.write('written, not flushed')")
    assert (done.returncode, done.stdout) == (0, "written, not flushed")


def test_the_exit_handlers_run_before_the_process_exits() -> None:
    # multiprocessing removes its temporary folders in one (the forkserver's, for instance).
    done = run_in_a_child("lambda: atexit.register(print, 'handler ran')")
    assert (done.returncode, done.stdout) == (0, "handler ran\n")


def test_output_that_cannot_be_written_exits_120_as_python_does() -> None:
    done = run_in_a_child("lambda: (setattr(sys, 'stdout', open('/dev/full', 'w')), print('lost'))")
    assert done.returncode == 120
