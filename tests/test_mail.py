"""Email: message shape, and sending to a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import html.parser
import re
import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer  # noqa: N811 (not a constant: a class)
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

from digest import pipeline
from digest.config import EmailConfig, load_config
from digest.errors import ConfigError, DeliveryError
from digest.mail import (
    NOTHING_NEW,
    build_message,
    deliver_briefing,
    deliver_email,
    deliver_pending,
    render_subject,
    send_message,
)
from digest.model import Briefing, Conflict, SummarySentence
from digest.render import DARK, render_briefing
from digest.store import Store, ledger, open_store
from tests.builders import make_article, make_briefing, make_story

DAY = dt.date(2026, 11, 25)
NOW = dt.datetime(2026, 11, 25, 6, 0, tzinfo=dt.UTC)
TEXT = "Today's digest\n\nÜnïcode and a long line " + "word " * 40
HTML = (
    "<html><head><style>h1 { color: #123456; }</style></head>"
    "<body><h1>Today’s digest</h1><p>Ünïcode</p></body></html>"
)
SUBJECT = "Nachrichten für 2026-11-25"
USER, PASSWORD = "reader", "s3cret-pässword"
PW_VAR = "DIGEST_SMTP_PASSWORD"  # the environment variable email.password_env names


def free_port() -> int:
    # aiosmtpd cannot bind port 0 (it connects to its own port to check it is up).
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Inbox:
    envelopes: list[Envelope] = field(default_factory=list)
    authenticated: list[bool] = field(default_factory=list)

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTPServer, session: Session, envelope: Envelope, address: str, _: Any
    ) -> str:
        if address.endswith("@refused.test"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTPServer, session: Session, envelope: Envelope
    ) -> str:
        self.envelopes.append(envelope)
        self.authenticated.append(bool(session.authenticated))
        return "250 Message accepted"

    def messages(self) -> list[EmailMessage]:
        parsed = []
        for envelope in self.envelopes:
            assert isinstance(envelope.original_content, bytes)
            message = email.message_from_bytes(
                envelope.original_content, policy=email.policy.default
            )
            assert isinstance(message, EmailMessage)
            parsed.append(message)
        return parsed


def authenticate(
    server: SMTPServer, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    # handled=False: aiosmtpd then answers 535 itself (handled=True would leave the client waiting).
    return AuthResult(success=ok, handled=False)


@dataclass(frozen=True)
class Tls:
    server: ssl.SSLContext
    client: ssl.SSLContext


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    return Tls(server=server, client=ssl.create_default_context(cafile=str(cert)))


@dataclass(frozen=True)
class Server:
    inbox: Inbox
    port: int


def serve(**options: Any) -> Iterator[Server]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield Server(inbox, port)
    finally:
        controller.stop()


@pytest.fixture
def plain_server() -> Iterator[Server]:
    yield from serve()


@pytest.fixture
def starttls_server(tls: Tls) -> Iterator[Server]:
    yield from serve(
        tls_context=tls.server,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        authenticator=authenticate,
    )


@pytest.fixture
def tls_server(tls: Tls) -> Iterator[Server]:
    # auth_require_tls=False: aiosmtpd only counts STARTTLS as TLS, this whole session is TLS.
    yield from serve(ssl_context=tls.server, authenticator=authenticate, auth_require_tls=False)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "store.sqlite3") as opened:
        yield opened


def settings(port: int, **changes: Any) -> EmailConfig:
    values: dict[str, Any] = {
        "enabled": True,
        "host": "127.0.0.1",
        "port": port,
        "security": "plain",
        "sender": "Digest <digest@example.org>",
        "recipients": ("ann@example.org", "bob@example.org"),
    }
    return EmailConfig(**(values | changes))


def message(config: EmailConfig) -> EmailMessage:
    return build_message(settings=config, subject=SUBJECT, text=TEXT, html=HTML, now=NOW)


# --- the message -------------------------------------------------------------------------


def test_the_message_is_text_then_html_alternatives_without_attachments() -> None:
    built = message(settings(25))
    assert built.get_content_type() == "multipart/alternative"
    parts = list(built.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p.get("Content-Disposition") is None for p in parts)
    assert list(built.iter_attachments()) == []
    assert all(p.get_content_charset() == "utf-8" for p in parts)
    assert built["Date"] == "Wed, 25 Nov 2026 06:00:00 +0000"
    assert built["Message-ID"].endswith("@example.org>")


def test_the_html_part_has_its_css_inlined() -> None:
    html = message(settings(25)).get_body(("html",))
    assert html is not None
    content = html.get_content()
    assert 'style="color: #123456' in content
    assert "<style>" not in content


class _Styles(html.parser.HTMLParser):
    """The inline `style` of every element, by class: what a client that drops <style> shows."""

    def __init__(self) -> None:
        super().__init__()
        self.by_class: dict[str, list[dict[str, str]]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        style = {
            name.strip(): value.strip()
            for name, _, value in (d.partition(":") for d in (values.get("style") or "").split(";"))
            if name.strip()
        }
        for name in (values.get("class") or "").split():
            self.by_class.setdefault(name, []).append(style)


def developing_story_with_a_conflict_email() -> tuple[str, str]:
    """The text and HTML parts of the email of a briefing with a developing, disputed story."""
    claim = make_article("c", title="Claim", outlet="One", url="https://one.example/c")
    counter = make_article("d", title="Counter", outlet="Two")
    story = make_story(claim, counter, headline="Talks", summary=(("Talks went on.", "d"),))
    conflict = Conflict(
        SummarySentence("We received it.", "c"), SummarySentence("Not true.", "d"), "Denied."
    )
    rendered = render_briefing(
        make_briefing(replace(story, developing=True, conflicts=(conflict,)))
    )
    built = build_message(
        settings=settings(25), subject=SUBJECT, text=rendered.markdown, html=rendered.html, now=NOW
    )
    text, html_part = built.get_body(("plain",)), built.get_body(("html",))
    assert text is not None
    assert html_part is not None
    assert text.get_content() == rendered.markdown  # the text part stays as it was
    return text.get_content(), html_part.get_content()


def test_the_email_html_has_every_css_value_resolved() -> None:
    text, content = developing_story_with_a_conflict_email()
    assert "(developing)" in text
    assert "var(" not in content
    styles = _Styles()
    styles.feed(content)
    (badge,) = styles.by_class["developing"]
    assert badge["color"] != badge["background"]
    assert {badge["color"], badge["background"]}.isdisjoint({"", "inherit", "currentColor"})
    (box,) = styles.by_class["conflict"]
    assert box["border-color"].startswith("#")
    assert box["border-left-color"].startswith("#")
    assert box["border-left-color"] != box["border-color"]


def test_the_email_keeps_dark_colours_inside_its_media_rule_only() -> None:
    _, content = developing_story_with_a_conflict_email()
    media = re.search(r"@media \(prefers-color-scheme: dark\) \{(.*?\})\s*\}", content, re.S)
    assert media is not None
    assert f"background: {DARK.accent} !important" in media.group(1)
    outside = content.replace(media.group(0), "")
    assert DARK.paper not in outside  # the light scheme is what clients without @media show


def test_a_given_message_id_is_kept() -> None:
    built = build_message(
        settings=settings(25), subject="x", text="t", html="<p>h</p>", message_id="<keep@me>"
    )
    assert built["Message-ID"] == "<keep@me>"


def test_the_subject_template_gets_the_date_and_counts() -> None:
    briefing = Briefing(date=DAY, generated_at=NOW, stories=())
    subject = render_subject("{{ stories }} stories for {{ date }}", date=DAY, briefing=briefing)
    assert subject == "0 stories for 2026-11-25"
    assert render_subject("a\nb {{ date }}\r\n", date=DAY) == "a b 2026-11-25"


def test_a_broken_subject_template_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"email\.subject"):
        render_subject("{{ nope }}", date=DAY)


# --- sending to a real server ------------------------------------------------------------


def test_a_plain_server_receives_one_message_for_all_recipients(plain_server: Server) -> None:
    config = settings(plain_server.port)
    send_message(message(config), settings=config, env={})
    [envelope] = plain_server.inbox.envelopes
    assert envelope.rcpt_tos == ["ann@example.org", "bob@example.org"]
    assert envelope.mail_from == "digest@example.org"
    [received] = plain_server.inbox.messages()
    assert received.get_content_type() == "multipart/alternative"
    assert received["Subject"] == SUBJECT
    text, html = (received.get_body((kind,)) for kind in ("plain", "html"))
    assert text is not None
    assert html is not None
    assert text.get_content().replace("\r\n", "\n") == TEXT + "\n"
    assert "<h1" in html.get_content()
    assert "Today’s digest" in html.get_content()
    assert list(received.iter_attachments()) == []


def test_starttls_with_auth_delivers(starttls_server: Server, tls: Tls) -> None:
    config = settings(starttls_server.port, security="starttls", username=USER, password_env=PW_VAR)
    send_message(message(config), settings=config, env={PW_VAR: PASSWORD}, ssl_context=tls.client)
    assert starttls_server.inbox.authenticated == [True]


def test_implicit_tls_with_auth_delivers(tls_server: Server, tls: Tls) -> None:
    config = settings(tls_server.port, security="tls", username=USER, password_env=PW_VAR)
    send_message(message(config), settings=config, env={PW_VAR: PASSWORD}, ssl_context=tls.client)
    assert tls_server.inbox.authenticated == [True]


def test_a_wrong_password_is_one_line_naming_the_server(starttls_server: Server, tls: Tls) -> None:
    config = settings(starttls_server.port, security="starttls", username=USER, password_env=PW_VAR)
    with pytest.raises(DeliveryError) as caught:
        send_message(
            message(config), settings=config, env={PW_VAR: "wrong"}, ssl_context=tls.client
        )
    line = str(caught.value)
    assert "\n" not in line
    assert f"127.0.0.1:{starttls_server.port}" in line
    assert "authentication failed for user 'reader'" in line
    assert "wrong" not in line
    assert starttls_server.inbox.envelopes == []


def test_an_untrusted_certificate_is_refused(starttls_server: Server) -> None:
    config = settings(starttls_server.port, security="starttls", username=USER, password_env=PW_VAR)
    with pytest.raises(DeliveryError, match="TLS certificate not trusted"):
        send_message(message(config), settings=config, env={PW_VAR: PASSWORD})


def test_plain_against_a_server_requiring_starttls_says_so(starttls_server: Server) -> None:
    config = settings(starttls_server.port)
    with pytest.raises(DeliveryError, match="530 Must issue a STARTTLS command first"):
        send_message(message(config), settings=config, env={})


def test_a_missing_password_variable_is_named() -> None:
    config = settings(free_port(), username=USER, password_env=PW_VAR)
    with pytest.raises(DeliveryError, match="environment variable DIGEST_SMTP_PASSWORD is not set"):
        send_message(message(config), settings=config, env={})


def test_a_server_that_is_down_is_connection_refused() -> None:
    port = free_port()
    config = settings(port)
    with pytest.raises(DeliveryError) as caught:
        send_message(message(config), settings=config, env={})
    assert str(caught.value) == (
        f"email to 127.0.0.1:{port} failed: connection refused"
        " (is the server running, and is the port right?)"
    )


def test_a_server_that_never_answers_times_out() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        config = settings(silent.getsockname()[1], timeout=0.3)
        with pytest.raises(DeliveryError, match=r"timed out after 0\.3 s"):
            send_message(message(config), settings=config, env={})


def test_all_recipients_refused_is_an_error(plain_server: Server) -> None:
    config = settings(plain_server.port, recipients=("x@refused.test",))
    with pytest.raises(DeliveryError, match=r"recipients refused: x@refused\.test \(550"):
        send_message(message(config), settings=config, env={})


def test_some_recipients_refused_is_sent_to_the_others(plain_server: Server) -> None:
    config = settings(plain_server.port, recipients=("ann@example.org", "x@refused.test"))
    send_message(message(config), settings=config, env={})
    assert plain_server.inbox.envelopes[0].rcpt_tos == ["ann@example.org"]


# --- the once-only rule ------------------------------------------------------------------


def deliver(store: Store, config: EmailConfig, *, resend: bool = False) -> str:
    outcome = deliver_email(
        store,
        settings=config,
        date=DAY,
        text=TEXT,
        html=HTML,
        subject="Digest",
        resend=resend,
        now=NOW,
        env={},
    )
    return outcome.status


def test_a_briefing_is_emailed_once_unless_resent(plain_server: Server, store: Store) -> None:
    config = settings(plain_server.port)
    assert deliver(store, config) == "sent"
    assert deliver(store, config) == "already_sent"
    assert len(plain_server.inbox.envelopes) == 1
    assert deliver(store, config, resend=True) == "sent"
    first, second = plain_server.inbox.messages()
    assert first["Message-ID"] != second["Message-ID"]  # or clients would hide the resend


def test_a_failed_delivery_is_recorded_and_retried_with_the_same_message_id(
    store: Store,
) -> None:
    port = free_port()
    config = settings(port)
    ledger.record_build(store, date=DAY, started=NOW, finished=NOW, status="ok", outputs=[])
    with pytest.raises(DeliveryError, match="connection refused"):
        deliver(store, config)
    assert ledger.pending_deliveries(store) == [DAY]
    [run] = ledger.runs_for(store, DAY)
    assert run.delivery == "failed"
    assert run.delivery_error is not None
    assert f"127.0.0.1:{port}" in run.delivery_error
    pending = ledger.delivery_for(store, DAY)
    assert pending is not None

    # The server comes back: `digest deliver --pending` sends the stored message.
    server = serve()
    up = next(server)
    try:
        controller_port_config = settings(up.port)
        [outcome] = deliver_pending(store, settings=controller_port_config, now=NOW, env={})
        assert outcome.status == "sent"
        [received] = up.inbox.messages()
        assert received["Message-ID"] == pending.message_id
        assert ledger.pending_deliveries(store) == []
        assert deliver_pending(store, settings=controller_port_config, now=NOW, env={}) == []
    finally:
        server.close()


def test_a_crash_after_sending_retries_with_the_same_message_id(
    plain_server: Server, store: Store
) -> None:
    # The attempt row exists but "sent" was never written: the process died mid-delivery.
    message_id = ledger.begin_attempt(
        store,
        DAY,
        subject="Digest",
        text=TEXT,
        html=HTML,
        new_message_id="<x@example.org>",
        now=NOW,
    )
    assert deliver(store, settings(plain_server.port)) == "sent"
    [received] = plain_server.inbox.messages()
    assert received["Message-ID"] == message_id


def test_email_not_enabled_sends_nothing_and_says_so(plain_server: Server, store: Store) -> None:
    ledger.record_build(store, date=DAY, started=NOW, finished=NOW, status="ok", outputs=[])
    assert deliver(store, settings(plain_server.port, enabled=False)) == "not_configured"
    assert plain_server.inbox.envelopes == []
    assert ledger.runs_for(store, DAY)[0].delivery == "not_configured"


def test_a_build_sends_today_then_retries_earlier_failures(store: Store) -> None:
    yesterday = DAY - dt.timedelta(days=1)
    down = settings(free_port())
    with pytest.raises(DeliveryError):
        deliver_briefing(
            store,
            settings=down,
            date=yesterday,
            text="old",
            html="<p>old</p>",
            subject="Old",
            resend=False,
            now=NOW,
            env={},
        )
    assert ledger.pending_deliveries(store) == [yesterday]
    with pytest.raises(DeliveryError):  # still down: today's failure is recorded, not lost
        deliver_briefing(
            store,
            settings=down,
            date=DAY,
            text=TEXT,
            html=HTML,
            subject="New",
            resend=False,
            now=NOW,
            env={},
        )
    assert ledger.pending_deliveries(store) == [yesterday, DAY]

    server = serve()
    up = next(server)
    try:
        outcomes = deliver_briefing(
            store,
            settings=settings(up.port),
            date=DAY,
            text=TEXT,
            html=HTML,
            subject="New",
            resend=False,
            now=NOW,
            env={},
        )
        assert [(o.date, o.status) for o in outcomes] == [(DAY, "sent"), (yesterday, "sent")]
        assert [m["Subject"] for m in up.inbox.messages()] == ["New", "Old"]
        assert ledger.pending_deliveries(store) == []
    finally:
        server.close()


# --- nothing new -------------------------------------------------------------------------


def test_a_briefing_with_nothing_new_is_written_but_not_emailed(
    plain_server: Server, seeds_copy: Path
) -> None:
    folder = seeds_copy.parent
    path = folder / "config.yaml"
    path.write_text(
        "sources:\n  files: [seeds]\noutput:\n  dir: out\nstore:\n  path: store.sqlite3\n"
        f"email:\n  enabled: true\n  host: 127.0.0.1\n  port: {plain_server.port}\n"
        "  security: plain\n  recipients: [ann@example.org]\n",
        encoding="utf-8",
    )
    config = load_config(path)
    day = dt.date(2022, 2, 2)
    first = pipeline.build(config, date=day, now=NOW, env={})
    assert first.briefing.stories
    assert len(plain_server.inbox.envelopes) == 1

    # The same articles the next day: every story was shown already.
    next_day = day + dt.timedelta(days=1)
    second = pipeline.build(config, date=next_day, now=NOW + dt.timedelta(days=1), env={})
    assert second.briefing.stories == ()
    assert second.delivery_error is None
    assert len(plain_server.inbox.envelopes) == 1  # no email
    written = (folder / "out" / f"{next_day}.md").read_text(encoding="utf-8")
    assert "Nothing new since the last briefing." in written
    assert (folder / "out" / f"{next_day}.html").exists()
    with open_store(folder / "store.sqlite3") as store:
        [run] = ledger.runs_for(store, next_day)
        assert (run.delivery, run.delivery_error) == ("skipped", NOTHING_NEW)
        assert ledger.pending_deliveries(store) == []

    # email.skip_empty: false sends it anyway.
    sending = config.model_copy(
        update={"email": config.email.model_copy(update={"skip_empty": False})}
    )
    third_day = next_day + dt.timedelta(days=1)
    pipeline.build(sending, date=third_day, now=NOW + dt.timedelta(days=2), env={})
    [_, empty] = plain_server.inbox.messages()
    body = empty.get_body(("plain",))
    assert body is not None
    assert "Nothing new since the last briefing." in body.get_content()


def test_nothing_new_still_retries_an_earlier_failed_email(
    plain_server: Server, store: Store
) -> None:
    yesterday = DAY - dt.timedelta(days=1)
    with pytest.raises(DeliveryError):
        deliver_email(
            store,
            settings=settings(free_port()),
            date=yesterday,
            text="old",
            html="<p>old</p>",
            subject="Old",
            resend=False,
            now=NOW,
            env={},
        )
    ledger.record_build(store, date=DAY, started=NOW, finished=NOW, status="ok", outputs=[])
    outcomes = deliver_briefing(
        store,
        settings=settings(plain_server.port),
        date=DAY,
        text=TEXT,
        html=HTML,
        subject="Empty",
        resend=False,
        now=NOW,
        env={},
        empty=True,
    )
    assert [(o.date, o.status) for o in outcomes] == [(DAY, "nothing_new"), (yesterday, "sent")]
    [received] = plain_server.inbox.messages()
    assert received["Subject"] == "Old"
    assert ledger.runs_for(store, DAY)[0].delivery == "skipped"
