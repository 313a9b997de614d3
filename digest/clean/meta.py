"""Headline, outlet and publication date, found where a scraped page states them.

All three look at the same landmarks: the page's units (lines), the index of the first body line,
and the headline's index. What lies before the headline is the site's masthead and menus (a
date there is the day the page was captured); what lies between the headline and the first
paragraphs is the byline and date; the first paragraphs may open with a dateline.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections import Counter
from collections.abc import Sequence

from digest.text.datelines import find_dateline, strip_dateline
from digest.text.dates import (
    explicit_dates,
    find_dates,
    infer_year,
    is_date_line,
    parse_dateline,
)
from digest.text.discourse import Clauses, clauses_for, discourse_for
from digest.text.furniture import (
    agency_name,
    is_byline,
    is_caption,
    is_credit_line,
    is_headline_furniture,
    is_section_break,
    is_section_name,
    news_agency,
)
from digest.text.language import stop_words_for, stopword_density
from digest.text.sentences import leading_sentences
from digest.text.words import normalize, tokens

__all__ = ["fallback_headline", "locate_headline", "outlet_from", "published_from"]

_TITLE_SEPARATOR = re.compile(r"\s+[-|–—:]{1,2}\s+")
_CLOSING = (".", "!", "?", '"', "”", "’")
_GLUED_BYLINE = re.compile(
    r"^(?P<name>.+?)\s*(?:Updated|Published|Posted|Last updated|First published)\b"
)
# How many lines past the first body line a byline or date line may still sit.
_META_WINDOW = 4
# A byline line is short; an agency named in a longer line is part of a sentence.
_BYLINE_TOKENS = 12
_BYLINE_SEPARATOR = re.compile(r"\s*(?:,|\band\b|[/|•·]|\s[-–—]\s)\s*")
# Datelines open one of the first paragraphs; an agency in brackets is a few words.
_DATELINE_PARAGRAPHS = 3
_AGENCY_WORDS = 4
# A name a dateline writes in capitals longer than this is spelled as the page spells it.
_ACRONYM = 4
# A page title is '<headline> <separator> <site>'; a site's name is a few words.
_TITLE_PARTS = 2
_SITE_WORDS = 4
# Headlines from the lead: a sentence of up to _WHOLE_MAX words is kept whole; a longer one is
# cut at a clause boundary leaving _FALLBACK_MIN-_FALLBACK_MAX words, else at a phrase boundary
# within _FALLBACK_WORDS words with "…". The first few paragraphs are looked at, short captions
# among them skipped, and a sentence needs this stop-word density in the briefing's language (a
# caption, a credit or another language's line has fewer).
_WHOLE_MAX = 16
_FALLBACK_MIN, _FALLBACK_MAX, _FALLBACK_WORDS = 6, 14, 12
# A whole clause closed by a conjunction may be a word shorter: "The back-to-school season is
# here" reads better than a longer cut with "…".
_CLAUSE_MIN = 5
# A sentence's first comma ends a clause, not a subject before its aside, after this many words.
_FIRST_COMMA_WORDS = 8
_SHORT_WORD = 5
_LEAD_PARAGRAPHS = 4
_CAPTION_TOKENS = 40
_LEAD_DENSITY = 0.1
# A cut before a preposition is preferred when it keeps at least this many words.
_PHRASE_MIN = 8
# A sentence that closes as one; "…" or "..." is a page's cut, not the writer's end.
_SENTENCE_END = re.compile(r"(?<!\.\.)[.!?][\"”’')\]]*$")
_DASHES = frozenset({"—", "–", "-", "--"})
_BOUNDARY_MARKS = ",;:–—- "
_WORD_MARKS = "\"'“”‘’()[]{}.,;:!?…*"
_GLUED_DASH = re.compile(r"[—–]|--")
# A line found above the body is a headline of this many words; a longer one, or one that
# closes like a sentence past a lead headline's length, is the lede or a deck; one that opens
# in lower case is a fragment, one that ends with a colon, comma or dash introduces something,
# one that leaves a quotation or bracket open is a piece of a longer text.
_HEADLINE_MIN_WORDS, _HEADLINE_MAX_WORDS = 4, 20
_OPEN_ENDS = (":", ",", "-", "–", "—")
# A long headline line with no stop words of the briefing's language is in another language.
_FOREIGN_TOKENS = 8
# A page title ("<headline> - <site>") on the first line is a headline unless a line below it
# repeats or resembles it, or sits right above the body.
_PAGE_TITLE_SCORE = 2.0
_FIRST_LINE_SCORE = 1.0


def locate_headline(
    lines: Sequence[str], body_start: int, language: str = "english"
) -> tuple[int, str] | None:
    """The line most likely to hold the headline, among those before the body, and its text.

    The text is the whole line, except for a '<headline> - <site>' page title on the first line,
    where it is the headline part.
    """
    counts = Counter(normalize(line) for line in lines)
    title = _title_part(lines[0], language) if lines else None
    # Lines resembling the first line (the page's title, split from its site name or not) score.
    first = title or (lines[0] if lines and _could_be_headline(lines[0], language) else "")
    title_tokens = set(tokens(first))
    best: tuple[float, int, str] | None = None
    for i in range(min(body_start, len(lines) - 1) + 1):
        line = lines[i]
        if i == 0 and title is not None:
            text, score = title, _PAGE_TITLE_SCORE
        elif _could_be_headline(line, language) and not (
            i == body_start and line.endswith(_CLOSING)
        ):
            text, score = line, _score(line, counts, body_start - i, title_tokens if i else set())
            score += _FIRST_LINE_SCORE if i == 0 else 0
        else:
            continue
        if best is None or (score, i) >= best[:2]:
            best = (score, i, text)
    return None if best is None else (best[1], best[2])


def _score(line: str, counts: Counter[str], distance: int, title_tokens: set[str]) -> float:
    score = 3.0 if counts[normalize(line)] > 1 else 0.0
    similarity = _dice(set(tokens(line)), title_tokens)
    score += 4 * similarity if similarity >= 0.5 else 0
    score += 2 if distance <= 3 else 1 if distance <= 8 else 0
    return score + (0 if line.endswith(".") else 1)


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _could_be_headline(line: str, language: str = "english") -> bool:
    toks = tokens(line)
    n = len(toks)
    words = len(line.split())
    return (
        n >= 3
        and _HEADLINE_MIN_WORDS <= words <= _HEADLINE_MAX_WORDS
        and not (words > _FALLBACK_MAX and line.rstrip().endswith("."))
        and (line[0].isupper() or not line[0].isalpha())
        and not line.rstrip().endswith(_OPEN_ENDS)
        and not (n >= _FOREIGN_TOKENS and stopword_density(toks, language) == 0)
        and not is_headline_furniture(line)
        and not is_section_break(line)
        and not is_credit_line(line)
        and not is_date_line(line)
        and not line.rstrip().endswith(("...", "…"))
        and _closed(line)
        and not is_byline(line)
        and not _opens_with_dateline(line)
    )


def _opens_with_dateline(text: str) -> bool:
    """A dateline with an agency ("BALTIMORE (AP) —") or a place in capitals ("WASHINGTON —");
    "Brexit: what next" opens like "Moscow: …" but is a headline."""
    found = find_dateline(text)
    if found is None:
        return False
    place = (found.place or "").split(",")[0]
    return found.agency is not None or (len(place) > 1 and place.isupper())


def _title_part(first_line: str, language: str = "english") -> str | None:
    """The headline part (the longest part) of a '<headline> - <site>' page title, if it is one."""
    parts = _TITLE_SEPARATOR.split(first_line)
    if len(parts) < 2 or _opens_with_dateline(first_line):
        return None
    longest = max(parts, key=lambda part: len(tokens(part)))
    return longest.strip() if _could_be_headline(longest, language) else None


def fallback_headline(paragraphs: Sequence[str], language: str = "english") -> str:
    """A headline from the lead, for an article that states none ('' if no paragraphs).

    The first sentence of the opening paragraphs that is not a caption or furniture, in the
    briefing's language, without its dateline, and that gives a headline ending where a clause
    can (`_cut`); a sentence of fewer than `_CLAUSE_MIN` words is taken only when no longer
    one does.
    """
    # The lead first; past it only when the lead holds nothing a headline can be made of (a
    # gallery's captions above the report).
    for part in (paragraphs[:_LEAD_PARAGRAPHS], paragraphs[_LEAD_PARAGRAPHS:]):
        headline = _headline_in(part, language)
        if headline is not None:
            return headline
    return _shorten(strip_dateline(paragraphs[0])) if paragraphs else ""


def _headline_in(paragraphs: Sequence[str], language: str) -> str | None:
    """`fallback_headline` from these paragraphs, None when no sentence of theirs can be one."""
    stop_words = stop_words_for(language)
    clauses = clauses_for(language)
    sentences = (
        " ".join(sentence.split())
        for paragraph in paragraphs
        if not (len(tokens(paragraph)) < _CAPTION_TOKENS and is_caption(paragraph))
        for sentence in leading_sentences(strip_dateline(paragraph), 2)
    )
    # Lazily, in lead order: most articles' first sentence gives the headline.
    first_good: str | None = None
    first_cut: str | None = None
    for sentence in sentences:
        if not _lead_headline(sentence, language):
            continue
        first_good = first_good or sentence
        cut = _cut(sentence, stop_words, clauses)
        if cut is not None and len(cut.split()) >= _CLAUSE_MIN:
            return cut
        first_cut = first_cut or cut
    if first_cut is not None:
        return first_cut
    return _shorten(first_good) if first_good is not None else None


def _lead_headline(candidate: str, language: str) -> bool:
    toks = tokens(candidate)
    return (
        bool(toks)
        and not is_headline_furniture(candidate)
        and not _opens_with_dateline(candidate)
        # "Then, near the intersection …", "She is up for …": a headline must stand alone.
        and not discourse_for(language).opens_dangling(candidate)
        and stopword_density(toks, language) >= _LEAD_DENSITY
    )


def _cut(sentence: str, stop_words: frozenset[str], clauses: Clauses) -> str | None:
    """A headline from the sentence, ending where a clause can end, or None.

    The whole sentence when it is short; else its opening up to the last clause boundary that
    leaves `_CLAUSE_MIN`-`_FALLBACK_MAX` words; else its opening up to a phrase boundary
    within `_FALLBACK_WORDS` words, and "…". A cut never ends on a stop word of the language
    ("of", "the", "and", "said"; at a comma or other mark the writer put there, only function
    words are refused: "…has not taken office yet, but" ends well at "yet") nor leaves a
    quotation or a bracket open: a reader takes those for a lost line, not a headline.
    """
    words = sentence.split()
    if len(words) <= _WHOLE_MAX and _SENTENCE_END.search(sentence) and _closed(sentence):
        return sentence
    span = [
        n
        for n in range(min(_FALLBACK_MAX, len(words) - 1), _CLAUSE_MIN - 1, -1)
        if _closed(" ".join(words[:n]))
    ]
    # commas[k]: the commas among the first k words.
    commas = list(itertools.accumulate((w.endswith(",") for w in words[:_FALLBACK_MAX]), initial=0))
    functional = stop_words & clauses.function_words
    for n in span:
        boundary = _clause_ends(words, n, clauses, commas)
        hanging = stop_words if boundary == "word" else functional
        if boundary is not None and _bare(words[n - 1]) not in hanging:
            return " ".join(words[:n]).rstrip(_BOUNDARY_MARKS)
    # A phrase ends before a preposition ("…allegations of sexual assault| for decades"), when
    # one leaves most of the words; else the cut keeps the most words it can, outside a name
    # ("the Seminole| County Jail"). Before an auxiliary, an article or "to" a cut would leave a
    # subject without its verb or a verb without its object ("Kanan and Li| have created",
    # "agreed| to buy").
    shorter = [
        n
        for n in span
        if _FALLBACK_MIN <= n <= _FALLBACK_WORDS and _bare(words[n - 1]) not in stop_words
    ]
    outside_names = [
        n for n in shorter if not (words[n - 1][:1].isupper() and words[n][:1].isupper())
    ]
    phrase = next(
        (n for n in shorter if n >= _PHRASE_MIN and _bare(words[n]) in clauses.phrase_openers),
        next(iter(outside_names or shorter), None),
    )
    return None if phrase is None else " ".join(words[:phrase]).rstrip(_BOUNDARY_MARKS) + "…"


def _shorten(sentence: str) -> str:
    """The sentence, or its first `_FALLBACK_WORDS` words and "…": no cut ends well."""
    words = sentence.split()
    if len(words) <= _FALLBACK_MAX:
        return " ".join(words)
    return " ".join(words[:_FALLBACK_WORDS]).rstrip(_BOUNDARY_MARKS) + "…"


# Cached: a headline's cut asks it of the same few words many times over.
@functools.lru_cache(maxsize=1 << 12)
def _bare(word: str) -> str:
    """The word as a stop-word list spells it: lower case, no punctuation around it, and only
    the part after a dash glued to it ("2011—at" -> "at"), a straight apostrophe ("it’s")."""
    bare = word.strip(_WORD_MARKS).lower().replace("’", "'")
    return _GLUED_DASH.split(bare)[-1].strip(_WORD_MARKS)


def _closed(text: str) -> bool:
    """Every quotation and bracket the text opens, it closes."""
    return (
        text.count('"') % 2 == 0
        and text.count("“") == text.count("”")
        and text.count("(") == text.count(")")
        and text.count("[") == text.count("]")
    )


def _clause_ends(
    words: Sequence[str], n: int, clauses: Clauses, commas: Sequence[int]
) -> str | None:
    """Whether a clause ends after the n-th word: at a "mark" (a semicolon, colon, spaced dash
    or comma follows it), at a "word" (a subordinating conjunction opens the next clause: "died
    Thursday when …"), or not (None).

    Commas are read in pairs: an aside opens at one and closes at the next ("George Zimmerman,
    the volunteer facing charges, …"), so no cut falls inside one or at its end. A first comma
    may open an aside after the subject ("The Pleasant Hill city clerk, accused of …"): it ends
    a clause before a conjunction or an attribution ("…is here, and", "…, police said"), or
    after enough words to hold a verb besides the subject. Only a clause closed by a conjunction
    may be as short as `_CLAUSE_MIN` words.
    The comma that ends an opening phrase ("For fans of Led Zeppelin, …") is not counted: what
    comes before it is a circumstance, not the news.
    """
    word, after = words[n - 1], _bare(words[n])
    earlier = _open_commas(words, n, clauses, commas)
    if earlier is None or earlier % 2 == 1:
        return None
    if word.endswith((";", ":")) or words[n] in _DASHES:
        return "mark"
    if word.endswith(","):
        first_ok = after in clauses.after_first_comma or n >= _FIRST_COMMA_WORDS
        long_enough = n >= _FALLBACK_MIN or after in clauses.after_first_comma
        return "mark" if long_enough and (earlier or first_ok) else None
    # "as" opens a clause after a noun ("cut its guidance for the year as earnings fell"), but
    # after a verb its complement ("was named as host"): not after a word with a verb's ending.
    as_clause = after in clauses.comparatives and not _bare(word).endswith(clauses.verb_endings)
    subordinate = after in clauses.subordinators or as_clause
    return "word" if n >= _FALLBACK_MIN and subordinate else None


def _open_commas(
    words: Sequence[str], n: int, clauses: Clauses, commas: Sequence[int]
) -> int | None:
    """The commas before the n-th word, the one ending an opening phrase not counted ("For fans
    of Led Zeppelin, …", "Faced with a flood of revelations, …"); None at that comma itself.
    `commas[k]` counts the commas among the first k words."""
    earlier = commas[n - 1]
    first = _bare(words[0])
    participle = len(first) > _SHORT_WORD and first.endswith(clauses.participle_endings)
    if first in clauses.prepositions or participle:
        if earlier == 0 and words[n - 1].endswith(","):
            return None
        return max(0, earlier - 1)
    return earlier


def outlet_from(
    lines: Sequence[str], head: int | None, body_start: int, paragraphs: Sequence[str]
) -> str | None:
    """The outlet an explicit credit at the top of the text names, or None.

    A news agency alone on a byline line ("Associated PressUpdated: …", "By Jo Doe, Reuters"),
    an agency in brackets in an opening dateline ("MOSCOW (Reuters) –", "(CNN)"), or named
    after the dateline's date ("RIGA, MARCH 4, NORDPRESS:"), or the site of a page title
    '<headline> | <site>' whose headline the page repeats. A place after a comma ("SEOUL,
    South Korea —"), a photo credit or any other line is no evidence: unknown stays None.
    """
    for line in _byline_lines(lines, head, body_start):
        if (agency := _byline_agency(line)) is not None:
            return agency
    for paragraph in paragraphs[:_DATELINE_PARAGRAPHS]:
        found = find_dateline(paragraph)
        if found is None or found.agency is None or not (found.bracketed or found.when):
            continue
        if not is_caption(f"({found.agency})") and len(found.agency.split()) <= _AGENCY_WORDS:
            return _spelling(found.agency, lines)
    return _page_title_site(lines, head)


def _byline_lines(lines: Sequence[str], head: int | None, body_start: int) -> list[str]:
    """The byline block: short lines between the headline (or the top) and just past the first
    paragraph that are a byline ("By …"), carry a date, or sit next to a line that does.

    An agency's name alone under a caption is the picture's credit, not the article's."""
    start = 0 if head is None else head + 1
    end = min(len(lines), body_start + _META_WINDOW)
    dated = [is_date_line(lines[i]) or is_byline(lines[i]) for i in range(start, end)]
    return [
        lines[i]
        for i in range(start, end)
        if len(tokens(lines[i])) <= _BYLINE_TOKENS
        and any(dated[max(0, i - start - 1) : i - start + 2])
    ]


def _byline_agency(line: str) -> str | None:
    """The news agency a byline line names: alone, glued to its date ("Associated PressUpdated:
    …"), or after the writers ("By Jo Doe, Reuters")."""
    if is_caption(line):
        return None
    glued = _GLUED_BYLINE.match(line)
    text = glued["name"] if glued else line
    if (agency := news_agency(text)) is not None:
        return agency
    words = text.split()
    for n in range(1, min(len(words), _AGENCY_WORDS + 1)):
        # "Associated Press Tue Feb 19, 2013 7:44 PM": the agency, then the date.
        if is_date_line(" ".join(words[n:])) and (agency := news_agency(" ".join(words[:n]))):
            return agency
    if is_byline(text):
        return news_agency(_BYLINE_SEPARATOR.split(text)[-1])
    return None


def _page_title_site(lines: Sequence[str], head: int | None) -> str | None:
    """The site of a '<headline> | <site>' first line, when the page repeats the headline as a
    line of its own and the site part is a name (a few capitalised words, no sentence)."""
    if not lines or head is None or head == 0:
        return None
    parts = _TITLE_SEPARATOR.split(lines[0])
    if len(parts) != _TITLE_PARTS or normalize(parts[0]) != normalize(lines[head]):
        return None
    site = parts[1].strip()
    words = site.split()
    if not 1 <= len(words) <= _SITE_WORDS or site.endswith(_CLOSING) or is_section_name(site):
        return None
    return site if all(w[0].isupper() or w[0].isdigit() for w in words) else None


def _spelling(name: str, lines: Sequence[str]) -> str:
    """The agency's usual name, or the page's spelling of a name a dateline writes in capitals."""
    if (agency := agency_name(name)) is not None:
        return agency
    if name.isupper() and len(name) > _ACRONYM and " " not in name:
        for line in lines:
            if line.strip().lower() == name.lower() and not line.strip().isupper():
                return line.strip()
        return name.title()
    return name


def _meta_lines(lines: Sequence[str], head: int | None, body_start: int) -> list[str]:
    """The short date and byline lines between the headline and the first paragraphs."""
    start = 0 if head is None else head + 1
    window = lines[start : min(len(lines), body_start + _META_WINDOW)]
    return [line for line in window if is_date_line(line)]


def published_from(
    lines: Sequence[str], head: int | None, body_start: int, paragraphs: Sequence[str]
) -> dt.date | None:
    """The article's publication date or time (see `digest.clean.dates` for precision)."""
    ceiling = _page_date(lines, head)

    # Only a date stated without a year needs the others: most pages state none such, and
    # reading every paragraph's dates was a tenth of cleaning.
    @functools.cache
    def evidence() -> list[dt.date]:
        return [d for d in explicit_dates(paragraphs) if ceiling is None or d <= ceiling]

    for line in _meta_lines(lines, head, body_start):
        for found in find_dates(line):
            year = found.year or infer_year(found, evidence=evidence(), ceiling=ceiling)
            if (value := found.resolve(year)) is not None:
                return value
    for paragraph in paragraphs[:3]:
        dateline = parse_dateline(paragraph)
        if dateline is not None and (stated := dateline[0]) is not None:
            year = stated.year or infer_year(stated, evidence=evidence(), ceiling=ceiling)
            if (value := stated.resolve(year)) is not None:
                return value
    return None


def _page_date(lines: Sequence[str], head: int | None) -> dt.date | None:
    """The date a masthead shows above the headline: the capture day, an upper bound."""
    if head is None:
        return None
    for line in lines[:head]:
        if is_date_line(line):
            for found in find_dates(line, with_time=False):
                if (value := found.resolve()) is not None:
                    return value
    return None
