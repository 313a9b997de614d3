"""Feeds: RSS/Atom/RDF collection over HTTP or from local files.

    collect_feeds(feeds, settings=, store=, now=)    -> FeedsResult (documents, reports)
    parse_feed(data, origin=, name=, headers=)       -> tuple[RawDocument, ...]   (pure)
    remember_and_select_new(store, docs, now=, last_build=, first_window_days=)
                                                     -> the articles new for this build
    feed_health(store, now=, silent_days=)           -> SourceReports for the footer
    import_opml(path) / export_opml(feeds)           -> feeds in and out of OPML
    write_feeds(config_path, feeds)                  -> add feeds to config.yaml (comments kept)
    canonical_url(url), content_fingerprint(text)    -> from digest.identity: one article's keys
    as_configured(urls, config.sources.feeds)        -> feeds named on the command line, with
                                                        the config's settings for them

See docs/feeds.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from digest.feeds.collect import FeedsResult, collect_feeds
    from digest.feeds.fetch import user_agent
    from digest.feeds.health import feed_health
    from digest.feeds.opml import export_opml, feeds_yaml, import_opml, merge_feeds, write_feeds
    from digest.feeds.parse import apply_filters, parse_feed
    from digest.feeds.sources import as_configured
    from digest.identity import canonical_url, content_fingerprint
    from digest.store.seen import remember, remember_and_select_new, select_new

# Loaded on first use, not with the package: a full-text extraction worker imports
# digest.feeds.fulltext, and must not pay for the collector, the store and the config.
_HOMES = {
    "FeedsResult": "digest.feeds.collect",
    "apply_filters": "digest.feeds.parse",
    "as_configured": "digest.feeds.sources",
    "canonical_url": "digest.identity",
    "collect_feeds": "digest.feeds.collect",
    "content_fingerprint": "digest.identity",
    "export_opml": "digest.feeds.opml",
    "feed_health": "digest.feeds.health",
    "feeds_yaml": "digest.feeds.opml",
    "import_opml": "digest.feeds.opml",
    "merge_feeds": "digest.feeds.opml",
    "parse_feed": "digest.feeds.parse",
    "remember": "digest.store.seen",
    "remember_and_select_new": "digest.store.seen",
    "select_new": "digest.store.seen",
    "user_agent": "digest.feeds.fetch",
    "write_feeds": "digest.feeds.opml",
}

__all__ = [
    "FeedsResult",
    "apply_filters",
    "as_configured",
    "canonical_url",
    "collect_feeds",
    "content_fingerprint",
    "export_opml",
    "feed_health",
    "feeds_yaml",
    "import_opml",
    "merge_feeds",
    "parse_feed",
    "remember",
    "remember_and_select_new",
    "select_new",
    "user_agent",
    "write_feeds",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
