"""Headless Chromium for the browser tests: measure a page's layout and take screenshots.

No Playwright and no driver: Chromium speaks the DevTools protocol over a pipe
(`--remote-debugging-pipe`: it reads commands on fd 3 and answers on fd 4, each message JSON
ended by a NUL byte). One browser serves every width: the viewport is set by device-metrics
emulation (a headless window cannot be narrower than 500 pixels, a phone is 390), then a script
measures overflow and each headline's box, and a screenshot is captured.

Also a script: `.venv/bin/python -m tests.chromium [out_dir]` builds the seeds briefing and
saves `briefing-desktop.png` and `briefing-phone.png` (default: docs/images/) for the README.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["Browser", "Headline", "Layout", "chromium_path"]

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-pipe",
)
_TIMEOUT = 30.0

# Evaluated after the load event: every headline scrolled into view in turn, its box measured
# and the element actually drawn at its corner checked (nothing covers it).
_MEASURE = """
(() => {
  const root = document.documentElement;
  const headlines = Array.from(document.querySelectorAll(".headline"), (h) => {
    h.scrollIntoView({block: "center"});
    const box = h.getBoundingClientRect();
    const style = getComputedStyle(h);
    const drawn = document.elementFromPoint(box.left + Math.min(5, box.width / 2),
                                            box.top + Math.min(5, box.height / 2));
    return {text: h.textContent.trim(), left: box.left, right: box.right,
            width: box.width, height: box.height,
            shown: style.visibility !== "hidden" && style.display !== "none" &&
                   parseFloat(style.opacity) > 0,
            on_top: drawn !== null && (drawn === h || h.contains(drawn))};
  });
  window.scrollTo(0, 0);
  return {viewport: window.innerWidth, client_width: root.clientWidth,
          scroll_width: Math.max(root.scrollWidth, document.body.scrollWidth),
          height: Math.max(root.scrollHeight, document.body.scrollHeight),
          headlines: headlines};
})()
"""


@dataclass(frozen=True, slots=True)
class Headline:
    text: str
    left: float
    right: float
    width: float
    height: float
    shown: bool
    on_top: bool


@dataclass(frozen=True, slots=True)
class Layout:
    viewport: int
    client_width: int
    scroll_width: int
    height: int
    headlines: tuple[Headline, ...]

    @property
    def overflows(self) -> bool:
        return self.scroll_width > self.client_width

    def hidden_headlines(self) -> list[str]:
        """Headlines not fully drawn inside the viewport's width, or covered by something."""
        return [
            h.text
            for h in self.headlines
            if not (
                h.shown
                and h.on_top
                and h.width > 0
                and h.height > 0
                and h.left >= 0
                and h.right <= self.viewport + 0.5
            )
        ]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """One headless Chromium, driven over the DevTools pipe; use as a context manager."""

    def __init__(self) -> None:
        binary = chromium_path()
        if binary is None:
            raise RuntimeError("chromium is not installed")
        self._profile = tempfile.TemporaryDirectory(prefix="digest-chromium-")
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()

        def wire() -> None:  # in the child: the protocol's fds 3 and 4
            os.dup2(commands_read, 3)
            os.dup2(answers_write, 4)

        # Popen closes every fd not in pass_fds after running `wire`: keep 3 and 4 open.
        self._process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire,  # noqa: PLW1509 (the tests start no threads)
            pass_fds=(3, 4, commands_read, answers_write),
        )
        os.close(commands_read)
        os.close(answers_write)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})
        self._session = attached["sessionId"]
        self._send("Page.enable", session=self._session)

    def __enter__(self) -> Browser:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError):
            self._send("Browser.close")
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._commands)
        os.close(self._answers)
        self._profile.cleanup()

    def open(self, page: Path, *, width: int, height: int = 900, scale: float = 1) -> Layout:
        """Load `page` in a viewport `width` x `height` pixels and measure its layout."""
        self._send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": width < 600},
            session=self._session,
        )
        self._events.clear()
        self._send("Page.navigate", {"url": page.resolve().as_uri()}, session=self._session)
        self._wait_for("Page.loadEventFired")
        result = self._send(
            "Runtime.evaluate",
            {"expression": _MEASURE, "returnByValue": True},
            session=self._session,
        )
        raw = dict(result["result"]["value"])
        headlines = tuple(Headline(**h) for h in raw.pop("headlines"))
        return Layout(headlines=headlines, **raw)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the open page."""
        result = self._send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True},
            session=self._session,
        )
        return result["result"].get("value")

    def screenshot(self, target: Path, *, width: int, height: int) -> Path:
        """Save a PNG of the open page's top `height` pixels (beyond the viewport if need be)."""
        clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
        shot = self._send(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True, "clip": clip},
            session=self._session,
        )
        target.write_bytes(base64.b64decode(shot["data"]))
        return target

    def _send(
        self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None
    ) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._receive()
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return dict(answer.get("result", {}))
            if "method" in answer:
                self._events.append(answer)

    def _wait_for(self, event: str) -> None:
        while not any(e["method"] == event for e in self._events):
            answer = self._receive()
            if "method" in answer:
                self._events.append(answer)

    def _receive(self) -> dict[str, Any]:
        deadline = time.monotonic() + _TIMEOUT
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self._answers], [], [], max(remaining, 0))
            if not ready:
                raise RuntimeError("chromium did not answer in time")
            chunk = os.read(self._answers, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return dict(json.loads(message))


def seeds_briefing_html(out_dir: Path) -> Path:
    """Build the seeds briefing of 1 February 2022 into `out_dir` with the real pipeline."""
    import datetime as dt

    from digest import pipeline
    from digest.config import StoreConfig, load_config

    repo = Path(__file__).resolve().parents[1]
    config = load_config(repo / "config.yaml")
    # A private store, so building the picture leaves no trace in the repository.
    config = config.model_copy(update={"store": StoreConfig(path=out_dir / "digest.sqlite3")})
    now = dt.datetime(2022, 2, 1, 7, 0, tzinfo=dt.UTC)
    pipeline.build(config, date=now.date(), now=now, out_dir=out_dir, send_email=False)
    return out_dir / "2022-02-01.html"


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "docs" / "images"
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch, Browser() as browser:
        page = seeds_briefing_html(Path(scratch))
        for name, width, cap in (("desktop", 1280, 1500), ("phone", 390, 1700)):
            layout = browser.open(page, width=width)
            shot = target / f"briefing-{name}.png"
            browser.screenshot(shot, width=width, height=min(layout.height, cap))
            print(f"{shot}: {width}px wide, page {layout.height}px tall")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
