"""The command-line contracts of docs/cli.md, through the real console entry point."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from digest.cli import cli
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


def test_cluster_jsonl_puts_every_id_in_exactly_one_story(tmp_path: Path) -> None:
    lines = [
        {"id": f"seed{n}", "title": "", "text": path.read_text(encoding="utf-8")}
        for n, path in enumerate(sorted((REPO / "seeds").glob("*.txt")))
    ]
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = run_digest("cluster", "--jsonl", str(source), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    stories = [json.loads(line) for line in result.stdout.splitlines()]
    ids = sorted(i for story in stories for i in story["ids"])
    assert ids == sorted(line["id"] for line in lines)
    assert [s["story"] for s in stories] == list(range(len(stories)))
    together = next(s for s in stories if "seed0" in s["ids"])
    assert {"seed0", "seed1", "seed2", "seed4"} <= set(together["ids"])
    assert "seed3" not in together["ids"]


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
