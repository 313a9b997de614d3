"""Feeds: RSS/Atom/RDF collection over HTTP or from local files.

    collect_feeds(feeds, settings=, store=, now=)    -> FeedsResult (documents, reports)
    parse_feed(data, origin=, name=, headers=)       -> tuple[RawDocument, ...]   (pure)
    remember_and_select_new(store, docs, now=, last_build=, first_window_days=)
                                                     -> the articles new for this build
    feed_health(store, now=, silent_days=)           -> SourceReports for the footer
    refresh_due(store, feeds, settings=, instance=)  -> claim due feeds in batches, fetch, store
    fetch_for_build(store, feeds, settings=, now=)   -> what a build fetches itself, stored
    import_opml(path) / export_opml(feeds)           -> feeds in and out of OPML
    write_feeds(config_path, feeds)                  -> add feeds to config.yaml (comments kept)
    canonical_url(url), content_fingerprint(text)    -> from digest.identity: one article's keys

See docs/feeds.md.
"""

from __future__ import annotations

from digest.feeds.collect import FeedsResult, collect_feeds
from digest.feeds.fetch import user_agent
from digest.feeds.health import feed_health
from digest.feeds.opml import export_opml, feeds_yaml, import_opml, merge_feeds, write_feeds
from digest.feeds.parse import apply_filters, parse_feed
from digest.feeds.refresh import Refreshed, fetch_for_build, instance_name, refresh_due
from digest.identity import canonical_url, content_fingerprint
from digest.store.seen import remember, remember_and_select_new, select_new

__all__ = [
    "FeedsResult",
    "Refreshed",
    "apply_filters",
    "canonical_url",
    "collect_feeds",
    "content_fingerprint",
    "export_opml",
    "feed_health",
    "feeds_yaml",
    "fetch_for_build",
    "import_opml",
    "instance_name",
    "merge_feeds",
    "parse_feed",
    "refresh_due",
    "remember",
    "remember_and_select_new",
    "select_new",
    "user_agent",
    "write_feeds",
]
