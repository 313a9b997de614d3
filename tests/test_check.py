"""`digest check` and the checks every command runs at start (digest/check.py)."""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from digest.check import Problem, check_config, check_smtp, describe, read_checked
from digest.config import Config, EmailConfig, load_config
from digest.errors import ConfigError
from digest.model import Briefing
from digest.render import make_environment, render_briefing
from digest.store import StoreLocation, open_store
from digest.store._database import HEAD
from tests import test_mail
from tests.golden import run_digest
from tests.test_mail import PASSWORD, PW_VAR, USER, Server, Tls
from tests.test_mail import tls as tls  # noqa: PLC0414 (a fixture: the explicit re-export keeps it)

NOW = dt.datetime(2026, 11, 25, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
def smtp_server() -> Iterator[Server]:
    yield from test_mail.serve()


@pytest.fixture
def login_server(tls: Tls) -> Iterator[Server]:
    yield from test_mail.serve(
        tls_context=tls.server,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        authenticator=test_mail.authenticate,
    )


def make_config(folder: Path, text: str = "") -> Config:
    """A config in `folder` whose sources folder exists, plus `text`'s settings."""
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    path = folder / "config.yaml"
    path.write_text("sources:\n  files: [sources]\n" + text, encoding="utf-8")
    return load_config(path)


def problems(config: Config, *, sending: bool = False, **options: object) -> list[Problem]:
    return check_config(config, env={}, sending=sending, **options)  # type: ignore[arg-type]


def keys(found: list[Problem]) -> list[str | None]:
    return [problem.key for problem in found]


def test_a_sound_config_has_no_problems(tmp_path: Path) -> None:
    assert problems(make_config(tmp_path)) == []


def test_the_repository_config_has_no_problems() -> None:
    repo = Path(__file__).resolve().parents[1]
    assert problems(load_config(repo / "config.yaml")) == []


# --- sources ---------------------------------------------------------------------------------


def test_missing_source_folders_and_unreadable_feed_urls_are_named(tmp_path: Path) -> None:
    (tmp_path / "news").mkdir()
    (tmp_path / "feed.xml").write_text("<rss/>", encoding="utf-8")
    config = make_config(
        tmp_path,
        "  feeds: [feed.xml, gone.xml, 'ftp://example.org/rss', https://example.org/rss]\n",
    )
    config = config.model_copy(
        update={
            "sources": config.sources.model_copy(
                update={"files": ("sources", "nope", "news/**/*.md", "old/*/*.txt")}
            )
        }
    )
    found = problems(config)
    # A missing feed file (gone.xml) is a failing feed at run time, not a config problem.
    assert keys(found) == ["sources.files", "sources.files", "sources.feeds.2"]
    assert found[0].message == f"nope: no such file or folder ({tmp_path / 'nope'})"
    assert "old/*/*.txt" in found[1].message
    assert str(tmp_path / "old") in found[1].message
    assert "ftp://example.org/rss: expected an http(s) URL or a file path" in found[2].message


# --- templates -------------------------------------------------------------------------------


def test_a_missing_templates_folder_is_a_problem(tmp_path: Path) -> None:
    found = problems(make_config(tmp_path, "output:\n  templates: mine\n"))
    assert found == [Problem("output.templates", f"mine: no such folder ({tmp_path / 'mine'})")]


def test_a_template_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "briefing.md.j2").write_text("# {{ date }}\n\n{{ date }\n", encoding="utf-8")
    (mine / "README.txt").write_text("{{ not a template", encoding="utf-8")  # never compiled
    (mine / "partial.html.j2").write_text("{% if %}\n", encoding="utf-8")
    found = problems(make_config(tmp_path, "output:\n  templates: mine\n"))
    assert [p.message.split(": ")[0] for p in found] == [
        f"{mine / 'briefing.md.j2'}:3",
        f"{mine / 'partial.html.j2'}:1",
    ]
    assert found[0] == Problem(None, f"{mine / 'briefing.md.j2'}:3: unexpected '}}'")


def test_a_misspelt_variable_outside_the_story_loop_is_found_at_start(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "briefing.md.j2").write_text("# {{ date }}\n{{ titel }}\n", encoding="utf-8")
    found = problems(make_config(tmp_path, "output:\n  templates: mine\n"))
    assert found == [Problem(None, f"{mine / 'briefing.md.j2'}:2: 'titel' is undefined")]


def test_an_overridden_template_that_compiles_passes(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "briefing.md.j2").write_text("# {{ date }}\n", encoding="utf-8")
    assert problems(make_config(tmp_path, "output:\n  templates: mine\n")) == []


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ date }}\n{{ titel }}\n", ":2: 'titel' is undefined"),
        ("one\ntwo\n{% include 'gone.j2' %}\n", ":3: template 'gone.j2' not found"),
        ("{{ date }\n", ":1: unexpected '}'"),
    ],
)
def test_a_template_failing_at_render_is_a_config_error_naming_file_and_line(
    tmp_path: Path, template: str, message: str
) -> None:
    (tmp_path / "briefing.md.j2").write_text(template, encoding="utf-8")
    briefing = Briefing(date=NOW.date(), generated_at=NOW, stories=())
    with pytest.raises(ConfigError) as caught:
        render_briefing(briefing, environment=make_environment(tmp_path))
    assert str(caught.value) == f"{tmp_path / 'briefing.md.j2'}{message}"


def test_an_error_in_a_template_s_own_code_stays_a_bug(tmp_path: Path) -> None:
    # Only template errors become ConfigError; a failing filter is ours to fix, not the user's.
    (tmp_path / "briefing.md.j2").write_text("{{ 1 // 0 }}\n", encoding="utf-8")
    briefing = Briefing(date=NOW.date(), generated_at=NOW, stories=())
    with pytest.raises(ZeroDivisionError):
        render_briefing(briefing, environment=make_environment(tmp_path))


# --- language, email, schedule ---------------------------------------------------------------


def test_an_unknown_language_is_a_problem(tmp_path: Path) -> None:
    found = problems(make_config(tmp_path, "summary:\n  language: klingon\n"))
    assert keys(found) == ["summary.language"]
    assert "'klingon'" in found[0].message
    assert "english" in found[0].message


def test_email_enabled_needs_recipients_a_sender_and_a_subject_that_renders(
    tmp_path: Path,
) -> None:
    config = make_config(
        tmp_path,
        "email:\n  enabled: true\n  sender: nobody\n  host: ' '\n  subject: '{{ date }'\n",
    )
    assert keys(problems(config)) == [
        "email.recipients",
        "email.sender",
        "email.host",
        "email.subject",
    ]


def test_email_settings_are_not_checked_while_email_is_off(tmp_path: Path) -> None:
    assert problems(make_config(tmp_path, "email:\n  sender: nobody\n")) == []


def test_the_password_variable_must_be_named_and_set_when_sending(tmp_path: Path) -> None:
    email = "email:\n  enabled: true\n  recipients: [a@example.org]\n  username: me\n"
    unnamed = problems(make_config(tmp_path, email), sending=False)
    assert keys(unnamed) == ["email.password_env"]
    config = make_config(tmp_path, email + f"  password_env: {PW_VAR}\n")
    assert problems(config, sending=False) == []
    found = problems(config, sending=True)
    assert found == [Problem("email.password_env", f"environment variable {PW_VAR} is not set")]
    assert check_config(config, env={PW_VAR: "x"}, sending=True) == []


@pytest.mark.parametrize(
    ("cron", "message"),
    [
        ("0 25 * * *", "higher than the maximum"),
        ("0 7 * * moon", "not a weekday"),
        ("0 7 * * */x", "'x'"),
    ],
)
def test_a_bad_cron_expression_is_a_problem(tmp_path: Path, cron: str, message: str) -> None:
    found = problems(make_config(tmp_path, f"schedule:\n  cron: '{cron}'\n"))
    assert keys(found) == ["schedule.cron"]
    assert message in found[0].message


# --- folders ---------------------------------------------------------------------------------


def test_an_output_folder_under_a_file_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    found = problems(make_config(tmp_path, "output:\n  dir: file/out\n"))
    assert keys(found) == ["output.dir"]
    assert f"{tmp_path / 'file'} is a file" in found[0].message
    # --out replaces output.dir, and is named as such.
    fine = make_config(tmp_path)
    assert keys(problems(fine, out_dir=tmp_path / "file" / "x")) == ["--out"]
    assert problems(fine, out_dir=tmp_path / "new" / "deep") == []


def test_a_store_that_is_a_folder_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    found = problems(make_config(tmp_path, "store:\n  path: store\n"))
    assert found == [Problem("store.path", f"{tmp_path / 'store'} is a folder, not a file")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_output_folder_is_a_problem(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    found = problems(make_config(tmp_path, "output:\n  dir: locked/out\n"))
    assert keys(found) == ["output.dir"]
    assert "not writable" in found[0].message


# --- reading, describing ---------------------------------------------------------------------


def test_read_checked_lists_every_invalid_key(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("summary:\n  wordz: 3\ncluster:\n  similarity: 7\n", encoding="utf-8")
    config, lines = read_checked(path, env={}, sending=False)
    assert config is None
    assert [line.split(": ")[:2] for line in lines] == [
        [str(path), "summary.wordz"],
        [str(path), "cluster.similarity"],
    ]


def test_the_ok_line_says_what_the_config_sets_up(tmp_path: Path) -> None:
    config = make_config(
        tmp_path,
        "  feeds: [https://a.example/rss, https://b.example/rss]\n"
        "schedule:\n  cron: '30 6 * * 1-5'\n  timezone: Europe/Berlin\n",
    )
    text = describe(config, now=NOW)  # a Wednesday, 07:00 in Berlin
    assert "2 feeds" in text
    assert "1 local source" in text
    assert "email off" in text
    assert "next scheduled build 2026-11-26 06:30 CET" in text


# --- --smtp ----------------------------------------------------------------------------------


def test_smtp_check_connects_and_sends_nothing(smtp_server: Server) -> None:
    settings = EmailConfig(host="127.0.0.1", port=smtp_server.port, security="plain")
    assert check_smtp(Config(email=settings), env={}) == []
    assert smtp_server.inbox.envelopes == []


def test_smtp_check_does_starttls_and_logs_in(login_server: Server, tls: Tls) -> None:
    settings = EmailConfig(
        host="127.0.0.1", port=login_server.port, username=USER, password_env=PW_VAR
    )
    good = check_smtp(Config(email=settings), env={PW_VAR: PASSWORD}, ssl_context=tls.client)
    assert good == []
    bad = check_smtp(Config(email=settings), env={PW_VAR: "wrong"}, ssl_context=tls.client)
    assert keys(bad) == ["email"]
    assert "authentication failed" in bad[0].message
    assert login_server.inbox.envelopes == []


def test_smtp_check_names_a_server_that_does_not_answer(smtp_server: Server) -> None:
    port = smtp_server.port
    settings = EmailConfig(host="127.0.0.1", port=port + 1 if port < 65535 else 1, timeout=2)
    found = check_smtp(Config(email=settings), env={})
    assert keys(found) == ["email"]
    assert "127.0.0.1" in found[0].message


# --- the command line ------------------------------------------------------------------------


def test_digest_check_prints_ok_and_exits_0(tmp_path: Path) -> None:
    make_config(tmp_path)
    result = run_digest("check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("config.yaml: OK (0 feeds, 1 local source,")
    assert result.stderr == ""


def test_digest_check_prints_one_line_per_problem_and_exits_2(tmp_path: Path) -> None:
    make_config(
        tmp_path,
        "summary:\n  language: klingon\nemail:\n  enabled: true\nschedule:\n  cron: '0 25 * * *'\n",
    )
    result = run_digest("check", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert [line.split(": ")[:3] for line in lines] == [
        ["digest", "error", "config.yaml"],
    ] * 3
    assert [line.split(": ")[3] for line in lines] == [
        "summary.language",
        "email.recipients",
        "schedule.cron",
    ]


def test_digest_check_smtp_against_a_real_server(tmp_path: Path, smtp_server: Server) -> None:
    make_config(
        tmp_path,
        f"email:\n  enabled: true\n  host: 127.0.0.1\n  port: {smtp_server.port}\n"
        "  security: plain\n  recipients: [a@example.org]\n",
    )
    result = run_digest("check", "--smtp", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"email to 1 recipient via 127.0.0.1:{smtp_server.port}" in result.stdout
    assert smtp_server.inbox.envelopes == []


def test_the_store_password_variable_must_be_set_when_building(tmp_path: Path) -> None:
    store = "store:\n  url: postgresql://digest@db.example/digest\n  password_env: DIGEST_DB_PW\n"
    config = make_config(tmp_path, store)
    assert problems(config, sending=False) == []
    assert problems(config, sending=True) == [
        Problem("store.password_env", "environment variable DIGEST_DB_PW is not set")
    ]
    assert check_config(config, env={"DIGEST_DB_PW": "x"}, sending=True) == []


def test_digest_check_store_reads_the_version_of_a_postgresql_store(
    tmp_path: Path, postgres_url: str
) -> None:
    make_config(tmp_path, f"store:\n  url: {postgres_url}\n")
    fresh = run_digest("check", "--store", cwd=tmp_path)
    assert fresh.returncode == 0, fresh.stderr
    ok, standing = fresh.stdout.splitlines()
    assert f", store {postgres_url}, " in ok
    assert standing.startswith(f"store {postgres_url}: PostgreSQL ")
    assert standing.endswith(", no tables yet: the first build makes them")

    with open_store(StoreLocation(url=postgres_url)):  # as the first build does
        pass
    again = run_digest("check", "--store", cwd=tmp_path)
    assert again.stdout.splitlines()[1].endswith(f", schema {HEAD}, up to date")


def test_digest_check_store_names_a_server_that_does_not_answer(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://digest@127.0.0.1:{port}/digest"
    make_config(tmp_path, f"store:\n  url: {url}\n")
    assert run_digest("check", cwd=tmp_path).returncode == 0  # no connection without --store
    result = run_digest("check", "--store", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"digest: error: config.yaml: store.url: store {url}: cannot reach the PostgreSQL server"
    )
    assert len(result.stderr.splitlines()) == 1


def test_digest_check_store_on_a_sqlite_store(tmp_path: Path) -> None:
    make_config(tmp_path, "store:\n  path: s.sqlite3\n")
    result = run_digest("check", "--store", cwd=tmp_path)
    assert result.stdout.splitlines()[1] == (
        f"store {tmp_path / 's.sqlite3'}: no store file yet: the first build makes it"
    )


@pytest.mark.parametrize(
    ("command", "settings"),
    [
        (("build", "--no-email"), "summary:\n  language: klingon\n"),
        (("build", "--no-email"), "schedule:\n  cron: '0 25 * * *'\n"),
        (("build", "--no-email"), "output:\n  templates: mine\n"),
        (("build",), "email:\n  enabled: true\n"),
        (("collect", "--jsonl"), "summary:\n  language: klingon\n"),
        (("deliver", "--pending"), "email:\n  enabled: true\n"),
        (("schedule",), "schedule:\n  cron: '0 25 * * *'\n"),
    ],
)
def test_every_command_stops_at_start_before_any_work(
    tmp_path: Path, command: tuple[str, ...], settings: str
) -> None:
    make_config(tmp_path, settings)
    result = run_digest(*command, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("digest: error: config.yaml: ")
    assert result.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml", "sources"]  # no work


def test_build_checks_the_out_folder_it_is_given(tmp_path: Path) -> None:
    # Relative to the current folder, not the config's.
    make_config(tmp_path / "conf")
    here = tmp_path / "here"
    here.mkdir()
    (here / "file").write_text("", encoding="utf-8")
    config = tmp_path / "conf" / "config.yaml"
    result = run_digest(
        "build", "--no-email", "--config", str(config), "--out", "file/briefings", cwd=here
    )
    assert result.returncode == 2
    assert f"config.yaml: --out: {here / 'file'} is a file" in result.stderr
    assert not (tmp_path / "conf" / ".digest").exists()


def test_a_broken_override_template_stops_build_at_start_naming_file_and_line(
    tmp_path: Path,
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "briefing.html.j2").write_text("<p>\n{{ date }\n", encoding="utf-8")
    make_config(tmp_path, "output:\n  templates: mine\n")
    result = run_digest("build", "--no-email", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"digest: error: {mine / 'briefing.html.j2'}:2: unexpected '}}'\n"
    assert not (tmp_path / "briefings").exists()
