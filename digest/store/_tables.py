"""Imports every store module so that each declares its tables on METADATA (see `env.py`)."""

from __future__ import annotations

from digest.store import feeds, leases, ledger, outputs, seen, stories  # noqa: F401
