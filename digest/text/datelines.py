"""Datelines: where a report opens with its place, date and wire ("BALTIMORE (AP) —").

Cleaning reads the outlet and the date from them; summaries and headlines quote a sentence
without them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Dateline", "find_dateline", "strip_dateline"]

# A dateline opening a paragraph or sentence: "WASHINGTON (AP) — ", "LONDON, Feb 1 (Reuters) - ",
# "INDIANAPOLIS, Ind. — ", "STEPANAKERT, FEBRUARY 1, ARTSAKHPRESS: ", "Washington (CNN)",
# "(CNN) -- ", "Moscow: ". Capitalised words of place, maybe a date, then an agency
# in brackets, a comma and a credit, or a colon or a dash; what follows opens a sentence.
# Up to five words of place: "OSAN AIR BASE, South Korea (AFNS) --".
_DATELINE = re.compile(
    r"""^(?P<place>[A-Z][\w.'’-]*(?:,?\s[A-Z][\w.'’-]*){0,4})?
        (?:,\s*(?P<when>[A-Za-z]{3,9}\.?\s+\d{1,2}(?:,\s*\d{4})?))?
        (?:\s*\((?P<agency>[A-Za-z][\w.&/ -]{0,39})\)(?:\s*[—–:-]{1,2})?
          | ,\s*(?P<credit>[A-Z][\w.& -]{1,30}?)\s*[:—–-]{1,2}
          | \s?(?::|[—–-]{1,2}))
        \s+(?=[\"“‘'A-Z0-9])""",
    re.VERBOSE,
)


# The same with the dash written tight against both words: "HIROSHIMA--A stray dog",
# "WASHINGTON—The chairman", "SAN FRANCISCO--(BUSINESS WIRE)--The following". Only a place in
# capitals (an optional region after a comma, "AUSTIN, Texas--"), an em dash or two hyphens, and
# a word that is not in capitals: prose hyphenates ("U.S.-Russian", "Coca-Cola"), pairs names
# with an en dash ("FBI–CIA rivalry", "US—EU talks") and glues dashes to lower-case words ("in
# 2011—at least"); a place glued to a capitalised word by a long dash is a dateline.
_TIGHT_DATELINE = re.compile(
    r"""^(?P<place>[A-Z][A-Z.'’&/-]*[A-Z.](?:\s[A-Z][A-Z.'’&-]*[A-Z.]){0,4}
          (?:,\s[A-Z][\w.]*(?:\s[A-Z][\w.]*){0,2})?)
        (?:—|--)(?:\((?P<agency>[A-Za-z][\w.&/ -]{0,39})\)(?:—|--))?
        (?=[\"“‘']|[A-Z0-9](?![A-Z]))""",
    re.VERBOSE,
)


# The same with its dash lost in scraping: "PARIS An Algerian man …", "DUBAI A Bahraini court
# …", "WASHINGTON The Senate passed …". Only a place in capitals (each word two letters or more,
# an optional region after a comma) and then an article opening the sentence: a subject in
# capitals ("NASA Administrator Jim Bridenstine …") is followed by a name, never by "The".
_BARE_DATELINE = re.compile(
    r"""^(?P<place>[A-Z][A-Z.'’&-]*[A-Z.](?:\s[A-Z][A-Z.'’&-]*[A-Z.]){0,3}
          (?:,\s[A-Z][\w.]*(?:\s[A-Z][\w.]*){0,2})?)
        \s(?=(?:The|A|An)\s+[\w"“‘'])""",
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Dateline:
    """A dateline at the start of a text: its place, date and agency as written, and its end."""

    place: str | None
    when: str | None
    agency: str | None  # "(Reuters)" in brackets, or a credit after a comma ("ARTSAKHPRESS:")
    bracketed: bool  # the agency was written in brackets: an explicit wire credit
    end: int  # where the text after the dateline starts
    bare: bool = False  # no mark between the place and the sentence: its dash was lost


def find_dateline(text: str) -> Dateline | None:
    """The dateline opening `text`, or None."""
    match = _DATELINE.match(text)
    if match is None or not (match["place"] or match["agency"]):
        tight = _TIGHT_DATELINE.match(text)
        if tight is None:
            bare = _BARE_DATELINE.match(text)
            if bare is None:
                return None
            return Dateline(bare["place"], None, None, False, bare.end(), bare=True)
        # Not a wire credit: brackets between tight dashes are the press-release wires' style
        # ("--(BUSINESS WIRE)--", "--(PR Newswire)--"), which carry releases, not reporting.
        return Dateline(tight["place"], None, tight["agency"], False, tight.end())
    if match["agency"] and _abbreviates(match["agency"], match["place"]):
        return None  # "Indian Naval Services (INS) Mysore, …": an acronym, not a credit
    agency = match["agency"] or match["credit"]
    return Dateline(
        place=match["place"],
        when=match["when"],
        agency=agency.strip() if agency else None,
        bracketed=match["agency"] is not None,
        end=match.end(),
    )


def _abbreviates(bracketed: str, place: str | None) -> bool:
    """Whether the bracket spells the initials of the words before it."""
    initials = "".join(word[0] for word in (place or "").split() if word[:1].isalpha())
    return len(bracketed) >= 2 and bracketed.isupper() and initials.endswith(bracketed)


def strip_dateline(sentence: str, *, opens_article: bool = True) -> str:
    """The sentence without the dateline it opens with (verbatim otherwise).

    Only an unmistakable dateline goes: one with a bracketed credit ("BALTIMORE (AP) — ",
    "Washington (CNN) "), or a place in capitals ("INDIANAPOLIS, Ind. — ") or of one word
    ("Moscow — ") before a dash. A place and a colon ("NEW DELHI: ", "Moscow: ") is a dateline
    only where the article opens; further on "LEE: " names who speaks in a transcript. "Sen.
    Kirsten Gillibrand: " and "First, Pelosi said of the deal: " name a speaker too: without
    them the quote after has none. A run-in label before the dateline goes with it
    ("EXCLUSIVE: ABA’S KEATING RIPS OBAMA - …", "UPDATE: WASHINGTON (AP) — …"). A place in
    capitals that lost its dash ("PARIS An Algerian man …") goes where the article opens.
    """
    for _ in range(_RUN_IN_LABELS + 1):
        found = find_dateline(sentence)
        if found is None or not _unmistakable(sentence, found, opens_article=opens_article):
            break
        sentence = sentence[found.end :]
    return sentence


# Labels a dateline may carry in front of it ("EXCLUSIVE:", "UPDATE:"): one.
_RUN_IN_LABELS = 1


def _unmistakable(text: str, found: Dateline, *, opens_article: bool) -> bool:
    if found.bracketed:
        return True
    if found.agency is not None and not found.agency.isupper():
        return False  # a credit after a comma is written in capitals ("ARTSAKHPRESS:")
    head = (found.place or "").split(",")[0]
    if found.bare:
        # Where the article opens, as a dateline stands; further on, capitals may be a label.
        return opens_article
    separator = text[: found.end].rstrip()[-1:]
    if separator == ":" and not opens_article:
        return False
    return bool(head) and (head.isupper() or " " not in head) and separator in "—–-:"
