"""Conflicting claims inside one story: an assertion and its denial, or different numbers.

Deterministic and offline: rules over words, no model. Precision comes first (a wrong conflict
misleads a reader; a missed one only leaves the briefing as it was), so every rule is narrow:

- **Denial.** A sentence with a strong denial cue ("denied (reports) that ...", "denies
  having ...", "... is not true", "... are inaccurate") names the proposition it denies: the
  clause after the cue, or the words before it from the last "that". ("Denied the accusations
  until ..." names none: without "that", the words after the reports must open a clause.) A
  sentence of another article states that proposition when it holds at least two of its content
  words, one of them not a name, and most of their weight (words weighted by rarity within the
  story), and names someone or something the denial names too (the same thing). It is the
  claim if it asserts plainly (a whole sentence, not hedged with "might", "fears", "alleged"
  ..., not negated) and its own article does not carry the denial too (that one reports both
  sides).
- **Numbers.** Two finished sentences (not headlines) of different articles that say nearly
  the same thing (high word overlap), each holding exactly one number, an exact count of the
  same noun, and the counts differ ("130,000 troops" against "100,000 troops"). Reference marks
  are not numbers ("[5]", "Ancient5", or "5 Ancient …" where the splitter cut a mark off the
  sentence before), and two sentences differing only in a small number before a capitalized
  word ("Pyramid 5 Ancient …": a mark flattened into the text) are one sentence told twice: two
  copies of one sentence never disagree. Times, dates, years,
  percentages, money, approximate numbers ("more than", "about") and casualty counts, which
  legitimately change by the hour, are left out.

At most `limit` conflicts per story, strongest first, each claim and each counter used once.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from digest.model import Article, Conflict, Story, SummarySentence
from digest.text.dates import MONTH_NAME, ZONE_NAME
from digest.text.language import stemmer_for, stop_words_for
from digest.text.sentences import split_sentences
from digest.text.words import has_final_mark, normalize

__all__ = ["find_conflicts", "mark_disputed", "sentences_of"]

# "denied (the) reports that P", "denies that P", "denies having P": what follows is denied.
# "denied an offer" is a refusal, not a denial of a statement, so the object must be one of these.
# Without "that", what follows the reports must open a clause ("denied reports Moscow sent …",
# "… reports he was …"): in "denied the accusations until finally coming forward" it does not,
# and the words after are no proposition at all.
_DENIAL_AFTER = re.compile(
    r"\bden(?:y|ies|ied|ying)\s+(?:(?:the\s+|media\s+|earlier\s+)*(?:reports?|claims?"
    r"|allegations?|suggestions?|accusations?|rumou?rs?)\s+(?:that\s+|(?=(?-i:[A-Z])|(?:he|she"
    r"|it|they|the|a|an|his|her|its|their)\s))|that\s+"
    r"|(?=(?:being|having)\s))(?P<p>.+)",
    re.IGNORECASE,
)
# "P is not true", "P was completely false": what comes before is denied ("a false alarm" is not).
_DENIAL_BEFORE = re.compile(
    r"\s+[\"“”'‘’]?(?:is|was|are|were|been|be)\s+"
    r"(?:(?:simply|completely|totally|absolutely|entirely|wholly|patently|also|just)\s+)?"
    r"[\"“”'‘’]?(?:not\s+true|untrue|false|inaccurate|incorrect|not\s+the\s+case|baseless"
    r"|fake)\b",
    re.IGNORECASE,
)
# In "told RIA that the US claim that it had received an answer is not true" the denied part
# starts after the last "that" (or the last clause break).
_INTRODUCER = re.compile(r"\bthat\s+|[,;:]\s+", re.IGNORECASE)
# Where the denied part ends: "denied the allegations against him and again this case ...".
_CLAUSE_END = re.compile(r"[,;:(—–]|\s-\s|\s(?:and|but|while|as|because|after|before)\s")
# The lookahead (the cues' first letters) lets the engine skip the other letters at once:
# every story's lead paragraphs are searched for a cue.
_ANY_DENIAL = re.compile(
    r"(?=[bdfinu])(?:\bden(?:y|ies|ied|ying)\b|\bnot\s+true\b|\buntrue\b|\bfalse\b"
    r"|\binaccurate\b|\bincorrect\b|\bnot\s+the\s+case\b|\bbaseless\b)",
    re.IGNORECASE,
)
# A claim must assert plainly: a sentence with a negation of its own ("was unaware he had
# cancer", "an individual and not a composite") may well agree with the denial.
_NEGATION = re.compile(
    r"\b(?:not|no|never|none|neither|nor|without|unaware|nothing)\b|n['’]t\b", re.IGNORECASE
)
_CLAIM_START = re.compile(r"^[\"“‘'(]?[A-Z0-9]")
_MIN_CLAIM_WORDS = 8  # shorter "sentences" are headlines, datelines or splitting debris
_HEDGE = re.compile(
    r"\b(?:might|may|could|would|fears?|feared|warn\w*|alleg\w*|possibl\w*|potential\w*"
    r"|reportedly|rumou?r\w*|if|whether|unconfirmed|speculat\w*)\b|\?",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# Words a report and its denial share without saying anything about the disputed point.
_REPORTING = frozenset(
    (
        "said",
        "says",
        "say",
        "told",
        "tells",
        "tell",
        "added",
        "stated",
        "confirm",
        "confirmed",
        "confirms",
        "according",
        "claim",
        "claims",
        "claimed",
        "report",
        "reports",
        "reported",
        "true",
        "false",
        "deny",
        "denies",
        "denied",
        "denying",
        "inaccurate",
    )
)
# Different outlets name the same thing differently; these few always mean a reply.
_SAME_MEANING = {
    "repli": "respons",
    "answer": "respons",
    "feedback": "respons",
    "respond": "respons",
}
_FOLLOW_UP = re.compile(r"\bfollow-?ups?\b", re.IGNORECASE)

_DIGITS = re.compile(r"\d+(?:[,.:]\d+)*")
# Reference marks, which are not numbers of anything: "[5]", "[citation needed]", superscripts,
# and a number glued to the end of a word or a sentence ("Ancient5", "Egypt.6 Ancient").
_FOOTNOTE = re.compile(
    r"\[(?:\d{1,3}|[a-z]|citation needed|note \d+)\]|[¹²³⁰⁴-⁹]+"
    r"|(?<=[^\W\d_])\d{1,3}(?=\s|$)|(?<=[^\W\d_][.!?\"”’)])\d{1,3}(?=\s|$)",
    re.IGNORECASE,
)
# A number opening a sentence (or following a sentence end inside one) before a capitalized
# word is a reference or list mark cut off by the splitter ("5 Ancient Egyptians …").
_MARK_BEFORE_CAPITAL = re.compile(r"(?:^|(?<=[.!?]\s))[\"“‘'(]?\d{1,3}\s+(?=[A-Z])")
_SMALL_BEFORE_CAPITAL = re.compile(r"(?<![\d,.])\b\d{1,3}\b(?![\d,.])\s+(?=[A-Z])")
# A count: a bare number (not a time, a decimal or money) and the word it counts.
_COUNT = re.compile(
    r"(?P<before>(?:\b\w+\s+){0,2})(?<![\w$€£¥:.,/-])(?P<value>\d{1,3}(?:,\d{3})+|\d+)"
    r"(?![\w:.,/%-]\d?)(?:\s+(?P<scale>million|billion|thousand))?\s+(?P<noun>[^\W\d_]+)",
    re.IGNORECASE,
)
_APPROXIMATE = re.compile(
    r"\b(?:more|less|fewer|over|under|about|around|nearly|almost|roughly|approximately|some"
    r"|estimated|least|most|up|than|to|between|and|or|top|past)\s*$",
    re.IGNORECASE,
)
# Words after a number that make it a date or a time, not a count.
_NOT_COUNTED = re.compile(
    rf"(?:am|pm|{ZONE_NAME}|percent|per|years?|old"
    rf"|{MONTH_NAME}|(?:mon|tues|wednes|thurs|fri|satur|sun)day)",
    re.IGNORECASE,
)
# Casualty counts rise from hour to hour; two reports of them rarely contradict each other.
_CASUALTIES = frozenset(
    ("dead", "die", "kill", "death", "injur", "wound", "missing", "casualti", "toll", "peopl")
)
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}

_MIN_SHARED = 2  # content words the claim must share with the denied proposition
_MIN_COVERAGE = 0.6  # share of the proposition's weight the claim must state
_MIN_NUMBER_OVERLAP = 0.7  # how alike two sentences must be for their numbers to clash


@dataclass(frozen=True, slots=True)
class _Sentence:
    text: str
    article_id: str
    words: frozenset[str]
    denied: frozenset[str] | None  # the denied proposition's words, for a denial
    denied_common: frozenset[str] = frozenset()  # of which those not capitalized (not names)


_LEAD_PARAGRAPHS = 12


def find_conflicts(
    story: Story, *, limit: int = 2, language: str = "english"
) -> tuple[Conflict, ...]:
    """The checkable disagreements between the articles of one story, strongest first."""
    if len(story.articles) < 2 or not _may_conflict(story, language):
        return ()  # a disagreement takes two articles, and a denial or two counts
    sentences = [s for article in story.articles for s in _analyse(article, language)]
    weights = _weights(sentences)
    candidates = [
        *_denials(sentences, weights),
        *_number_clashes(sentences, weights, language),
    ]
    candidates.sort(key=lambda c: (-c[0], -c[1], c[2].claim.text, c[2].counter.text))
    chosen: list[Conflict] = []
    used: set[str] = set()
    for _score, _closeness, conflict in candidates:
        if len(chosen) == limit:
            break
        if conflict.claim.text in used or conflict.counter.text in used:
            continue
        chosen.append(conflict)
        used.update((conflict.claim.text, conflict.counter.text))
    return tuple(chosen)


def mark_disputed(
    summary: Sequence[SummarySentence], conflicts: Sequence[Conflict]
) -> tuple[SummarySentence, ...]:
    """The summary with `disputed` set on each sentence that one of `conflicts` shows.

    A claim in the conflict box is not repeated word for word in the summary above it. The
    summary may quote the sentence without its dateline, or cut at the budget: a summary
    sentence held in a conflict's sentence of the same article is that sentence.
    """
    shown = [(side.article_id, side.text) for c in conflicts for side in (c.claim, c.counter)]
    return tuple(
        replace(sentence, disputed=True)
        if any(
            article_id == sentence.article_id and sentence.text in text
            for article_id, text in shown
        )
        else sentence
        for sentence in summary
    )


def sentences_of(paragraph: str) -> tuple[str, ...]:
    """The sentences of a paragraph, each a verbatim slice of it (the summarizer's splitter)."""
    return split_sentences(paragraph)


def _may_conflict(story: Story, language: str) -> bool:
    """Whether the story holds a denial of something, or two counts of one noun that differ.

    Necessary for any conflict and cheap: only paragraphs with a denial cue or a digit are
    split, and only the words of denied propositions and counted nouns are stemmed. Most
    stories stop here, so a large build does not pay for weighing every sentence of every story.
    """
    counts: dict[str, dict[float, set[str]]] = {}  # noun -> value -> the articles giving it
    for article in story.articles:
        for paragraph in article.paragraphs[:_LEAD_PARAGRAPHS]:
            denial, digit = _ANY_DENIAL.search(paragraph), _DIGITS.search(paragraph)
            if not denial and not digit:
                continue
            for text in sentences_of(paragraph):
                if denial and (denied := _denied(text, language)) is not None and denied[0]:
                    return True
                if digit and (count := _count(text, language)) is not None:
                    value, noun, _shown = count
                    values = counts.setdefault(noun, {})
                    values.setdefault(value, set()).add(article.id)
                    if any(v != value and ids - {article.id} for v, ids in values.items()):
                        return True
    return False


def _analyse(article: Article, language: str) -> list[_Sentence]:
    sentences = []
    # Claims and their denials are reported up front; reading whole long articles would cost
    # most of a large build for little.
    for paragraph in article.paragraphs[:_LEAD_PARAGRAPHS]:
        for text in sentences_of(paragraph):
            denied = _denied(text, language)
            sentences.append(
                _Sentence(
                    text, article.id, _content(text, language), *(denied or (None, frozenset()))
                )
            )
    return sentences


def _denied(sentence: str, language: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """The content words of what a denial denies, all and those not names; None: no denial."""
    if not _ANY_DENIAL.search(sentence):
        return None
    proposition = None
    if after := _DENIAL_AFTER.search(sentence):
        proposition = _CLAUSE_END.split(after.group("p"), maxsplit=1)[0]
    elif before := _DENIAL_BEFORE.search(sentence):
        proposition = sentence[: before.start()]
        introducers = list(_INTRODUCER.finditer(proposition))
        if introducers:
            proposition = proposition[introducers[-1].end() :]
    if proposition is None:
        return None
    # "this was not true": a pronoun names nothing we can check against another sentence.
    words = _content(proposition, language)
    if len(words) < _MIN_SHARED:
        return frozenset(), frozenset()
    return words, _content(proposition, language, names=False)


@functools.lru_cache(maxsize=8)
def _stop_words(language: str) -> frozenset[str]:
    return stop_words_for(language) | _REPORTING


def _content(text: str, language: str, *, names: bool = True) -> frozenset[str]:
    """Stems of the content words; `names=False`: only of words written in lower case."""
    text = _FOLLOW_UP.sub("response", text)
    found = (_content_word(raw, language) for raw in _WORD.findall(text) if names or raw.islower())
    return frozenset(word for word in found if word)


@functools.lru_cache(maxsize=1 << 16)  # bounded: `digest schedule` runs for months
def _content_word(raw: str, language: str) -> str | None:
    """The stem a word counts as, or None for a stop word or a word too short to tell."""
    word = raw.lower()
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    word = word.replace("-", "")
    if len(word) < 3 or word in _stop_words(language):
        return None
    stem = stemmer_for(language)(word)
    return _SAME_MEANING.get(stem, stem)


def _weights(sentences: Sequence[_Sentence]) -> dict[str, float]:
    """Inverse sentence frequency within the story: words every article uses weigh little."""
    frequency = Counter(word for s in sentences for word in s.words)
    total = len(sentences) + 1
    return {word: math.log(total / count) for word, count in frequency.items()}


def _weight(words: Iterable[str], weights: dict[str, float]) -> float:
    # fsum: exact whatever order the set yields its words in (Python's string hashing, and so
    # set order, changes from run to run); a plain sum could break ties differently each run.
    return math.fsum(weights.get(word, 0.0) for word in words)


def _denials(
    sentences: Sequence[_Sentence], weights: dict[str, float]
) -> list[tuple[float, float, Conflict]]:
    denials = [s for s in sentences if s.denied]
    # An article that reports a denial as well as the claim tells both sides; no conflict.
    denying_articles: dict[str, list[_Sentence]] = {}
    for denial in denials:
        denying_articles.setdefault(denial.article_id, []).append(denial)
    found = []
    for claim in sentences:
        if claim.denied is not None or not _plain_assertion(claim.text):
            continue
        names = _names(claim.text)
        own = denying_articles.get(claim.article_id, [])
        if any(_states(claim, d, weights) for d in own):
            continue
        for denial in denials:
            if denial.article_id == claim.article_id:
                continue
            # The same thing: the two sentences name someone or something in common.
            if not names & _names(denial.text):
                continue
            if score := _states(claim, denial, weights):
                # Between equally full statements, the one closest to the denial's wording.
                closeness = _overlap(claim.words, denial.words, weights)
                conflict = Conflict(
                    claim=SummarySentence(claim.text, claim.article_id),
                    counter=SummarySentence(denial.text, denial.article_id),
                    reason="One article reports it; another reports it denied.",
                    kind="denial",
                )
                found.append((score, closeness, conflict))
    return found


def _plain_assertion(text: str) -> bool:
    """Whether a sentence states something outright: whole, unhedged, not negated."""
    return (
        len(text.split()) >= _MIN_CLAIM_WORDS
        and has_final_mark(text)
        and _CLAIM_START.match(text) is not None
        and not _ANY_DENIAL.search(text)
        and not _HEDGE.search(text)
        and not _NEGATION.search(text)
    )


def _states(claim: _Sentence, denial: _Sentence, weights: dict[str, float]) -> float:
    """How fully `claim` states what `denial` denies (0 when it does not)."""
    denied = denial.denied or frozenset()
    shared = denied & claim.words
    total = _weight(denied, weights)
    # Sharing only names ("denied being Mike Enoch" and "I admire Mike Enoch") is not stating
    # the same thing: at least one shared word must be an ordinary one (verb, noun, adjective).
    if len(shared) < _MIN_SHARED or total == 0 or not shared & denial.denied_common:
        return 0.0
    coverage = _weight(shared, weights) / total
    return coverage if coverage >= _MIN_COVERAGE else 0.0


def _number_clashes(
    sentences: Sequence[_Sentence], weights: dict[str, float], language: str
) -> list[tuple[float, float, Conflict]]:
    counted = [(s, count) for s in sentences if (count := _count(s.text, language)) is not None]
    found = []
    for index, (first, (value, noun, shown)) in enumerate(counted):
        for second, (other_value, other_noun, other_shown) in counted[index + 1 :]:
            if first.article_id == second.article_id or noun != other_noun:
                continue
            if value == other_value or _same_telling(first.text, second.text):
                continue
            overlap = _overlap(first.words, second.words, weights)
            if overlap >= _MIN_NUMBER_OVERLAP:
                conflict = Conflict(
                    claim=SummarySentence(first.text, first.article_id),
                    counter=SummarySentence(second.text, second.article_id),
                    reason=f"Different numbers for the same thing: {shown} and {other_shown}.",
                    kind="number",
                )
                found.append((overlap, overlap, conflict))
    return found


def _count(text: str, language: str) -> tuple[float, str, str] | None:
    """The one exact count a sentence gives: (value, noun stem, as written).

    None when it gives none, or holds more than one number (then which number belongs to which
    thing is anyone's guess), or is too short to say what it counts.
    """
    # The cheap tests first: most sentences with digits fail them before their marks are read.
    # Several numbers (unless some may be "[5]" marks) leave which counts what a guess; a
    # headline or a fragment (no final mark, or few words) claims nothing whole.
    digits = len(_DIGITS.findall(text))
    if digits == 0 or (digits > 1 and "[" not in text):
        return None
    whole = has_final_mark(text) and len(text.split()) >= _MIN_CLAIM_WORDS
    if not whole or not _CLAIM_START.match(text):
        return None
    text = _without_marks(text)
    match = _COUNT.search(text) if len(_DIGITS.findall(text)) == 1 else None
    if match is None or _APPROXIMATE.search(match.group("before")):
        return None
    value = float(match.group("value").replace(",", ""))
    word = match.group("noun").lower()
    noun = stemmer_for(language)(word)
    if _NOT_COUNTED.fullmatch(word) or word in _stop_words(language) or noun in _CASUALTIES:
        return None
    if 1900 <= value <= 2100 and "," not in match.group("value"):
        return None  # a year
    value *= _SCALES.get((match.group("scale") or "").lower(), 1.0)
    return value, noun, match.group(0)[len(match.group("before")) :]


def _without_marks(text: str) -> str:
    """The sentence without reference marks, so that only numbers of things are read."""
    return _MARK_BEFORE_CAPITAL.sub("", _FOOTNOTE.sub("", text))


def _same_telling(one: str, other: str) -> bool:
    """Whether two sentences are copies of one sentence whose reference marks differ: the same
    words once marks and small numbers before a capitalized word ("Pyramid 5 Ancient …", a
    mark flattened into the text) are left out. Never a disagreement."""
    return normalize(_SMALL_BEFORE_CAPITAL.sub("", _without_marks(one))) == normalize(
        _SMALL_BEFORE_CAPITAL.sub("", _without_marks(other))
    )


def _names(text: str) -> frozenset[str]:
    """The capitalized words after a sentence's first: the people, places and bodies it is about."""
    found = _WORD.findall(text)[1:]
    return frozenset(word.lower() for word in found if word[:1].isupper())


def _overlap(one: frozenset[str], other: frozenset[str], weights: dict[str, float]) -> float:
    denominator = math.sqrt(_weight(one, weights) * _weight(other, weights))
    return _weight(one & other, weights) / denominator if denominator else 0.0
