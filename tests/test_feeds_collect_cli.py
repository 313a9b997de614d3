"""`digest collect` on full-text feeds through the command: --feed settings, repeated runs."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import cli
from tests.test_feeds_fulltext import HTML, TEASER, article_page, has_full_text, realistic_page
from tests.test_feeds_helpers import FeedServer, Route, item, rss


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


def serve_feed(server: FeedServer, pages: dict[str, bytes]) -> str:
    for path, body in pages.items():
        server.routes[path] = Route(body, content_type=HTML)
    entries = [
        item(f"Entry {n}", link=server.url(path), guid=f"g{n}", description=TEASER)
        for n, path in enumerate(pages)
    ]
    server.routes["/feed"] = Route(rss(*entries).encode())
    return server.url("/feed")


def collect_jsonl(config: Path, *args: str) -> tuple[list[dict[str, str]], str]:
    result = CliRunner().invoke(cli, ["collect", "--config", str(config), "--jsonl", *args])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    return lines, result.stderr


def test_collect_feed_uses_the_configs_settings_for_a_configured_feed(
    server: FeedServer, tmp_path: Path
) -> None:
    url = serve_feed(server, {"/a": article_page(1)})
    config = tmp_path / "config.yaml"
    # Written differently (upper-case host, trailing slash): the same feed.
    configured = url.replace("http://", "HTTP://") + "/"
    config.write_text(
        "sources:\n  files: []\n  feeds:\n"
        f"    - url: {configured}\n      name: My Harbour News\n      full_text: true\n",
        encoding="utf-8",
    )
    (record,), _ = collect_jsonl(config, "--feed", url)
    assert record["origin"] == url
    assert record["outlet"] == "My Harbour News"
    assert has_full_text(record["text"])


def test_collect_feed_not_in_the_config_says_the_defaults_apply(
    server: FeedServer, tmp_path: Path
) -> None:
    url = serve_feed(server, {"/a": article_page(1)})
    config = tmp_path / "config.yaml"
    config.write_text("sources:\n  files: []\n", encoding="utf-8")
    (record,), stderr = collect_jsonl(config, "--feed", url, "-v")
    assert record["text"] == TEASER
    assert f"{url}: not one of the config's feeds; default feed settings apply" in stderr
    assert server.hits("/a") == []


@pytest.mark.slow
def test_full_text_collect_of_many_pages_never_crashes(server: FeedServer, tmp_path: Path) -> None:
    # Extraction in threads died now and then (double free, segfault: exit 134 or 139) on a
    # feed like this; in worker processes it must not, run after run. Each run is a fresh
    # `digest` process, as a crash kills the process.
    pages = {f"/news/{n}.html": realistic_page(n) for n in range(120)}
    url = serve_feed(server, pages)
    config = tmp_path / "config.yaml"
    config.write_text(
        f"sources:\n  files: []\n  feeds:\n    - url: {url}\n      full_text: true\n",
        encoding="utf-8",
    )
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-m", "digest", "collect", "--config", str(config), "--jsonl"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        records = [json.loads(line) for line in done.stdout.splitlines()]
        assert len(records) == len(pages)
        assert all("council harbour budget" in r["text"] for r in records), done.stderr[-2000:]
        assert "warning" not in done.stderr
