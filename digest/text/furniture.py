"""Page furniture: the one home of the patterns that tell site furniture from article prose.

Cleaning drops lines that match (menus, sharing bars, credits, comment threads, lists of other
stories); the summarizer never quotes a sentence that matches and weighs down an article full
of them; headlines are never taken from them. Datelines live in `digest.text.datelines`, the
notices that stand in for a whole article in `digest.text.notices`.
"""

from __future__ import annotations

import re

from digest.text.dates import MONTH_NAME
from digest.text.words import WEB_ADDRESS, tokens

__all__ = [
    "AGENCIES",
    "FURNITURE_SENTENCE",
    "FURNITURE_TERMS",
    "FURNITURE_WORDS",
    "PICTURE_AGENCIES",
    "agency_name",
    "is_boilerplate_line",
    "is_byline",
    "is_caption",
    "is_credit_line",
    "is_furniture_sentence",
    "is_headline_furniture",
    "is_section_break",
    "is_section_name",
    "news_agency",
    "opens_comments",
]

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
      | (?:click|tap)\s+(?:for|to)\s+(?:enlarge|expand|view|see|play|watch|listen|read|more|full
        |all|the\s+full|results|photos?|gallery|video|subscribe|download|continue|learn)\b
        [^.!?,]{0,60}[.!?]?
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
    **{
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
    },
    # One agency, one name: the short forms datelines use ("(AP)") are written out, so an
    # agency's articles count as one outlet whichever form the page used.
    "ap": "Associated Press",
    "pti": "Press Trust of India",
}
# Of those, the ones that sell pictures: their name is a photo credit, never the outlet.
PICTURE_AGENCIES = frozenset({"getty images", "shutterstock", "epa"})
_CREDIT_PREFIX = re.compile(r"^(?:(?:photo|image|picture|file)s?\s*(?:by\b)?\s*:?\s*)", re.I)
_CREDIT_SPLIT = re.compile(r"\s*(?:/|\bvia\b|,|;)\s*", re.I)
_CREDIT_SUFFIX = re.compile(r"\s+(?:photo|file|pool)$", re.I)

# A boilerplate pattern only condemns a line this short; past it the line is judged as prose.
_BOILERPLATE_MAX_TOKENS = 25

# Words that betray page furniture rather than reporting, in an article (broad: a share of
# them marks a notice page) and in a sentence (narrow: news does quote tweets and cover crawls).
# Both are matched in lower-cased text, which is faster than a case-blind pattern.
FURNITURE_WORDS = re.compile(
    r"\b(?:cookies?|javascript|browser|newsletter|subscribe|sign up|click here|tweets?|"
    r"wayback machine|internet archive|crawl(?:ed|s)?|all rights reserved|copyright)\b"
)
# Every FURNITURE_WORDS match contains one of these.
FURNITURE_TERMS = (
    "cookie",
    "javascript",
    "browser",
    "newsletter",
    "subscribe",
    "sign up",
    "click here",
    "tweet",
    "wayback machine",
    "internet archive",
    "crawl",
    "all rights reserved",
    "copyright",
)
FURNITURE_SENTENCE = re.compile(
    r"\b(?:cookies?|javascript|browser|newsletter|subscribe|sign up|click here|"
    r"all rights reserved)\b"
)


def is_boilerplate_line(line: str) -> bool:
    """True for a short line that is page furniture: menus, sharing, credits, 'READ MORE'."""
    stripped = line.strip()
    if len(tokens(stripped)) > _BOILERPLATE_MAX_TOKENS:
        return False
    return bool(_BOILERPLATE_LINE.match(stripped)) or is_credit_line(stripped)


# "By Sam Writer", "Written by …", "Reporting by …": who wrote it, not what happened.
_BYLINE = re.compile(r"^(?:(?:written|words|text|reporting)\s+)?by\s+\S", re.IGNORECASE)
# A byline names a few people and maybe their outlet; a longer line opening with "By" is prose.
_BYLINE_MAX_TOKENS = 12


def is_byline(line: str) -> bool:
    """True for a short line that opens with "By" and names the writer."""
    stripped = line.strip()
    return len(tokens(stripped)) <= _BYLINE_MAX_TOKENS and bool(_BYLINE.match(stripped))


def agency_name(text: str) -> str | None:
    """The agency's usual spelling when `text` is exactly a known agency's name, else None."""
    return AGENCIES.get(" ".join(text.split()).strip(" .,:;").lower())


# Every word of a credit line past its prefix: the agencies' names' words, "via" between them,
# and "photo", "file" or "pool" after one. An ASCII line holding any other word is no credit,
# found without splitting it (outside ASCII, case-blind matching and lower-casing have their
# exceptions, and the whole test runs).
_CREDIT_WORDS = frozenset(
    {*(word for name in AGENCIES for word in tokens(name)), "via", "photo", "file", "pool"}
)


def is_credit_line(line: str) -> bool:
    """True for a photo credit: agency names alone ("Reuters", "AFP via Getty Images")."""
    text = _CREDIT_PREFIX.sub("", line.strip())
    if text.isascii() and not all(map(_CREDIT_WORDS.__contains__, tokens(text))):
        return False
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


def news_agency(text: str) -> str | None:
    """`agency_name`, for news agencies only: a picture agency's name is a credit, not an outlet."""
    name = agency_name(text)
    return None if name is None or name.lower() in PICTURE_AGENCIES else name


# Names of site sections: a line made of these alone is navigation, never a headline.
_SECTION_LIST = """arts breaking business culture crime economy education entertainment environment
    health home international lifestyle local markets military money national news opinion
    photos politics science society sport sports tech technology top travel u.s. uk us video
    videos weather world latest stories headlines more"""
_SECTIONS = frozenset(_SECTION_LIST.split())
_SECTION_MARKS = re.compile(r"(?:[»>]+|more\s*[»>]+)\s*$", re.IGNORECASE)


def is_section_name(line: str) -> bool:
    """True for a site section's name alone on a line ("Politics", "World News", "Local >>")."""
    words = _SECTION_MARKS.sub("", line).strip(" :|-–—").lower().split()
    return 0 < len(words) <= 3 and all(w.strip("&,") in _SECTIONS for w in words)


# Caption phrases found inside a sentence as well as opening a line: who stands where in the
# picture ("Zainab al-Khawaja (L) is greeted by …", "whether or not Pierre Thomas (left) would
# get more carries"; not "(R)", a party as often), and a name and then the picture it captions
# ("Aurelie Chatelain, in this photograph provided by the Caudry City Hall …").
_PICTURE_POSITION = r"\((?:(?-i:L|L-R|R-L)|left|right|center|centre|pictured)\)"
# Every `_PICTURE_POSITION` match is one of these, lower-cased.
_PICTURE_POSITION_TERMS = (
    "(l)",
    "(l-r)",
    "(r-l)",
    "(left)",
    "(right)",
    "(center)",
    "(centre)",
    "(pictured)",
)
_NAMED_IN_PICTURE = r",\s+in\s+this\s+(?:[\w.,'’-]+\s+){0,6}?(?:photo(?:graph)?|picture|image)s?\b"
# A caption or picture credit: "(Photo: …)", "Michael Nagle/Getty Images", "FILE - In this …",
# "Image caption …", "… in a file photo", "Picture taken December 28, 2017", and the phrases
# above.
_CAPTION = re.compile(
    r"""\((?:ap\s+)?(?:photo|image|picture|pic)\b|\b(?:photo(?:graph)?|image|picture)s?\s*(?::|by\b)
      | \bgetty(?:\s+images)?\b|\bshutterstock\b|\bap\s+photo\b|\bphoto\s+illustration\b
      | \b(?:image|media)\s+caption\b|^file\s*[-–—]|\bfile\s+photo\b|\bpicture\s+taken\b
      | ^in\s+this\s.{0,60}\bphoto\b|\bstaff\s+photo\b|\bphoto(?:graph)?\s+(?:released|provided)\b
      | ^(?:a|an|the)\s+(?:photo|picture|image)\s+(?:from|of|shows)\b|\w/\w[\w ]*\)\s*$
      | \b(?:reuters|afp|epa|ap)/[a-z]|"""
    + _PICTURE_POSITION
    + "|"
    + _NAMED_IN_PICTURE,
    re.IGNORECASE | re.VERBOSE,
)
# Widgets and page furniture that read like words: "× Close What is the Tomatometer®?",
# "Welcome to ODMP K9", "share tweet pin email", "Story highlights …", "Embed … autoplay".
_WIDGET = re.compile(
    r"""^\W*(?:×|close\b|welcome\s+to\b|story\s+highlights\b|update:|warning:|published:
      | related:|embed\b|share\b|follow\b|you\s+must\b|please\b|►|buy\s+photo\b
      | already\s+have\s+an\s+account|from\s+wikipedia\b|this\s+(?:post|story|article)\s+has\s+been
      | posted:|last\s+updated\b|breaking\s+news\s+(?:emails|alerts)
      | updated\b|by\s.*\b(?:published|updated|posted)\b)
      | \btomatometer\b|\bautoplay\b|\bcopy\s+this\s+code\b|\bcontinue\s+reading\b""",
    re.IGNORECASE | re.VERBOSE,
)
# Markup and addresses: 'poster="http://v.politico.com/…"', "<div …>", "More>>".
_MARKUP = re.compile(r"""[<>{}]|\w=\s*["']|""" + WEB_ADDRESS.pattern)
# "Tags: Super Bowl XLVI, Mark Herzlich, …", "Filed under: …".
_TAG_LIST = re.compile(r"^\W*(?:tags?|topics?|keywords|filed\s+under|categories)\s*:", re.I)


# Every `_CAPTION` match holds one of these, lower-cased. On an ASCII line, where the pattern's
# case-blind letters are plain ones, a line holding none is no caption: a substring test finds
# that for most lines, far cheaper than a search.
_CAPTION_TERMS = (
    "photo",
    "image",
    "pic",
    "getty",
    "shutterstock",
    "caption",
    "file",
    "/",
    *_PICTURE_POSITION_TERMS,
)


def is_caption(line: str) -> bool:
    """True for a photo caption or picture credit, however long."""
    stripped = line.strip()
    if stripped.isascii():
        lowered = stripped.lower()
        if not any(term in lowered for term in _CAPTION_TERMS):
            return False
    return bool(_CAPTION.search(stripped))


# What `_WIDGET` finds past a line's opening holds one of these (lower-cased); what `_MARKUP`
# finds, one of those. A line holding none is searched no further than its opening (ASCII
# only for `_WIDGET`, whose case-blind letters are plain ones there), or not at all.
_WIDGET_INNER_TERMS = ("tomatometer", "autoplay", "copy", "continue")
_MARKUP_TERMS = ("<", ">", "{", "}", "=", "://", "www.", "@")


def is_headline_furniture(line: str) -> bool:
    """True for a line that is never a headline: furniture, markup, a tag list, a section name,
    a caption, a widget line, a table's row, or a sentence no summary quotes
    (`is_furniture_sentence`: "A Ku Klux Klansman, left, uses …")."""
    stripped = line.strip()
    return (
        is_boilerplate_line(stripped)
        or is_section_name(stripped)
        or is_caption(stripped)
        or _is_widget(stripped)
        or (any(term in stripped for term in _MARKUP_TERMS) and bool(_MARKUP.search(stripped)))
        or bool(_TAG_LIST.match(stripped))
        or _mostly_numbers(stripped)
        or is_furniture_sentence(stripped)
    )


def _mostly_numbers(line: str) -> bool:
    """A score line or a table row ("Palm Bay 18 22 13 17 — 70"): more numbers than words."""
    found = tokens(line)
    numbers = sum(token[0].isdigit() for token in found)
    return numbers > len(found) - numbers


def _is_widget(line: str) -> bool:
    if line.isascii():
        lowered = line.lower()
        if not any(term in lowered for term in _WIDGET_INNER_TERMS):
            return bool(_WIDGET.match(line))
    return bool(_WIDGET.search(line))


# --- Sentences a summary never quotes: captions, credits, widget and notice text -------------
# (Kept apart from the line patterns above: these judge one sentence of prose, not a line. Split
# by where they look, since a summary asks of every sentence of a story: openings are matched,
# endings looked for in the last characters, and inner phrases only searched for when the
# sentence holds one of `_FURNITURE_SENTENCE_TERMS`, which a plain substring test finds.)
# Photo captions, credits and notices as they open: "FILE - In this Thursday, April 26, 2018,
# file photo, …", "Picture taken December 28, 2017.", "Image copyright Getty Images", "In this
# image released by Turner Classic Movies, …", "Photo: …", "These crawls are part of an effort
# to archive pages …", "Get breaking news alerts …", a picture credit run into the caption
# ("Tom Williams/Getty Images Rep. Jackie Speier (D-Calif.) will host …").
_FURNITURE_OPENING = re.compile(
    r"""(?:picture|photo)\s+taken\b
      | file\s*(?:photo\s*)?[-–—:]
      | (?:in\s+)?th(?:is|ese)\s+(?:[\w.,'’-]+\s+){0,6}?
        (?:photos?|images?|pictures?|video\s+(?:grab|still)|frame\s+grab|handout)\b
        (?:\s*,|\s+(?:provided|released|taken|made|obtained|shows?|posted|from|by|of)\b)
      | (?:image|photo|picture|video)s?\s+(?:copyright|caption|credit)\b
      | (?:photo|picture|image|photographer)s?\s*:
      | these\s+crawls\s+are\s+part\b
      | get\s+(?:breaking\s+news|the\s+latest|our)\b
      | [^.]{0,40}?(?:/\s*|\bvia\s+|\bclose\s+)getty\s+images\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
# A credit closing the sentence ("(AP Photo/Evan Vucci)", "(Photo: Matt Sayles, Invision/AP)").
_CREDIT_ENDING = re.compile(
    r"\((?:[^()]{0,40}[\s/])?(?:photo|photograph|image|picture)s?\b[^()]{0,60}\)"
    r"(?:\s*\([^()]{0,40}\))?\W*$",
    re.IGNORECASE,
)
# A caption's closing place and date: "… attend a news conference at the courthouse in Paris,
# April 22, 2015.", "… the Hotel Dieu Hospital in Paris April 22, 2015." News prose dates an
# event with "on" ("on April 22, 2015") or after a weekday ("Tuesday, April 21, 2015."); a
# caption puts the date right after the place.
_CAPTION_DATE_ENDING = re.compile(
    r"(?:(?<!day)(?<!\d),|\s(?!(?:mon|tues|wednes|thurs|fri|satur|sun)day\b)(?-i:[A-Z])[\w.'’-]*)"
    rf"\s+{MONTH_NAME}\.?\s+\d{{1,2}},\s+\d{{4}}\W*$",
    re.IGNORECASE,
)
# A caption or teaser cut short: "Police arrested several people and are widening..."
_CUT_SHORT = re.compile(r"[\w,;)]\s?(?:\.\.\.|…)$")
# Inside a sentence: "… file photo, …", "Brenda Snipes, left, and …" (a caption naming who is
# where), a sponsor's disclosure ("This shop has been compensated by #CollectiveBias, Inc. and
# its advertiser.", "All opinions are mine alone."), sign-up boxes, social widgets, archive and
# player notices: "Breaking News Emails Get breaking news alerts and special reports.", "Follow
# us on Twitter", "Click here to …".
_FURNITURE_INSIDE = re.compile(
    r"""\bfile\s+(?:photo|picture|image)\b
      | \b(?:this\s+(?:shop|post|article|review|page)\s+has|i\s+have|we\s+have)
        \s+been\s+compensated\b
      | \ball\s+opinions\s+are\s+(?:mine|my\s+own|our\s+own)\b
      | \bthis\s+(?:post|article|page)\s+(?:contains|may\s+contain)\s+affiliate\s+links\b
      | \s(?-i:[A-Z])[\w.'’-]*,\s(?:left|right|center|centre|second\s+(?:from\s+)?(?:left|right)),\s
      | """
    + _PICTURE_POSITION
    + "|"
    + _NAMED_IN_PICTURE
    + r"""
      | \bbreaking\s+news\s+(?:emails?|alerts)\b
      | \bfollow\s+(?:us|me)\b
      | \b(?:click|tap)\s+here\b
      | \bsign(?:ing)?\s+up\s+(?:for|to|you\s+agree)\b|\bthank\s+you\s+for\s+subscribing\b
      | \bunsubscribe\s+at\s+any\s+time\b
      | \bstory\s+continued\s+below\b|\bcontinue\s+reading\s+the\s+main\s+story\b
      | \benable\s+javascript\b|\bplease\s+try\s+again\s+later\b
      | \bthis\s+(?:video|content|material)\s+is\s+copyright
      | \bbroken\s+links\s+on\s+the\s+web\b
      | \bcrawl\s+data\s+to\s+the\s+internet\s+archive\b|\bthe\s+internet\s+archive\s+hopes\b
      | \bwayback\s+machine\s+after\s+an\s+embargo\b
      | \byour\s+tweet\s+location\b|\blocation\s+information\s+to\s+your\s+tweets\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Every `_FURNITURE_INSIDE` match holds one of these (lower-cased).
_FURNITURE_SENTENCE_TERMS = (
    "file ",
    "compensated",
    "opinions are",
    "affiliate links",
    ", left,",
    ", right,",
    ", center,",
    ", centre,",
    ", second",
    *_PICTURE_POSITION_TERMS,
    ", in this ",
    "breaking news",
    "follow us",
    "follow me",
    "click here",
    "tap here",
    "sign up",
    "signing up",
    "subscribing",
    "unsubscribe",
    "continued below",
    "continue reading",
    "javascript",
    "try again",
    "copyright",
    "broken links",
    "internet archive",
    "wayback",
    "tweet location",
    "your tweets",
)


def is_furniture_sentence(sentence: str) -> bool:
    """True for a caption, a photo credit, or widget or notice text: never quoted as news."""
    text = sentence.strip()
    if _FURNITURE_OPENING.match(text):
        return True
    if text.endswith(")") and _CREDIT_ENDING.search(text[-110:]):
        return True
    if text.endswith(("...", "…")) and _CUT_SHORT.search(text[-6:]):
        return True
    if (text[-1:].isdigit() or text.endswith(".")) and _CAPTION_DATE_ENDING.search(text[-40:]):
        return True
    lowered = text.lower()
    return any(term in lowered for term in _FURNITURE_SENTENCE_TERMS) and bool(
        _FURNITURE_INSIDE.search(text)
    )
