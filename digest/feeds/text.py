"""HTML fragments from feeds turned into plain text, paragraphs separated by a blank line (pure)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["clean_inline", "html_to_text", "plain_to_text"]

# Content of these elements is never article prose (and may be hostile: scripts, styles).
_SKIP = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math"}
    | {"head", "title", "select", "textarea", "button", "form", "canvas", "audio", "video"}
)
# Elements that end a paragraph.
_BLOCK = frozenset(
    {"p", "div", "section", "article", "header", "footer", "aside", "nav", "main"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figure", "figcaption"}
    | {"ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "hr", "address", "details"}
)
_VOID = frozenset(
    {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "area", "col", "embed"}
)
# C0/C1 controls other than tab/newline, and the non-characters XML forbids: feeds carry them
# by accident (the "illegal XML character" case) and they must never reach a briefing.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_LOOKS_LIKE_HTML = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*[\s/>]|&(?:#\d+|#x[0-9a-fA-F]+|\w+);")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._line: list[str] = []
        self._lines: list[str] = []
        self._skip_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            if tag not in _VOID:
                self._skip_depth += 1
            return
        if tag == "br":
            self._end_line()
        elif tag in _BLOCK:
            self._end_paragraph()
            if tag == "pre":
                self._pre_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # `<br/>`, `<p/>`: a self-closed skipped element has no content to skip.
        if tag == "br":
            self._end_line()
        elif tag in _BLOCK:
            self._end_paragraph()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK:
            if tag == "pre":
                self._pre_depth = max(0, self._pre_depth - 1)
            self._end_paragraph()

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if self._pre_depth:
            lines = data.split("\n")
            for line in lines[:-1]:
                self._line.append(line)
                self._end_line()
            self._line.append(lines[-1])
        else:
            self._line.append(data)

    def _end_line(self) -> None:
        line = _SPACE.sub(" ", " ".join("".join(self._line).split("\n"))).strip()
        if line:
            self._lines.append(line)
        self._line = []

    def _end_paragraph(self) -> None:
        self._end_line()
        if self._lines:
            self.paragraphs.append("\n".join(self._lines))
        self._lines = []

    def close(self) -> None:
        super().close()
        self._end_paragraph()


def clean_inline(text: str) -> str:
    """One line of text: control characters dropped, runs of white space made one space."""
    return " ".join(_CONTROL.sub("", text).split())


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: no markup, no script or style, entities decoded.

    Block elements (p, div, li, headings, ...) become paragraphs separated by a blank line;
    `<br>` becomes a line break inside a paragraph. Text with neither tags nor entities is
    taken as plain text: its blank lines separate paragraphs.
    """
    fragment = _CONTROL.sub("", fragment)
    if not _LOOKS_LIKE_HTML.search(fragment):
        return plain_to_text(fragment)
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    return "\n\n".join(collector.paragraphs)


def plain_to_text(text: str) -> str:
    """Plain text tidied: control characters dropped, blank lines separating paragraphs."""
    text = _CONTROL.sub("", text)
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs = []
    for block in blocks:
        lines = [_SPACE.sub(" ", line).strip() for line in block.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)
