"""Downloading feeds and pages: httpx with timeouts, a size cap, retries and conditional GET.

Every failure comes back as a `Fetched` with `status="failed"` and a one-line cause; nothing
here raises for a bad server. What is retried (with exponential backoff, inside the feed's
total time budget):

- connection errors, connect/read timeouts, a connection dropped mid-answer;
- HTTP 429, 502, 503 and 504 (a `Retry-After` within the budget is honoured).

Not retried: other 4xx (404, 410: the next scheduled run is the retry), HTTP 500 (usually a
broken feed script rather than a passing overload; a day's delay costs little and retrying
only adds load), redirect loops, oversized and malformed responses.
"""

from __future__ import annotations

import asyncio
import email.utils
import importlib.metadata
import logging
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

import httpx

from digest.config import CollectConfig

__all__ = ["Fetched", "Fetcher", "is_local", "local_path", "user_agent"]

log = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_TRANSIENT_STATUS = frozenset({429, 502, 503, 504})
_TRANSIENT_ERRORS = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.ReadTimeout,
    httpx.PoolTimeout,
    httpx.ReadError,
    httpx.RemoteProtocolError,
)
_MAX_RETRY_AFTER = 60.0


def user_agent() -> str:
    """`digest/<version> (news digest)`, the version read from the installed package.

    No project address is named: the project has no public home yet.
    """
    try:
        version = importlib.metadata.version("digest")
    except importlib.metadata.PackageNotFoundError:
        version = "0"
    return f"digest/{version} (news digest)"


@dataclass(frozen=True, slots=True)
class Fetched:
    """The outcome of one download: the body, a 304, or the cause of failure."""

    url: str
    status: Literal["ok", "not_modified", "failed"]
    data: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None
    moved_to: str | None = None
    attempts: int = 1
    http_status: int | None = None  # of the last answer; None when none came (timeout, refused)

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


class _FetchError(Exception):
    """A cause worth one line; `transient` failures are retried."""

    def __init__(
        self,
        cause: str,
        *,
        transient: bool,
        retry_after: float | None = None,
        http_status: int | None = None,
    ):
        super().__init__(cause)
        self.cause = cause
        self.transient = transient
        self.retry_after = retry_after
        self.http_status = http_status


def is_local(url: str) -> bool:
    """Whether `url` names a local file: a `file://` URL or a path without a URL scheme."""
    scheme = _scheme(url)
    # One letter is a Windows drive ("C:\\feeds\\a.xml"), not a scheme.
    return scheme == "file" or (len(scheme) <= 1 and scheme != "?")


def local_path(url: str, base_dir: Path | None = None) -> Path:
    """The file a local feed names; relative paths are taken from `base_dir` if given."""
    if _scheme(url) == "file":
        return Path(unquote(urlsplit(url).path))
    path = Path(url).expanduser()
    return path if path.is_absolute() or base_dir is None else base_dir / path


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:  # "http://[bad": not a URL, and not a path either
        return "?"


class Fetcher:
    """Downloads over one shared `httpx.AsyncClient`, at most `per_host` at once per host.

    Use as `async with Fetcher(settings) as fetcher: await fetcher.fetch(url)`.
    """

    def __init__(
        self,
        settings: CollectConfig,
        *,
        base_dir: Path | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.base_dir = base_dir
        self._all = asyncio.Semaphore(settings.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(settings.per_host)
        )
        self._client = httpx.AsyncClient(
            headers={"User-Agent": user_agent()},
            timeout=httpx.Timeout(settings.total_timeout, connect=settings.connect_timeout),
            follow_redirects=True,
            max_redirects=settings.max_redirects,
            limits=httpx.Limits(
                max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency
            ),
            transport=transport,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
        deadline: float | None = None,
    ) -> Fetched:
        """Download `url` (or read a local file); never raises for a bad server or file.

        `deadline` (seconds, default `total_timeout`) bounds the whole download, retries and
        a slowly dripping body included; it starts once a connection slot is ours, so time
        spent waiting behind other downloads of the host does not count.
        """
        if is_local(url):
            return await asyncio.to_thread(self._read_local, url)
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            return Fetched(url, "failed", error="not a valid URL")
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        async with self._all, self._hosts[host]:
            return await self._fetch_with_retries(
                url, headers, budget=deadline or self.settings.total_timeout
            )

    async def _fetch_with_retries(
        self, url: str, headers: dict[str, str], *, budget: float
    ) -> Fetched:
        deadline = time.monotonic() + budget
        attempt = 0
        while True:
            attempt += 1
            try:
                async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                    result = await self._attempt(url, headers)
                return _replace_attempts(result, attempt)
            except TimeoutError:
                return Fetched(
                    url, "failed", error=f"no complete answer within {budget:g} s", attempts=attempt
                )
            except _FetchError as failure:
                delay = self._backoff(attempt, failure.retry_after)
                remaining = deadline - time.monotonic()
                if not failure.transient or attempt > self.settings.retries or delay >= remaining:
                    cause = failure.cause
                    if failure.transient and attempt > 1:
                        cause += f" (after {attempt} attempts)"
                    return Fetched(
                        url,
                        "failed",
                        error=cause,
                        attempts=attempt,
                        http_status=failure.http_status,
                    )
                log.debug("%s: %s; retrying in %.2f s", url, failure.cause, delay)
                await asyncio.sleep(delay)

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        delay: float = self.settings.retry_backoff * 2.0 ** (attempt - 1)
        if retry_after is not None:
            delay = max(delay, min(retry_after, _MAX_RETRY_AFTER))
        return delay

    async def _attempt(self, url: str, headers: dict[str, str]) -> Fetched:
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                moved = _moved_to(response)
                status = response.status_code
                if status == 304:
                    return Fetched(
                        url,
                        "not_modified",
                        headers=_headers(response),
                        moved_to=moved,
                        http_status=status,
                    )
                if not response.is_success:
                    raise _status_failure(response)
                data = await self._read_capped(response)
                return Fetched(
                    url,
                    "ok",
                    data=data,
                    headers=_headers(response),
                    moved_to=moved,
                    http_status=status,
                )
        except httpx.TooManyRedirects:
            raise _FetchError(
                f"too many redirects (more than {self.settings.max_redirects}; a loop?)",
                transient=False,
            ) from None
        except httpx.ConnectTimeout:
            raise _FetchError(
                f"could not connect within {self.settings.connect_timeout:g} s", transient=True
            ) from None
        except httpx.TimeoutException:
            raise _FetchError(
                f"no answer within {self.settings.total_timeout:g} s", transient=True
            ) from None
        except _TRANSIENT_ERRORS as exc:
            raise _FetchError(_describe(exc), transient=True) from None
        except httpx.DecodingError:
            raise _FetchError("response could not be decompressed", transient=False) from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise _FetchError(f"not a valid URL ({exc})", transient=False) from None
        except httpx.HTTPError as exc:
            raise _FetchError(_describe(exc), transient=False) from None

    async def _read_capped(self, response: httpx.Response) -> bytes:
        cap = self.settings.max_bytes
        declared = response.headers.get("content-length", "")
        if (
            declared.isdigit()
            and int(declared) > cap
            and "content-encoding" not in response.headers
        ):
            raise _FetchError(
                f"response too large ({int(declared):,} bytes; the limit is {cap:,})",
                transient=False,
            )
        chunks: list[bytes] = []
        size = 0
        # Counted after decompression, so a small gzip bomb is stopped as well.
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise _FetchError(
                    f"response too large (more than {cap:,} bytes; stopped reading)",
                    transient=False,
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _read_local(self, url: str) -> Fetched:
        path = local_path(url, self.base_dir)
        try:
            with path.open("rb") as handle:
                data = handle.read(self.settings.max_bytes + 1)
        except OSError as exc:
            return Fetched(url, "failed", error=f"cannot read {path}: {exc.strerror or exc}")
        if len(data) > self.settings.max_bytes:
            return Fetched(
                url, "failed", error=f"file too large (more than {self.settings.max_bytes:,} bytes)"
            )
        return Fetched(url, "ok", data=data)


def _replace_attempts(result: Fetched, attempts: int) -> Fetched:
    return result if attempts == 1 else replace(result, attempts=attempts)


def _moved_to(response: httpx.Response) -> str | None:
    """Where a chain of only permanent redirects (301, 308) led: the feed's new address."""
    if not response.history or any(r.status_code not in {301, 308} for r in response.history):
        return None
    return str(response.url)


def _headers(response: httpx.Response) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items()}


def _status_failure(response: httpx.Response) -> _FetchError:
    status = response.status_code
    reason = response.reason_phrase or ""
    cause = f"HTTP {status} {reason}".strip()
    if status == 410:
        cause += " (the feed was removed; consider deleting it from the config)"
    retry_after = _retry_after(response.headers.get("retry-after"))
    return _FetchError(
        cause,
        transient=status in _TRANSIENT_STATUS,
        retry_after=retry_after,
        http_status=status,
    )


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _describe(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    kinds: dict[type[Exception], str] = {
        httpx.ConnectError: "cannot connect",
        httpx.ReadError: "connection broken while reading",
        httpx.RemoteProtocolError: "server broke the HTTP protocol",
    }
    kind = kinds.get(type(exc), type(exc).__name__)
    return f"{kind}: {text}" if text else kind
