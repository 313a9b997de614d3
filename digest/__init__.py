"""digest: an offline-first news-digest generator.

The stages (collect, clean, dedupe, cluster, summarize, render, deliver) meet in
`digest.pipeline`; the command line is `digest.cli`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("digest")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
