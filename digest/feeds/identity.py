"""What makes two feed entries the same article: canonical URLs and text fingerprints (pure).

The functions live beside the seen-articles store that keys on them (`digest.store.seen`),
which must not import this package; they are re-exported here for readers of feeds.
"""

from __future__ import annotations

from digest.dedupe import canonical_url, content_fingerprint, url_key, word_count

__all__ = ["canonical_url", "content_fingerprint", "url_key", "word_count"]
