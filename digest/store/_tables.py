"""Imports every store module so that each registers its schema (see `open_store`)."""

from __future__ import annotations

from digest.store import feeds, ledger, seen, stories  # noqa: F401
