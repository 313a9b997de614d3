"""robots.txt for full-text page fetches: read once per site and run, through our own Fetcher.

What an answer for `/robots.txt` means (RFC 9309, section 2.3.1):

- 2xx: its rules apply to our user agent (`digest`, else `*`);
- 4xx (404, 401, 403, 410, …) except 429: there are no rules; every page may be fetched;
- 429, 5xx, a timeout or no connection ("unreachable"): no page of that site is fetched in
  this run; the next run asks again.

Feed URLs are not subject to robots.txt: the user asked for them by name. Parsing is the
standard library's `urllib.robotparser` (no `*` or `$` wildcards in paths; `Crawl-delay` is
not needed at a digest's few pages a site).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from digest.feeds.fetch import Fetched, Fetcher, user_agent

if TYPE_CHECKING:
    from urllib.robotparser import RobotFileParser

__all__ = ["RobotsRules", "SiteRules", "site_rules"]

_TEXT_ACCEPT = "text/plain, */*;q=0.5"
# RFC 9309: a crawler must read at least 500 KiB; what follows may be ignored.
_MOST_BYTES = 500 * 1024


@dataclass(frozen=True, slots=True)
class SiteRules:
    """One site's robots.txt rules, or the reason none of its pages may be fetched."""

    parser: RobotFileParser | None
    unreachable: str = ""

    def refusal(self, agent: str, url: str) -> str | None:
        """None if `agent` may fetch `url`, else one line saying why not."""
        if self.parser is None:
            return self.unreachable
        if self.parser.can_fetch(agent, url):
            return None
        return "disallowed by the site's robots.txt"


def site_rules(fetched: Fetched) -> SiteRules:
    """The rules a fetched `/robots.txt` sets (see the module docstring)."""
    # Imported here: it imports urllib.request (50 ms), which a run without full text never needs.
    from urllib.robotparser import RobotFileParser  # noqa: PLC0415

    status = fetched.http_status
    parser = RobotFileParser()
    if fetched.status == "ok":
        text = fetched.data[:_MOST_BYTES].decode("utf-8", errors="replace")
        parser.parse(text.splitlines())
        return SiteRules(parser)
    if status is not None and 400 <= status < 500 and status != 429:
        parser.parse([])  # no rules: everything allowed
        return SiteRules(parser)
    cause = f"robots.txt unreachable ({fetched.error}): no page of the site is fetched this run"
    return SiteRules(None, cause)


class RobotsRules:
    """Whether a page may be fetched, by its site's robots.txt, each read once per run."""

    def __init__(self, fetcher: Fetcher, *, deadline: float) -> None:
        self._fetcher = fetcher
        self._deadline = deadline
        self._agent = user_agent()
        self._sites: dict[str, asyncio.Task[SiteRules]] = {}

    async def refusal(self, url: str) -> str | None:
        """None if `url` may be fetched, else one line saying why not."""
        parts = urlsplit(url)
        site = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        task = self._sites.get(site)
        if task is None:
            # One task per site: every page of it waits for the same single request.
            task = asyncio.ensure_future(self._read(site))
            self._sites[site] = task
        # Shielded: a page given up on (its feed out of time) must not cancel the site's read.
        rules = await asyncio.shield(task)
        return rules.refusal(self._agent, url)

    async def _read(self, site: str) -> SiteRules:
        fetched = await self._fetcher.fetch(
            f"{site}/robots.txt", accept=_TEXT_ACCEPT, deadline=self._deadline
        )
        return site_rules(fetched)

    async def close(self) -> None:
        """Cancel reads still running (a run that ended before its pages did)."""
        for task in self._sites.values():
            task.cancel()
        await asyncio.gather(*self._sites.values(), return_exceptions=True)
