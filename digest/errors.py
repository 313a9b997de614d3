"""The one error tree of digest, caught once in `cli.py`.

    DigestError                 one line for the user; exit code 1
    ├── ConfigError             config file missing, unreadable or invalid; exit code 2
    ├── UsageError              bad command-line input (a missing file, bad JSON Lines); exit code 2
    ├── SourceError             one source could not be read; reported, the run goes on
    ├── DeliveryError           a briefing could not be delivered (SMTP); files are still written
    ├── FileError               a file or folder cannot be read or written; names the path
    └── BusyError               another build holds the store's lock past `--wait`; exit code 75

Anything else that escapes is a bug: the CLI prints one line and exits 1 (`--debug` shows it).
"""

from __future__ import annotations

__all__ = [
    "BusyError",
    "ConfigError",
    "DeliveryError",
    "DigestError",
    "FileError",
    "SourceError",
    "UsageError",
]


class DigestError(Exception):
    """Base class: the message is the one line the user sees."""

    exit_code = 1


class ConfigError(DigestError):
    exit_code = 2


class UsageError(DigestError):
    exit_code = 2


class SourceError(DigestError):
    """A source (file or feed) failed; carries the source's name for the report."""

    def __init__(self, source: str, cause: str) -> None:
        super().__init__(f"{source}: {cause}")
        self.source = source
        self.cause = cause


class DeliveryError(DigestError):
    pass


class FileError(DigestError):
    """An OS error on a path the user chose (an output folder, an input file): names the path."""

    def __init__(self, path: object, cause: str) -> None:
        super().__init__(f"{path}: {cause}")
        self.path = path


class BusyError(DigestError):
    """Another build held the store's lock for longer than the caller would wait.

    Its own exit code (EX_TEMPFAIL of sysexits.h: try again later), so a script can tell
    "busy" from "broken".
    """

    exit_code = 75
