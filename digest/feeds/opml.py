"""OPML import and export of the feed list (the format every feed reader exchanges).

`import_opml` reads the feeds of an OPML file (nested outlines become categories);
`export_opml` writes feeds as OPML 2.0. `merge_feeds`, `add_feeds`/`write_feeds` and
`feeds_yaml` are what `digest feeds import` needs to add the imported feeds to config.yaml
(keeping its comments, mode and symlink) or show them.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from xml.etree import ElementTree as ET

import ruamel.yaml
import yaml
from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.tokens import CommentToken

from digest.config import FeedSource, SourcesConfig
from digest.errors import ConfigError, UsageError

__all__ = [
    "add_feeds",
    "export_opml",
    "feeds_yaml",
    "import_opml",
    "merge_feeds",
    "parse_opml",
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


def add_feeds(config_text: str, feeds: Sequence[FeedSource]) -> str:
    """`config_text` with the feeds it does not list yet appended to `sources.feeds`.

    A round trip through ruamel.yaml: comments (inside the list too), quoting, key order and
    indentation survive; entries already listed stay as written. ValueError if the text is not
    a YAML mapping, or if the result would not read back as the old list plus the new feeds.
    """
    yaml_rt = ruamel.yaml.YAML()  # round-trip mode: keeps comments and layout
    yaml_rt.preserve_quotes = True
    yaml_rt.width = 4096  # never fold a long line the user wrote on one
    try:
        data = yaml_rt.load(config_text)
    except YAMLError as exc:
        raise ValueError(f"not valid YAML ({_one_line(exc)})") from exc
    # Empty, or nothing but comments: those stay, and the settings follow them.
    prefix = "" if data is not None or not config_text.strip() else config_text.rstrip() + "\n"
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        raise ValueError("expected a mapping of settings at the top level")
    before = _listed(config_text)
    mapping, sequence, offset = _indentation(data)
    yaml_rt.indent(mapping=mapping, sequence=sequence, offset=offset)
    yaml_rt.representer.add_representer(type(None), _represent_null)
    listed = _feeds_sequence(data)
    added = merge_feeds(before, feeds)[len(before) :]
    if added:
        tail = _take_tail(listed)
        listed.extend(_entry(f) for f in added)
        _put_tail(listed, tail)
    buffer = io.StringIO()
    yaml_rt.dump(data, buffer)
    text = prefix + buffer.getvalue()
    _check(text, (*before, *added))
    return text


def _feeds_sequence(data: CommentedMap) -> CommentedSeq:
    """The `sources.feeds` list of a loaded config, made (block style) if it is missing or empty."""
    if not isinstance(data.get("sources"), CommentedMap):
        data["sources"] = CommentedMap()
    sources = data["sources"]
    listed = sources.get("feeds")
    if not isinstance(listed, CommentedSeq):
        listed = sources["feeds"] = CommentedSeq()
    if not listed:
        listed.fa.set_block_style()  # `feeds: []` would otherwise grow into one long line
    return listed


def _last_comment(node: CommentedMap | CommentedSeq) -> tuple[CommentedMap | CommentedSeq, object]:
    """The collection and key under which the comment after `node`'s last line is kept."""
    key = len(node) - 1 if isinstance(node, CommentedSeq) else list(node)[-1]
    value = node[key]
    if isinstance(value, CommentedMap | CommentedSeq) and value and not value.fa.flow_style():
        return _last_comment(value)
    return node, key


def _take_tail(listed: CommentedSeq) -> str:
    """Detach the comment lines and blank lines after the list's last entry (they belong to
    what follows it), leaving that entry's own end-of-line comment; "" if there are none."""
    if not listed:
        return ""
    node, key = _last_comment(listed)
    slot = 0 if isinstance(node, CommentedSeq) else 2  # where ruamel.yaml keeps it
    token = (node.ca.items.get(key) or [None] * 4)[slot]
    if token is None or "\n" not in token.value:
        return ""
    line, _, rest = token.value.partition("\n")
    token.value = line + "\n"
    return str(rest)


def _put_tail(listed: CommentedSeq, tail: str) -> None:
    """Attach `tail` (from `_take_tail`) after the list's new last entry."""
    if not tail:
        return
    node, key = _last_comment(listed)
    slot = 0 if isinstance(node, CommentedSeq) else 2
    comments = node.ca.items.setdefault(key, [None] * 4)
    comments[slot] = CommentToken("\n" + tail, CommentMark(0), None)


def _entry(feed: FeedSource) -> object:
    """`feed` as `_entries` writes it, its keyword lists in flow style (`include: [a, b]`)."""
    (plain,) = _entries([feed])
    if not isinstance(plain, dict):
        return plain
    entry = CommentedMap()
    for key, value in plain.items():
        entry[key] = value
        if isinstance(value, list):
            entry[key] = CommentedSeq(value)
            entry[key].fa.set_flow_style()
    return entry


def _indentation(data: CommentedMap) -> tuple[int, int, int]:
    """(mapping indent, sequence indent, dash offset) as the file uses them, so that dumping it
    again moves nothing: ruamel.yaml writes one indentation for the whole document."""
    mapping, sequence = None, None
    for parent, key, value in _nested(data):
        column = parent.lc.key(key)[1]
        if mapping is None and isinstance(value, CommentedMap) and not value.fa.flow_style():
            mapping = value.lc.col - column
        if (
            sequence is None
            and isinstance(value, CommentedSeq)
            and value
            and not value.fa.flow_style()
        ):
            sequence = (value.lc.item(0)[1] - column, value.lc.col - column)
    mapping = mapping if mapping and mapping > 0 else 2
    if sequence is None or sequence[0] <= sequence[1]:
        return mapping, 2 * mapping, mapping  # as `digest init` writes: "  files:\n    - seeds"
    return mapping, sequence[0], sequence[1]


def _nested(node: CommentedMap) -> Iterator[tuple[CommentedMap, object, object]]:
    """Every (mapping, key, value) below `node`, depth first, in document order."""
    for key, value in node.items():
        yield node, key, value
        if isinstance(value, CommentedMap):
            yield from _nested(value)
        elif isinstance(value, CommentedSeq):
            for item in value:
                if isinstance(item, CommentedMap):
                    yield from _nested(item)


def _represent_null(representer: RoundTripRepresenter, _: None) -> ScalarNode:
    # ruamel.yaml writes None as nothing at all; config.yaml spells it `null`.
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def _listed(text: str) -> tuple[FeedSource, ...]:
    try:
        raw = yaml.safe_load(text) or {}
        return SourcesConfig.model_validate(raw.get("sources") or {}).feeds
    except (yaml.YAMLError, ValidationError, AttributeError) as exc:
        raise ValueError(f"the config is not valid: {_one_line(exc)}") from exc


def _check(text: str, feeds: Sequence[FeedSource]) -> None:
    try:
        written = _listed(text)
    except ValueError as exc:
        raise ValueError(f"the updated config would not be valid: {exc}") from exc
    if written != tuple(feeds):
        raise ValueError("the updated config would not list the feeds as intended")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def write_feeds(config_path: Path, feeds: Sequence[FeedSource]) -> None:
    """Add the feeds that the config file at `config_path` does not list yet (`add_feeds`).

    The file is replaced atomically: a symlink is followed and its target rewritten (the link
    stays), and the new file keeps the old one's mode and, where permitted, its owner.
    """
    try:
        target = config_path.resolve(strict=True)
        text = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{config_path}: cannot read: {_os_cause(exc)}") from exc
    try:
        updated = add_feeds(text, feeds)
    except ValueError as exc:
        raise ConfigError(f"{config_path}: {exc}") from exc
    try:
        _replace_keeping_mode(target, updated)
    except OSError as exc:
        raise ConfigError(f"{target}: cannot write: {_os_cause(exc)}") from exc


def _os_cause(exc: BaseException) -> str:
    return str(exc.strerror) if isinstance(exc, OSError) and exc.strerror else _one_line(exc)


def _replace_keeping_mode(target: Path, text: str) -> None:
    """Write `text` over `target` through a temporary file beside it, so a reader never sees
    half a file; the temporary gets the target's mode and owner before it takes its place."""
    info = target.stat()
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fchmod(stream.fileno(), stat.S_IMODE(info.st_mode))
            # Only root may give a file away; anyone else keeps their own (as editors do).
            with contextlib.suppress(PermissionError):
                os.fchown(stream.fileno(), info.st_uid, info.st_gid)
            os.fsync(stream.fileno())
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
