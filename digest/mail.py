"""Email delivery: one multipart/alternative message per briefing, sent once over SMTP.

    render_subject(template, date=, briefing=)  -> str      the subject from config's template
    build_message(settings=, subject=, ...)      -> EmailMessage   text/plain + text/html parts
    send_message(message, settings=, env=)       -> None     smtplib; DeliveryError on failure
    probe_server(settings, env=)                 -> None     connect, TLS, login, QUIT: no mail
    deliver_email(store, ...)                    -> DeliveryOutcome   the once-only rule
    deliver_briefing(store, ...)                 -> outcomes  a build's email: today's (unless
                                                               empty), then retries
    deliver_pending(store, ...)                  -> list[DeliveryOutcome]   retry failed dates

The two bodies are the message's alternative parts, never attachments, so every client
(Gmail, ProtonMail, K-9, mutt) shows the HTML or, failing that, the text inline. The HTML gets
its CSS inlined because most webmail clients drop `<style>` blocks.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import logging
import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal

import css_inline
import jinja2
import jinja2.sandbox

from digest.config import EmailConfig
from digest.errors import ConfigError, DeliveryError
from digest.model import Briefing
from digest.store import Store, ledger

__all__ = [
    "NOTHING_NEW",
    "DeliveryOutcome",
    "build_message",
    "deliver_briefing",
    "deliver_email",
    "deliver_pending",
    "inline_css",
    "probe_server",
    "render_subject",
    "send_message",
]

log = logging.getLogger(__name__)

# The ledger's note on a run whose briefing was not emailed because it had nothing new.
NOTHING_NEW = "nothing new since the last briefing (email.skip_empty)"


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """What `deliver_email` did for one date (a failure is raised, not returned)."""

    date: dt.date
    status: Literal["sent", "already_sent", "not_configured", "nothing_new"]
    message_id: str | None = None
    recipients: tuple[str, ...] = ()


def render_subject(template: str, *, date: dt.date, briefing: Briefing | None = None) -> str:
    """The subject line from `email.subject`, a jinja2 template on one line.

    Variables: `date` (YYYY-MM-DD), `briefing` (the Briefing, or None), and the counts
    `stories`, `articles` and `outlets`.
    """
    # Sandboxed: the template comes from a config file, which should not be able to run code.
    environment = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined)
    try:
        rendered = environment.from_string(template).render(
            date=date.isoformat(),
            briefing=briefing,
            stories=len(briefing.stories) if briefing else 0,
            articles=len(briefing.articles) if briefing else 0,
            outlets=len(briefing.outlets) if briefing else 0,
        )
    except jinja2.TemplateError as exc:
        raise ConfigError(f"email.subject: {exc}") from exc
    # A header is one line; a newline from the template would be a header injection.
    return " ".join(rendered.split())


def inline_css(html: str) -> str:
    """The HTML with its `<style>` rules moved into `style=` attributes (offline: no fetching)."""
    # keep_at_rules keeps @media rules (dark mode, narrow screens) for clients that honour them.
    inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_at_rules=True)
    return str(inliner.inline(html))


def build_message(
    *,
    settings: EmailConfig,
    subject: str,
    text: str,
    html: str,
    message_id: str | None = None,
    message_id_domain: str | None = None,
    now: dt.datetime | None = None,
) -> EmailMessage:
    """One multipart/alternative message: the text part, then the HTML part (CSS inlined).

    `message_id` reuses an existing Message-ID (a retry); otherwise a new one is made on
    `message_id_domain`, by default the sender's domain. `now` sets the Date header.
    """
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    moment = now if now is not None else dt.datetime.now(dt.UTC)
    message["Date"] = email.utils.format_datetime(moment)
    domain = message_id_domain or _sender_domain(settings.sender)
    message["Message-ID"] = message_id or email.utils.make_msgid("digest", domain=domain)
    # Plain text first: multipart/alternative lists parts from least to most preferred.
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(inline_css(html), subtype="html", charset="utf-8")
    return message


def send_message(
    message: EmailMessage,
    *,
    settings: EmailConfig,
    env: Mapping[str, str],
    ssl_context: ssl.SSLContext | None = None,
) -> None:
    """Send over SMTP as `settings` says; any failure is a one-line DeliveryError naming the server.

    The password comes from the environment variable named by `email.password_env`, never from
    the config file. `ssl_context` replaces the system's certificate checks (tests, private CAs).
    """
    where = f"{settings.host}:{settings.port}"
    password = _password(settings, env, where)
    if not settings.recipients:
        raise DeliveryError(f"email to {where}: email.recipients is empty")
    context = ssl_context or ssl.create_default_context()
    try:
        _converse(message, settings=settings, password=password, context=context)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"email to {where} failed: {_describe(exc, settings)}") from exc


def deliver_email(
    store: Store,
    *,
    settings: EmailConfig,
    date: dt.date,
    text: str,
    html: str,
    subject: str,
    resend: bool,
    now: dt.datetime,
    env: Mapping[str, str],
    ssl_context: ssl.SSLContext | None = None,
) -> DeliveryOutcome:
    """Email the briefing of `date` unless it was sent before (or `resend`); record the result.

    Call after `ledger.record_build`, so the run's row shows what happened to its email.
    A failure is recorded (the date becomes pending) and raised as DeliveryError.
    """
    if not settings.enabled:
        ledger.note_delivery(store, date, "not_configured")
        return DeliveryOutcome(date=date, status="not_configured")
    if not resend and ledger.was_delivered(store, date):
        log.info("briefing of %s was emailed before; not sending again (--resend sends)", date)
        ledger.note_delivery(store, date, "already_sent")
        return DeliveryOutcome(date=date, status="already_sent")
    message_id = ledger.begin_attempt(
        store,
        date,
        subject=subject,
        text=text,
        html=html,
        new_message_id=email.utils.make_msgid("digest", domain=_sender_domain(settings.sender)),
        now=now,
        fresh=resend,
    )
    return _send_recorded(
        store,
        settings=settings,
        date=date,
        message_id=message_id,
        now=now,
        env=env,
        ssl_context=ssl_context,
    )


def deliver_briefing(
    store: Store,
    *,
    settings: EmailConfig,
    date: dt.date,
    text: str,
    html: str,
    subject: str,
    resend: bool,
    now: dt.datetime,
    env: Mapping[str, str],
    ssl_context: ssl.SSLContext | None = None,
    empty: bool = False,
) -> tuple[DeliveryOutcome, ...]:
    """What a build does: email `date`'s briefing (once), then retry earlier pending dates.

    Today's goes first so that, with the server down, today's failure is the one recorded and
    raised; the older dates wait for the next run. An `empty` briefing (nothing new) is not
    emailed when `email.skip_empty` is on, unless `resend` asks for it; earlier dates still are.
    """
    if empty and settings.enabled and settings.skip_empty and not resend:
        log.info("nothing new for %s: no email (email.skip_empty)", date)
        ledger.note_delivery(store, date, "skipped", NOTHING_NEW)
        today = DeliveryOutcome(date=date, status="nothing_new")
    else:
        today = deliver_email(
            store,
            settings=settings,
            date=date,
            text=text,
            html=html,
            subject=subject,
            resend=resend,
            now=now,
            env=env,
            ssl_context=ssl_context,
        )
    earlier = deliver_pending(store, settings=settings, now=now, env=env, ssl_context=ssl_context)
    return (today, *earlier)


def deliver_pending(
    store: Store,
    *,
    settings: EmailConfig,
    now: dt.datetime,
    env: Mapping[str, str],
    ssl_context: ssl.SSLContext | None = None,
) -> list[DeliveryOutcome]:
    """Retry every date whose email failed or was interrupted, with its stored content.

    Stops at the first failure (the server is likely still down) and raises it.
    """
    if not settings.enabled:
        return []
    outcomes = []
    for date in ledger.pending_deliveries(store):
        pending = ledger.delivery_for(store, date)
        assert pending is not None  # listed by pending_deliveries a moment ago
        message_id = ledger.begin_attempt(
            store,
            date,
            subject=pending.subject,
            text=pending.text,
            html=pending.html,
            new_message_id=pending.message_id,
            now=now,
        )
        outcomes.append(
            _send_recorded(
                store,
                settings=settings,
                date=date,
                message_id=message_id,
                now=now,
                env=env,
                ssl_context=ssl_context,
            )
        )
    return outcomes


def _send_recorded(
    store: Store,
    *,
    settings: EmailConfig,
    date: dt.date,
    message_id: str,
    now: dt.datetime,
    env: Mapping[str, str],
    ssl_context: ssl.SSLContext | None,
) -> DeliveryOutcome:
    attempt = ledger.delivery_for(store, date)
    assert attempt is not None  # begin_attempt wrote it
    message = build_message(
        settings=settings,
        subject=attempt.subject,
        text=attempt.text,
        html=attempt.html,
        message_id=message_id,
        now=now,
    )
    try:
        send_message(message, settings=settings, env=env, ssl_context=ssl_context)
    except DeliveryError as exc:
        ledger.record_delivery(store, date, ok=False, error=str(exc), now=now)
        raise
    ledger.record_delivery(store, date, ok=True, error=None, now=now)
    log.info("emailed the briefing of %s to %d recipient(s)", date, len(settings.recipients))
    return DeliveryOutcome(
        date=date, status="sent", message_id=message_id, recipients=settings.recipients
    )


def _password(settings: EmailConfig, env: Mapping[str, str], where: str) -> str | None:
    if not settings.username:
        return None
    if not settings.password_env:
        raise DeliveryError(
            f"email to {where}: email.username is set but email.password_env names no"
            " environment variable to read the password from"
        )
    password = env.get(settings.password_env)
    if not password:
        raise DeliveryError(
            f"email to {where}: environment variable {settings.password_env} is not set"
            " (email.password_env names it as holding the SMTP password)"
        )
    return password


def probe_server(
    settings: EmailConfig, *, env: Mapping[str, str], ssl_context: ssl.SSLContext | None = None
) -> None:
    """Connect, EHLO, STARTTLS and log in as `settings` say, then QUIT: no mail is sent.

    `digest check --smtp`; a failure is the same one-line DeliveryError a send would raise.
    """
    where = f"{settings.host}:{settings.port}"
    password = _password(settings, env, where)
    context = ssl_context or ssl.create_default_context()
    try:
        with _session(settings=settings, password=password, context=context) as smtp:
            smtp.ehlo_or_helo_if_needed()
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"email to {where} failed: {_describe(exc, settings)}") from exc


def _session(
    *, settings: EmailConfig, password: str | None, context: ssl.SSLContext
) -> smtplib.SMTP:
    """A connected SMTP session, with TLS and login done as `settings` say."""
    smtp: smtplib.SMTP
    if settings.security == "tls":
        smtp = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.security == "starttls":
            smtp.starttls(context=context)
        if settings.username and password is not None:
            _login(smtp, settings.username, password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _converse(
    message: EmailMessage, *, settings: EmailConfig, password: str | None, context: ssl.SSLContext
) -> None:
    with _session(settings=settings, password=password, context=context) as smtp:
        refused = smtp.send_message(
            message, from_addr=settings.sender, to_addrs=list(settings.recipients)
        )
    if refused:
        # Some recipients took it: sending again would duplicate it for them, so this is sent.
        log.warning("the server refused some recipients: %s", _refusals(refused))


def _login(smtp: smtplib.SMTP, username: str, password: str) -> None:
    if (username + password).isascii():
        smtp.login(username, password)
        return
    # smtplib encodes credentials as ASCII and fails on "pässword"; RFC 4616 PLAIN is UTF-8.
    smtp.ehlo_or_helo_if_needed()
    if not smtp.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    token = base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii")
    code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _describe(exc: BaseException, settings: EmailConfig) -> str:  # noqa: PLR0911 (one case a line)
    """One line for the user: what went wrong, in words, with the server's reply if any."""
    if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(
        exc.__context__, TimeoutError
    ):
        # smtplib turns a read timeout into "Connection unexpectedly closed: timed out".
        return f"timed out after {settings.timeout:g} s"
    if isinstance(exc, smtplib.SMTPException):
        return _describe_smtp(exc, settings)
    if isinstance(exc, TimeoutError):
        return f"timed out after {settings.timeout:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server running, and is the port right?)"
    if isinstance(exc, socket.gaierror):
        return f"host not found ({_one_line(str(exc.strerror))})"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted ({_one_line(str(exc.verify_message))})"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed ({_one_line(exc.reason or str(exc))}; is email.security right?)"
    if isinstance(exc, OSError) and exc.strerror:
        return _one_line(exc.strerror)
    return _one_line(str(exc)) or type(exc).__name__


def _describe_smtp(exc: smtplib.SMTPException, settings: EmailConfig) -> str:  # noqa: PLR0911 (one case a line reads best)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"authentication failed for user {settings.username!r} ({_reply(exc)})"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"recipients refused: {_refusals(exc.recipients)}"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"sender {settings.sender} refused ({_reply(exc)})"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"the server does not support this ({_one_line(str(exc))})"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"the server closed the connection ({_one_line(str(exc)) or 'no reason given'})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the server said {_reply(exc)}"
    return _one_line(str(exc)) or type(exc).__name__


def _reply(exc: smtplib.SMTPResponseException) -> str:
    error = exc.smtp_error
    text = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
    return f"{exc.smtp_code} {_one_line(text)}"


def _refusals(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{address} ({code} {_one_line(reply.decode('utf-8', 'replace'))})"
        for address, (code, reply) in sorted(refused.items())
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _sender_domain(sender: str) -> str:
    # The sender's own domain, not socket.getfqdn(): no DNS lookup, no leaked host name.
    address = email.utils.parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"
