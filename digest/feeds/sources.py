"""Feeds named on the command line, with the settings the config gives them (pure)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from digest.config import FeedSource
from digest.feeds.fetch import is_local
from digest.identity import canonical_url

__all__ = ["as_configured"]

log = logging.getLogger(__name__)


def as_configured(named: Iterable[str], configured: Sequence[FeedSource]) -> tuple[FeedSource, ...]:
    """Each named feed, as named, with its config entry's settings (full_text, name, filters…).

    A feed is the config's when its URL is the same, or the same once canonical (case of
    scheme and host, default port, trailing slash, tracking parameters); a local path only
    when written the same. Any other feed gets the defaults, and an info line says so.
    """
    sources = []
    for url in named:
        found = next((f for f in configured if _same_feed(url, f.url)), None)
        if found is None:
            log.info("%s: not one of the config's feeds; default feed settings apply", url)
            sources.append(FeedSource(url=url))
        else:
            # The URL as given: it is the entries' origin, and the address the user tried.
            sources.append(found.model_copy(update={"url": url}))
    return tuple(sources)


def _same_feed(named: str, configured: str) -> bool:
    if named.strip() == configured.strip():
        return True
    if is_local(named) or is_local(configured):
        return False
    return canonical_url(named.strip()) == canonical_url(configured.strip())
