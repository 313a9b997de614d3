"""Line-level text features shared by the cleaner's parts: tokens, prose tests, furniture."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

__all__ = [
    "AGENCIES",
    "agency_name",
    "is_boilerplate_line",
    "is_credit_line",
    "is_english",
    "is_headline_like",
    "is_prose",
    "is_section_break",
    "normalize",
    "opens_comments",
    "size",
    "split_lines",
    "stopword_density",
    "tokens",
]

_TOKEN = re.compile(r"\w+")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# A small English function-word list: enough to tell running prose from menus and title lists
# (jusText's stop-word density idea) without shipping or downloading a language model.
_STOPWORD_TEXT = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers him his how i if in into is it its itself just
me more most my no nor not now of off on once only or other our ours out over own said same
she should so some such than that the their theirs them then there these they this those
through to too under until up very was we were what when where which while who whom why will
with would you your yours says say told
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# Phrases that mark a line as page furniture when the line is short. Each is a whole-line or
# leading pattern seen across news sites; longer lines containing them are left to the prose test.
_BOILERPLATE_LINE = re.compile(
    r"""^(?:
        (?:read|see|watch|listen)\s+(?:more|also|next|the\s+full)\b.*
      | (?:related|recommended|trending|popular|recent|latest|more|top|editor'?s?)\s*
        (?:stories|articles|news|reads?|posts|videos|coverage|picks|links|content|topics)?\s*:?\s*
      | most\s+(?:read|popular|viewed|shared|emailed|commented)\b.*
      | loading\W*
      | advertisement\W*|ad(?:vert)?\W*|sponsored(?:\s+content)?\W*
      | (?:share|tweet|email|print|comment)s?(?:\s+(?:this|on|via)\b.*)?\W*
      | (?:follow|like|join)\s+us\b.*
      | (?:sign\s*(?:in|up)|log\s*(?:in|out)|subscribe|register)\b.{0,60}
      | (?:photo|image|picture|video|graphic|illustration|file\s+photo|credit)s?\s*(?:by\b|:|/|©).*
      | article-image|image\s+\d+\s+of\b.*|\d+\s*/\s*\d+|caption|close|back\s+to\s+\w+
      | skip\s+to\b.*|jump\s+to\b.*|menu\b.*|search\W*|home\W*
      | (?:all\s+)?rights\s+reserved\b.*
      | (?:©|\(c\)|copyright)\s*.*
      | .*\b(?:cookies?|privacy\s+(?:policy|notice)
            |terms\s+(?:of|and)\s+(?:use|service|conditions))\b.*
      | .*\bnewsletters?\b.*
      | .*\b(?:click|tap)\s+here\b.*
      | .*\bopens?\s+in\s+(?:a\s+)?new\s+(?:window|tab)\W*
      | .{0,30}\bon\s+(?:facebook|twitter|instagram|youtube|linkedin|pinterest|whatsapp)\W*
      | .*\bsharing\s+options\b.*|.{0,30}\brss(?:\s+feeds?)?\W*
      | continue\s+reading\b.*|copy\s+link\b.*|sharing\s+is\s+caring\W*|take\s+our\s+poll\W*
      | you\s+are\s+(?:at|here)\W*|image\s+copyright\b.*|advertise\b.{0,40}
      | (?:[\w'’-]+\s+){0,3}polic(?:y|ies)\W*
      | (?:updated|published|posted)\s*:?\s*
      | (?:day|week|month|year|today|yesterday)s?
      | .{0,40}\b\d+\s*(?:[mhd]|mins?|minutes?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\W*
      | \W*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

_CLOSERS = (".", "!", "?", '"', "”", "。", "！", "？")
_SENTENCE_MARK = re.compile(r"[.!?。！？][\s\"”’)]|[.!?。！？]$|[、，]")

# Lines that open or fill a comment thread or a list of other stories: the article is over, or
# at least this is no part of it. They weigh far more than ordinary furniture.
# Lines that open a comment thread.
_COMMENTS = re.compile(
    r"""^(?:
        \W*\d+\s+(?:comments?|responses?|replies|reactions)\b.*
      | (?:top\s+rated|show|view|load|post\s+a|add\s+a)\s+(?:all\s+)?comments?\b.{0,40}
      | (?:leave|post|write)\s+a\s+(?:reply|comment|response)\b.*
      | join\s+the\s+(?:discussion|conversation)\b.*
      | .{1,60}\s(?:says|said|wrote|replied):
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_SECTION_BREAK = re.compile(
    r"""^(?:
        comments?\b.{0,40}
      | (?:rating|votes?|likes?|reply|report|flag)\b\W*(?:\d+\s*\w*)?\W*
      | (?:related|recommended|more|most|trending|popular|recent|latest|top|other
          |you\s+may|you\s+might)
        \b.{0,30}\b(?:stories|articles|news|posts|reads?|videos|like|also\s+like|coverage)\W*
      | share\s+this\b.*|share\s+(?:on|via)\b.*
      | more\s+(?:(?:in|from|on|about)\s+)?[\w.&'’-]+(?:\s+[\w.&'’-]+)?
      | (?:©|\(c\)|copyright\b).*|.*\ball\s+rights\s+reserved\b.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# News agencies and picture agencies whose name alone on a line is a credit, and whose name in
# a byline or dateline is the outlet. Keys are lowercased; values are how the name is written.
AGENCIES: dict[str, str] = {
    name.lower(): name
    for name in (
        "Associated Press",
        "AP",
        "Reuters",
        "AFP",
        "Agence France-Presse",
        "Bloomberg",
        "TASS",
        "RIA Novosti",
        "Interfax",
        "Xinhua",
        "Kyodo",
        "Yonhap",
        "PTI",
        "Press Trust of India",
        "IANS",
        "ANI",
        "UPI",
        "dpa",
        "EFE",
        "ANSA",
        "Anadolu Agency",
        "Getty Images",
        "Shutterstock",
        "EPA",
        "Sputnik",
    )
}
_CREDIT_PREFIX = re.compile(r"^(?:(?:photo|image|picture|file)s?\s*(?:by\b)?\s*:?\s*)", re.I)
_CREDIT_SPLIT = re.compile(r"\s*(?:/|\bvia\b|,|;)\s*", re.I)
_CREDIT_SUFFIX = re.compile(r"\s+(?:photo|file|pool)$", re.I)

# Hard-wrapped text: lines of 40 to 100 characters that differ by no more than 20.
_WRAP_MIN, _WRAP_MAX, _WRAP_SPREAD = 40, 100, 20

# A boilerplate pattern only condemns a line this short; past it the line is judged as prose.
_BOILERPLATE_MAX_TOKENS = 25


# Cached: classifying a page asks for the same line's tokens several times over (its size,
# its key, whether it is prose, a date, boilerplate), and that was most of cleaning's time.
# Nearly every hit is within one page, so a small cache does (and `digest schedule`, which runs
# for months, keeps no more than a few MiB of it).
@functools.lru_cache(maxsize=1 << 12)
def tokens(line: str) -> tuple[str, ...]:
    """Lowercased `\\w+` tokens of a line."""
    return tuple(_TOKEN.findall(line.lower()))


def size(line: str) -> int:
    """How many words a line holds: its tokens, or for scripts written without spaces (Chinese,
    Japanese) one word per two such characters, whichever is more."""
    return max(len(tokens(line)), len(_UNSPACED.findall(line)) // 2)


def normalize(line: str) -> str:
    """A comparison key: NFKC, lowercased, word characters separated by single spaces."""
    return " ".join(tokens(unicodedata.normalize("NFKC", line)))


def stopword_density(toks: Sequence[str]) -> float:
    """Share of tokens that are English function words (0 for an empty line)."""
    if not toks:
        return 0.0
    return sum(1 for t in toks if t in _STOPWORDS) / len(toks)


def is_boilerplate_line(line: str) -> bool:
    """True for a short line that is page furniture: menus, sharing, credits, 'READ MORE'."""
    stripped = line.strip()
    if len(tokens(stripped)) > _BOILERPLATE_MAX_TOKENS:
        return False
    return bool(_BOILERPLATE_LINE.match(stripped)) or is_credit_line(stripped)


def agency_name(text: str) -> str | None:
    """The agency's usual spelling when `text` is exactly a known agency's name, else None."""
    return AGENCIES.get(" ".join(text.split()).strip(" .,:;").lower())


def is_credit_line(line: str) -> bool:
    """True for a photo credit: agency names alone ("Reuters", "AFP via Getty Images")."""
    text = _CREDIT_PREFIX.sub("", line.strip())
    parts = [p for p in _CREDIT_SPLIT.split(text) if p]
    return bool(parts) and all(agency_name(_CREDIT_SUFFIX.sub("", p)) for p in parts)


def opens_comments(line: str) -> bool:
    """True for a short line that opens a comment thread ("12 Comments", "jdoe says:")."""
    stripped = line.strip()
    return len(tokens(stripped)) <= 15 and bool(_COMMENTS.match(stripped))


def is_section_break(line: str) -> bool:
    """True for a short line that opens or fills comments or another-stories lists."""
    stripped = line.strip()
    if len(tokens(stripped)) > 15:
        return False
    return bool(_SECTION_BREAK.match(stripped)) or bool(_COMMENTS.match(stripped))


def is_headline_like(line: str) -> bool:
    """True for a Title Case line without closing punctuation, as in lists of other headlines."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line) if len(w) > 3]
    if len(words) < 3:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= 0.75


def is_prose(line: str, *, english: bool = True) -> bool:
    """True for a line that reads like running text.

    English text must be long enough and rich in function words; for other languages (no word
    list to go by) a long line with sentence punctuation counts.
    """
    toks = tokens(line)
    if size(line) < 10:
        return False
    if is_headline_like(line) and not line.rstrip().endswith(_CLOSERS):
        return False
    if english:
        # A line that closes like a sentence needs fewer function words to count as one.
        threshold = 0.1 if line.rstrip().endswith(_CLOSERS) else 0.2
        return stopword_density(toks) >= threshold
    return bool(_SENTENCE_MARK.search(line))


def is_english(lines: list[str]) -> bool:
    """True when the page's longer lines are, taken together, rich in English function words."""
    per_line = (tokens(line) for line in lines)
    toks = [t for line_tokens in per_line if len(line_tokens) >= 8 for t in line_tokens]
    return stopword_density(toks) >= 0.15


def split_lines(text: str) -> list[str]:
    """The text's units, one a line, with hard-wrapped paragraphs joined back into one line.

    A block (lines between blank lines) is one wrapped paragraph when all its lines but the last
    have nearly the same length, as a fixed wrap width leaves them; otherwise each line is a unit.
    """
    units: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [" ".join(raw.split()) for raw in block.split("\n")]
        lines = [line for line in lines if line]
        if _is_wrapped(lines):
            units.append(re.sub(r"(?<=\w)- (?=[a-z])", "-", " ".join(lines)))
        else:
            units.extend(lines)
    return units


def _is_wrapped(lines: list[str]) -> bool:
    if len(lines) < 2:
        return False
    widths = [len(line) for line in lines[:-1]]
    return (
        min(widths) >= _WRAP_MIN
        and max(widths) <= _WRAP_MAX
        and max(widths) - min(widths) <= _WRAP_SPREAD
        and len(lines[-1]) <= max(widths) + 2
        # Wrapping breaks lines mid-sentence, so some line goes on in lower case; a list of
        # headlines of similar length does not.
        and any(line[0].islower() for line in lines[1:])
    )
