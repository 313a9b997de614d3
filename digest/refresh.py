"""Refreshing feeds between builds: what every `digest schedule` instance does besides building.

    refresh_once(config, store_path)           -> Refreshed      one round now (`feeds refresh`)
    start_refresher(config, store_path, stop)  -> Thread | None  the loop `digest schedule` runs

A round fetches every feed that is due (`collect.refresh_minutes` after its last fetch), in
batches claimed in the store, so instances sharing a store share the feeds
(`digest.feeds.refresh`). Between rounds the loop waits `POLL_SECONDS`: a feed is fetched at
most that late, and an idle poll is one UPDATE that claims nothing.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import httpx

from digest.config import Config
from digest.errors import DigestError
from digest.feeds.refresh import Refreshed, instance_name, refresh_due
from digest.store import StoreLocation, open_store

__all__ = ["POLL_SECONDS", "refresh_loop", "refresh_once", "start_refresher"]

log = logging.getLogger(__name__)

POLL_SECONDS = 60.0


def refresh_once(
    config: Config,
    store_path: StoreLocation | Path,
    *,
    instance: str | None = None,
    stop: threading.Event | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Refreshed:
    """Fetch every configured feed that is due now, in claimed batches; what was fetched."""
    with open_store(store_path) as store:
        return refresh_due(
            store,
            config.sources.feeds,
            settings=config.collect,
            instance=instance or instance_name(),
            stop=stop,
            base_dir=config.base_dir,
            transport=transport,
        )


def refresh_loop(
    config: Config,
    store_path: StoreLocation | Path,
    stop: threading.Event,
    *,
    poll: float = POLL_SECONDS,
) -> None:
    """Refresh rounds until `stop` is set; a failing round is logged and the loop goes on."""
    instance = instance_name()
    while not stop.is_set():
        try:
            done = refresh_once(config, store_path, instance=instance, stop=stop)
        except DigestError as exc:  # the store unusable for now: the next round tries again
            log.error("feed refresh: %s", exc)
        except Exception as exc:
            log.error("feed refresh crashed: %s: %s", type(exc).__name__, exc)
            log.debug("feed refresh crashed", exc_info=True)
        else:
            if done.feeds:
                log.info(
                    "feed refresh: %d feeds fetched (%d failed), %d entries, in %.1f s",
                    len(done.feeds),
                    len(done.failed),
                    done.entries,
                    done.seconds,
                )
        stop.wait(poll)


def start_refresher(
    config: Config,
    store_path: StoreLocation | Path,
    stop: threading.Event,
    *,
    poll: float = POLL_SECONDS,
) -> threading.Thread | None:
    """Run `refresh_loop` in a thread; None when refreshing is off or there are no feeds."""
    minutes = config.collect.refresh_minutes
    if not minutes or not config.sources.feeds:
        return None
    log.info(
        "refreshing %d feeds every %d minutes between builds",
        len(config.sources.feeds),
        minutes,
    )
    thread = threading.Thread(
        target=refresh_loop,
        args=(config, store_path, stop),
        kwargs={"poll": poll},
        name="digest-refresh",
        daemon=True,
    )
    thread.start()
    return thread
