"""Collect raw documents from local files (feeds live in `digest.feeds`).

A source is a folder (every `.txt`/`.md` file in it, sorted), a file, or a glob. A file that is
empty, unreadable, binary or larger than `sources.max_file_bytes` becomes a failed
`SourceReport` naming it; the others still count.
"""

from __future__ import annotations

import datetime as dt
import glob
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from digest.errors import SourceError
from digest.model import Published, RawDocument, SourceReport
from digest.text.dates import read_date

__all__ = ["FILE_SUFFIXES", "CollectResult", "collect_files", "read_document", "split_front_matter"]

log = logging.getLogger(__name__)

FILE_SUFFIXES = (".txt", ".md")
_SNIFF_BYTES = 8192
_FRONT_MATTER_KEYS = {"title", "outlet", "source", "url", "published", "category"}
# Control characters that betray a binary file: below a space, other than \t \n \f \r.
# Counted by one pattern: a test per character in Python was most of collecting a large build.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


@dataclass(frozen=True, slots=True)
class CollectResult:
    documents: tuple[RawDocument, ...]
    reports: tuple[SourceReport, ...]


def collect_files(sources: Sequence[str], *, base_dir: Path, max_bytes: int) -> CollectResult:
    """Read every file the sources name; one report per source that failed or yielded nothing.

    A file larger than `max_bytes` is skipped whole (`read_document`).
    """
    documents: list[RawDocument] = []
    reports: list[SourceReport] = []
    seen: set[Path] = set()
    for source in sources:
        paths = _expand(source, base_dir)
        if not paths:
            reports.append(
                SourceReport(source, ok=False, message=f"{source}: no .txt or .md files")
            )
            continue
        before = len(documents)
        for shown, path in paths:
            if path in seen:
                continue
            seen.add(path)
            try:
                documents.append(read_document(path, origin=shown, max_bytes=max_bytes))
            except SourceError as exc:
                log.warning("%s", exc)
                reports.append(SourceReport(shown, ok=False, message=str(exc)))
        reports.append(SourceReport(source, ok=True, articles=len(documents) - before))
    return CollectResult(tuple(documents), tuple(reports))


def _expand(source: str, base_dir: Path) -> list[tuple[str, Path]]:
    """(name as the user would recognise it, absolute path) for each file a source names."""
    path = Path(source).expanduser()
    absolute = path if path.is_absolute() else base_dir / path
    if absolute.is_dir():
        # By name: one folder's paths differ only there, and comparing names is cheaper.
        files = sorted(
            (p for p in absolute.iterdir() if p.suffix.lower() in FILE_SUFFIXES),
            key=lambda p: p.name,
        )
        return [(str(path / p.name), p) for p in files if p.is_file()]
    if absolute.exists():
        return [(source, absolute)]
    if glob.has_magic(source):
        # Path.glob takes no absolute patterns, and the user may give one.
        matches = sorted(glob.glob(str(absolute), recursive=True))  # noqa: PTH207
        return [
            (str(Path(m).relative_to(base_dir)) if Path(m).is_relative_to(base_dir) else m, Path(m))
            for m in matches
            if Path(m).is_file()
        ]
    return []


def read_document(path: Path, *, origin: str, max_bytes: int) -> RawDocument:
    """One text file as a RawDocument; SourceError when it is unreadable, binary, empty or
    larger than `max_bytes`."""
    try:
        with path.open("rb") as stream:
            # Skipped, not cut: the end of an article is where its outcome is, and a file this
            # large is more likely a log or a dump than an article. Read no more than the cap
            # plus one byte, so a file growing meanwhile cannot fill memory. The read asks for
            # the file's size first: asking for the cap allocated a buffer of the cap per file.
            stated = os.fstat(stream.fileno()).st_size
            data = stream.read(min(stated, max_bytes) + 1)
            if stated < len(data) <= max_bytes:  # it grew meanwhile: read on, to the cap
                data += stream.read(max_bytes + 1 - len(data))
            if len(data) > max_bytes:
                size = max(stated, len(data))
                raise SourceError(
                    origin,
                    f"file too large ({size:,} bytes, more than sources.max_file_bytes:"
                    f" {max_bytes:,}), skipped",
                )
    except OSError as exc:
        raise SourceError(origin, f"cannot read: {exc.strerror or exc}") from exc
    text = _decode(data, origin)
    front, body = split_front_matter(text, origin=origin)
    if not body.strip():
        raise SourceError(origin, "empty file, skipped")
    return RawDocument(
        origin=origin,
        text=body,
        title=_str_or_none(front.get("title")),
        url=_str_or_none(front.get("url")),
        outlet=_str_or_none(front.get("outlet", front.get("source"))),
        published=_date_or_none(front.get("published"), origin),
        category=_str_or_none(front.get("category")),
    )


def _decode(data: bytes, origin: str) -> str:
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        raise SourceError(origin, "binary file (contains NUL bytes), skipped")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Not UTF-8: old Windows exports are common; cp1252 maps nearly every byte, so check
        # the result still looks like text before trusting it.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise SourceError(origin, "not a text file (undecodable bytes), skipped") from exc
    head_text = text[:_SNIFF_BYTES]
    if len(_CONTROL.findall(head_text)) > max(8, len(head_text) // 100):
        raise SourceError(origin, "binary file (control characters), skipped")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str, *, origin: str = "") -> tuple[dict[str, Any], str]:
    """YAML front matter between `---` lines at the very top, and the text after it."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 4)
    if end == -1:
        return {}, text
    closing_end = text.find("\n", end + 4)
    body = "" if closing_end == -1 else text[closing_end + 1 :]
    try:
        front = yaml.safe_load(text[4:end])
    except yaml.YAMLError:
        log.warning("%s: front matter is not valid YAML; read as text", origin)
        return {}, text
    if not isinstance(front, dict):
        return {}, text
    unknown = sorted(set(map(str, front)) - _FRONT_MATTER_KEYS)
    if unknown:
        log.warning("%s: unknown front matter keys ignored: %s", origin, ", ".join(unknown))
    return {str(k): v for k, v in front.items()}, body


def _str_or_none(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date_or_none(value: object, origin: str) -> Published | None:
    if value is None or isinstance(value, dt.date):
        return Published.of(value)
    found = read_date(str(value))
    if found is None:
        log.warning("%s: front matter 'published' is not a date: %r", origin, value)
    return Published.of(found)
