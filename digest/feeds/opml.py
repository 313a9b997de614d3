"""OPML import and export of the feed list (the format every feed reader exchanges).

`import_opml` reads the feeds of an OPML file (nested outlines become categories);
`export_opml` writes feeds as OPML 2.0. `merge_feeds`, `replace_feeds` and `feeds_yaml` are
what `digest feeds import` needs to add the imported feeds to config.yaml (or show them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree as ET

import yaml
from pydantic import ValidationError

from digest.config import FeedSource, SourcesConfig
from digest.errors import ConfigError, UsageError

__all__ = [
    "export_opml",
    "feeds_yaml",
    "import_opml",
    "merge_feeds",
    "parse_opml",
    "replace_feeds",
    "write_feeds",
]


def import_opml(path: Path | str) -> tuple[FeedSource, ...]:
    """The feeds listed in the OPML file at `path`; UsageError if it cannot be read."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        return parse_opml(data)
    except ValueError as exc:
        raise UsageError(f"{path}: {exc}") from exc


def parse_opml(data: bytes) -> tuple[FeedSource, ...]:
    """The feeds of an OPML document, in document order, each URL once; ValueError if not OPML.

    Every outline with an `xmlUrl` is a feed (its `title` or `text` its name); the `text` of
    the outline it is nested in becomes its category.
    """
    # ElementTree never fetches external entities, and the bundled expat refuses
    # entity-expansion bombs: safe for OPML files that come from anywhere.
    try:
        root = ET.fromstring(data)  # noqa: S314 -- see the comment above
    except ET.ParseError as exc:
        raise ValueError(f"not valid OPML ({exc})") from exc
    if _local(root.tag).lower() != "opml":
        raise ValueError("not an OPML file (no <opml> root element)")
    feeds: list[FeedSource] = []
    seen: set[str] = set()

    def walk(element: ET.Element, category: str | None) -> None:
        for outline in element:
            if _local(outline.tag) != "outline":
                walk(outline, category)
                continue
            url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
            if url and url not in seen:
                seen.add(url)
                name = (outline.get("title") or outline.get("text") or "").strip() or None
                feeds.append(FeedSource(url=url, name=name, category=category))
            label = (outline.get("text") or outline.get("title") or "").strip() or None
            walk(outline, label if not url else category)

    walk(root, None)
    return tuple(feeds)


def export_opml(feeds: Sequence[FeedSource], *, title: str = "digest feeds") -> str:
    """`feeds` as an OPML 2.0 document, grouped by category in the order first met."""
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(opml, "body")
    groups: dict[str | None, ET.Element] = {}
    for feed in feeds:
        parent = body
        if feed.category:
            if feed.category not in groups:
                groups[feed.category] = ET.SubElement(
                    body, "outline", text=feed.category, title=feed.category
                )
            parent = groups[feed.category]
        name = feed.name or feed.url
        ET.SubElement(parent, "outline", type="rss", text=name, title=name, xmlUrl=feed.url)
    ET.indent(opml, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(opml, encoding="unicode") + "\n"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def merge_feeds(
    current: Sequence[FeedSource], imported: Sequence[FeedSource]
) -> tuple[FeedSource, ...]:
    """`current` followed by the imported feeds whose URL it does not have yet."""
    have = {f.url for f in current}
    return (*current, *(f for f in imported if f.url not in have))


def _entries(feeds: Sequence[FeedSource]) -> list[object]:
    # A feed with nothing but its URL is written in the short form, as a plain string.
    dumped = [f.model_dump(exclude_defaults=True, mode="json") for f in feeds]
    return [d["url"] if list(d) == ["url"] else d for d in dumped]


def feeds_yaml(feeds: Sequence[FeedSource]) -> str:
    """A `sources: feeds:` YAML block listing `feeds` (defaults left out)."""
    return yaml.safe_dump(
        {"sources": {"feeds": _entries(feeds)}}, sort_keys=False, allow_unicode=True, width=100
    )


_TOP_KEY = re.compile(r"^[^\s#-][^:#]*:")
_SOURCES = re.compile(r"^sources:\s*(#.*)?$")
_FEEDS = re.compile(r"^(\s+)feeds:")


def replace_feeds(config_text: str, feeds: Sequence[FeedSource]) -> str:
    """`config_text` with its `sources.feeds` list replaced by `feeds`; all else kept.

    The config's comments and layout survive (a YAML round trip would lose them): only the
    `feeds:` entry under `sources:` is rewritten, or added if missing. ValueError if the
    result would not read back as exactly `feeds`.
    """
    lines = config_text.splitlines()
    start = next((i for i, line in enumerate(lines) if _SOURCES.match(line)), None)
    if start is None:
        lines += ["sources:"]
        start = len(lines) - 1
    end = next((i for i in range(start + 1, len(lines)) if _TOP_KEY.match(lines[i])), len(lines))
    matches = ((i, m) for i in range(start + 1, end) if (m := _FEEDS.match(lines[i])))
    found = next(matches, None)
    if found is None:
        indent, first, last = "  ", start + 1, start + 1
    else:
        indent, first, last = found[1].group(1), found[0], found[0] + 1
        while last < end and _inside(lines[last], indent):
            last += 1
        while last > first + 1 and not lines[last - 1].strip():
            last -= 1  # blank lines after the list belong to what follows
    block = yaml.safe_dump(
        {"feeds": _entries(feeds)}, sort_keys=False, allow_unicode=True, width=100
    ).splitlines()
    new_lines = [*lines[:first], *(indent + line for line in block), *lines[last:]]
    text = "\n".join(new_lines) + "\n"
    _check(text, feeds)
    return text


def _inside(line: str, indent: str) -> bool:
    """Whether `line` still belongs to the value of a `feeds:` key indented by `indent`."""
    if not line.strip():
        return True
    width = len(line) - len(line.lstrip())
    if width > len(indent):
        return True
    # A block sequence may sit at the key's own indentation ("feeds:\n  - url").
    return width == len(indent) and line.lstrip().startswith("- ")


def _check(text: str, feeds: Sequence[FeedSource]) -> None:
    try:
        raw = yaml.safe_load(text) or {}
        written = SourcesConfig.model_validate(raw.get("sources") or {}).feeds
    except (yaml.YAMLError, ValidationError, AttributeError) as exc:
        raise ValueError(f"the updated config would not be valid: {exc}") from exc
    if written != tuple(feeds):
        raise ValueError("the updated config would not list the feeds as intended")


def write_feeds(config_path: Path, feeds: Sequence[FeedSource]) -> None:
    """Rewrite the `sources.feeds` list of the config file at `config_path` (atomically)."""
    try:
        text = config_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{config_path}: cannot read: {exc.strerror or exc}") from exc
    try:
        updated = replace_feeds(text, feeds)
    except ValueError as exc:
        raise ConfigError(f"{config_path}: {exc}") from exc
    temporary = config_path.with_name(f".{config_path.name}.tmp")
    try:
        temporary.write_text(updated, encoding="utf-8")
        temporary.replace(config_path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ConfigError(f"{config_path}: cannot write: {exc.strerror or exc}") from exc
