"""The seeds briefing, built through the real command line, read as a user would read it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.golden import GOLDEN_DATE, GOLDEN_MARKDOWN, REPO, build_seeds_briefing, run_digest
from tests.test_briefing_json import assert_sources_in_range, validate

SEED_HEADLINES = (
    "Russia denies responding to US proposal on Ukraine crisis",
    "Russia denies sending response to US proposal on defusing Ukraine tensions",
    "US gets Russia’s feedback on security proposals sent by Washington",
    "Russia hands proposals to US on security guarantees, says Kremlin",
    "An American announcement that Russia responded to recent proposals is not true, "
    "Moscow has said",
)

# Web boilerplate that the seed files hold and no reader should see.
BOILERPLATE = (
    "RECENT STORIES",
    "Singapore Airlines",
    "Sharul Channa",
    "Lawrence Wong",
    "Nancy Pelosi",
    "READ MORE",
    "Loading...",
    "Photo by Anna Tis",
    "Pexels",
    "article-image",
    "Most Read",
    "Route 6",
    "Live-TV",
    "Newspaper",
    "اُردُو",
    "PM IST",
    "Web Desk",
)


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of the seeds build."""
    result, out = build_seeds_briefing(tmp_path_factory.mktemp("build"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return out


@pytest.fixture(scope="module")
def seeds_briefing(seeds_out: Path) -> tuple[str, str]:
    markdown = (seeds_out / f"{GOLDEN_DATE}.md").read_text(encoding="utf-8")
    html = (seeds_out / f"{GOLDEN_DATE}.html").read_text(encoding="utf-8")
    return markdown, html


def test_the_seeds_json_holds_the_briefing_and_fits_the_schema(
    seeds_out: Path, seeds_briefing: tuple[str, str]
) -> None:
    document = json.loads((seeds_out / f"{GOLDEN_DATE}.json").read_text(encoding="utf-8"))
    validate(document)
    assert_sources_in_range(document)
    assert document["date"] == GOLDEN_DATE
    (story,) = document["stories"]
    assert (story["rank"], story["featured"], story["section"]) == (1, True, None)
    assert len(story["sources"]) == 4
    assert {s["origin"] for s in story["sources"]} <= {
        f"seeds/{p.name}" for p in (REPO / "seeds").iterdir()
    }
    # The conflict the Markdown shows, with its kind and both claims.
    (conflict,) = story["conflicts"]
    assert conflict["kind"] == "denial"
    assert "not true" in conflict["claims"][1]["text"]
    # The claim the box shows is the summary's disputed sentence, kept whole in the JSON.
    disputed = [s for s in story["summary"] if s["disputed"]]
    assert [(s["text"], s["source"]) for s in disputed] == [
        (c["text"], c["source"]) for c in conflict["claims"][:1]
    ]
    markdown = seeds_briefing[0]
    assert story["headline"] in markdown
    for sentence in story["summary"]:
        assert f"{sentence['text']} [{sentence['source']}]" in markdown


def test_the_seeds_briefing_matches_the_reviewed_golden_file(
    seeds_briefing: tuple[str, str],
) -> None:
    # After an intended change: `make golden`, then review `git diff tests/goldens`.
    assert seeds_briefing[0] == GOLDEN_MARKDOWN.read_text(encoding="utf-8")


def summary_sentences(markdown: str) -> list[str]:
    """The summary sentences: lines that end in a source marker like `[2]`."""
    return [m.group(1) for m in re.finditer(r"^(.+) \[\d+\]$", markdown, flags=re.MULTILINE)]


def words(sentence: str) -> set[str]:
    return set(re.findall(r"\w+", sentence.lower()))


def test_every_seed_article_is_listed_under_its_real_headline(
    seeds_briefing: tuple[str, str],
) -> None:
    markdown, html = seeds_briefing
    for headline in SEED_HEADLINES:
        assert headline in markdown.replace("\\", "")
        assert headline in html.replace("&#39;", "'")


@pytest.mark.parametrize("junk", BOILERPLATE)
def test_no_seed_boilerplate_reaches_the_briefing(
    seeds_briefing: tuple[str, str], junk: str
) -> None:
    markdown, html = seeds_briefing
    assert junk not in markdown
    assert junk not in html


def test_no_sentence_is_said_twice_nor_two_near_identical_ones(
    seeds_briefing: tuple[str, str],
) -> None:
    sentences = summary_sentences(seeds_briefing[0])
    assert len(sentences) >= 3
    for i, first in enumerate(sentences):
        for second in sentences[i + 1 :]:
            a, b = words(first), words(second)
            overlap = len(a & b) / min(len(a), len(b))
            assert overlap < 0.7, (first, second)


def test_the_four_reports_of_one_event_form_one_story(seeds_briefing: tuple[str, str]) -> None:
    markdown = seeds_briefing[0]
    first_story = markdown.split("\n## 2.")[0].split("\n## 1.")[1]
    for headline in SEED_HEADLINES[:2] + SEED_HEADLINES[4:]:
        assert headline in first_story.replace("\\", "")


def test_a_bad_file_among_the_sources_is_named_and_the_rest_builds(
    seeds_copy: Path, tmp_path: Path
) -> None:
    (seeds_copy / "zz_image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (seeds_copy / "zz_empty.md").write_text("", encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(
        f"sources:\n  files: [{seeds_copy}]\noutput:\n  dir: {tmp_path / 'out'}\n"
        f"store:\n  path: {tmp_path / 'store.sqlite3'}\n",
        encoding="utf-8",
    )
    result = run_digest("build", "--config", str(config), "--date", "2022-02-02", "--no-email")
    assert result.returncode == 0, result.stderr
    warnings = result.stderr.splitlines()
    assert any("zz_image.txt" in line and "binary" in line for line in warnings)
    assert any("zz_empty.md" in line and "empty" in line for line in warnings)
    markdown = (tmp_path / "out" / "2022-02-02.md").read_text(encoding="utf-8")
    assert SEED_HEADLINES[0] in markdown
    assert "zz_image.txt" in markdown  # the footer names the failed source


def test_a_missing_config_exits_2_with_one_line(tmp_path: Path) -> None:
    result = run_digest("build", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "config.yaml" in result.stderr
    assert "not found" in result.stderr


def test_an_invalid_config_exits_2_naming_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("summary:\n  algorithm: nonsense\n", encoding="utf-8")
    result = run_digest("build", "--config", str(config))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert f"{config}: summary.algorithm" in result.stderr
    assert "Traceback" not in result.stderr


def test_output_featured_caps_the_stories_shown_in_full(seeds_copy: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"sources:\n  files: [{seeds_copy}]\noutput:\n  dir: {tmp_path / 'out'}\n  featured: 0\n"
        f"store:\n  path: {tmp_path / 'store.sqlite3'}\n",
        encoding="utf-8",
    )
    result = run_digest("build", "--config", str(config), "--date", GOLDEN_DATE, "--no-email")
    assert result.returncode == 0, result.stderr
    markdown = (tmp_path / "out" / f"{GOLDEN_DATE}.md").read_text(encoding="utf-8")
    assert "## More stories" in markdown
    assert re.search(r"^1\. Russia denies .+ — 4 sources$", markdown, flags=re.MULTILINE)
    assert "Conflicting claims" not in markdown  # no full entry
    document = json.loads((tmp_path / "out" / f"{GOLDEN_DATE}.json").read_text(encoding="utf-8"))
    assert [(s["rank"], s["featured"]) for s in document["stories"]] == [(1, False)]
    assert document["stories"][0]["summary"]  # programs still get the summary
