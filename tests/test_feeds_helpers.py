"""A real HTTP server on 127.0.0.1 for the feed tests, and small feed builders (no tests here).

Routes are `Route`s: a status, headers and a body, or a behaviour (hang, endless body,
redirect). The server records each request's path and headers.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

from digest.config import CollectConfig

FAST = CollectConfig(
    connect_timeout=0.5,
    total_timeout=1.5,
    max_bytes=1_000_000,
    concurrency=8,
    per_host=4,
    retries=2,
    retry_backoff=0.01,
    max_redirects=3,
)


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    kind: Literal["static", "hang", "endless", "gzip", "drip"] = "static"
    delay: float = 0.0  # seconds to wait before answering
    # For "static": answer these statuses first, one per request, then `status`.
    first_statuses: list[int] = field(default_factory=list)
    declare_length: bool = True


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class FeedServer:
    """`with FeedServer() as server:` serves `server.routes` at `server.url(path)`."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self.stop = threading.Event()
        self.bytes_sent: dict[str, int] = {}
        self.active = 0
        self.most_active = 0
        self.lock = threading.Lock()
        handler = _make_handler(self)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def hits(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


def _make_handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            server.requests.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = server.routes.get(self.path)
            with server.lock:
                server.active += 1
                server.most_active = max(server.most_active, server.active)
            try:
                if route is not None and route.delay:
                    server.stop.wait(route.delay)
                if route is None:
                    self._send(404, b"not here", "text/plain")
                elif route.kind == "hang":
                    server.stop.wait(10)
                elif route.kind == "endless":
                    self._endless(route)
                elif route.kind == "drip":
                    self._drip(route)
                else:
                    self._static(route)
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                with server.lock:
                    server.active -= 1

        def _static(self, route: Route) -> None:
            if route.first_statuses:
                status = route.first_statuses.pop(0)
                self._send(status, b"try later", "text/plain", route.headers)
                return
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                self._send(304, b"", None, {"ETag": route.etag})
                return
            if route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified:
                self._send(304, b"", None, {"Last-Modified": route.last_modified})
                return
            headers = dict(route.headers)
            if route.etag:
                headers["ETag"] = route.etag
            if route.last_modified:
                headers["Last-Modified"] = route.last_modified
            body = route.body
            if route.kind == "gzip":
                body = gzip.compress(body)
                headers["Content-Encoding"] = "gzip"
            self._send(route.status, body, route.content_type, headers)

        def _send(
            self,
            status: int,
            body: bytes,
            content_type: str | None,
            headers: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

        def _endless(self, route: Route) -> None:
            # 100 MB announced (or not), written 64 KiB at a time; the client must hang up.
            total = 100 * 1024 * 1024
            chunk = b"<item><title>x</title></item>\n" * 2048
            self.send_response(200)
            self.send_header("Content-Type", route.content_type)
            if route.declare_length:
                self.send_header("Content-Length", str(total))
            else:
                self.send_header("Connection", "close")
            self.end_headers()
            sent = 0
            while sent < total and not server.stop.is_set():
                self.wfile.write(chunk)
                sent += len(chunk)
                server.bytes_sent[self.path] = sent
            self.close_connection = True

        def _drip(self, route: Route) -> None:
            # The whole length announced, then one byte every 0.1 s: each read succeeds.
            self.send_response(200)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            for byte in route.body:
                if server.stop.wait(0.1):
                    break
                self.wfile.write(bytes([byte]))
                self.wfile.flush()

    return Handler


def http_date(moment: dt.datetime) -> str:
    return email.utils.format_datetime(moment.astimezone(dt.UTC), usegmt=True)


def rss(
    *items: str, title: str = "Example News", encoding: str = "utf-8", decl: bool = True
) -> str:
    head = f'<?xml version="1.0" encoding="{encoding}"?>\n' if decl else ""
    return (
        f'{head}<rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://example.com/</link>{''.join(items)}</channel></rss>"
    )


def item(
    title: str,
    *,
    link: str | None = None,
    guid: str | None = None,
    date: str | None = "Mon, 06 Jan 2025 09:30:00 +0100",
    description: str | None = None,
) -> str:
    parts = [f"<title>{title}</title>"]
    if link:
        parts.append(f"<link>{link}</link>")
    if guid:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    if date:
        parts.append(f"<pubDate>{date}</pubDate>")
    if description is not None:
        parts.append(f"<description><![CDATA[{description}]]></description>")
    return "<item>" + "".join(parts) + "</item>"
