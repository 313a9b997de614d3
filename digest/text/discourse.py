"""How a sentence leans on its neighbours: dangling openers, bare quotes, attributions.

A sentence lifted out of its article can lose what it leans on: "She is up for Best Supporting
Actress" names no one; "But the court disagreed" answers a sentence the reader never saw; a
quotation alone ("We will win.") has no speaker. The summarizer takes such a sentence only with
the sentence it depends on. Which words open a dependent sentence, and which verbs attribute
speech, are language knowledge: they are kept here, per language (`summary.language`); a
language without lists has no such rule (every sentence stands alone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType

from digest.text.words import final_mark, word_count

__all__ = [
    "Clauses",
    "Discourse",
    "clauses_for",
    "discourse_for",
    "has_quote_mark",
    "is_aside",
    "is_bare_quote",
    "opens_quote",
]


@dataclass(frozen=True, slots=True)
class _Lists:
    # Single words that, opening a sentence, point back to something said before it.
    openers: frozenset[str]
    # Phrases of several words doing the same ("In addition", "On the other hand"), by their
    # first word.
    opening_phrases: dict[str, tuple[tuple[str, ...], ...]]
    # Words that after a demonstrative opener make it a time, not a reference ("This week").
    deictic_times: frozenset[str]
    # Words that say someone spoke: a sentence holding one (outside quotes) names a speaker.
    speech: frozenset[str]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _by_first_word(phrases: tuple[str, ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    found: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        words = tuple(phrase.split())
        found.setdefault(words[0], []).append(words)
    return {first: tuple(group) for first, group in found.items()}


_ENGLISH = _Lists(
    openers=_words(
        # Pronouns and possessives with a referent earlier in the text.
        "he she it they him her his hers its their them theirs "
        # Demonstratives: "This was the plan", "That's when", "These crawls", "Those who".
        "this that these those such both another "
        # Connectives: the sentence answers, continues or contrasts with the previous one.
        "but however also and still meanwhile yet so instead moreover furthermore besides "
        "nevertheless nonetheless thus therefore then otherwise likewise similarly indeed "
        "later afterward afterwards hence consequently accordingly additionally"
    ),
    opening_phrases=_by_first_word(
        (
            "in addition",
            "as a result",
            "by contrast",
            "in contrast",
            "on the other hand",
            "at the same time",
            "even so",
            "for example",
            "for instance",
            "in fact",
            "despite this",
            "because of this",
            "the latter",
        )
    ),
    deictic_times=_words(
        "week weekend year month morning afternoon evening season summer winter spring fall "
        "autumn time days past"
    ),
    speech=_words(
        "said says say told tells tell added adds asked asks wrote writes stated states "
        "explained explains tweeted posted recalled continued insisted noted warned declared "
        "replied responded argued according statement interview"
    ),
)

_LISTS = MappingProxyType({"english": _ENGLISH})

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_PUNCTUATION = ".,;:!?\"'“”‘’()[]{}—–-…"
# Opening and closing quotation marks; straight double quotes serve as both.
_OPENING_QUOTES = '“„«"'
_CLOSING_QUOTES = '”»"'
_QUOTED_SPAN = re.compile(r"“[^”]*”|„[^“”]*[“”]|«[^»]*»|\"[^\"]*\"")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True, slots=True)
class Discourse:
    """One language's rules for whether a sentence stands alone."""

    lists: _Lists | None

    @property
    def knows_speech(self) -> bool:
        """Whether the language's speech verbs are known (so a quote's speaker can be found)."""
        return self.lists is not None

    def opens_dangling(self, sentence: str) -> bool:
        """Whether the sentence opens with a pronoun or connective pointing back before it.

        "She is up for Best Supporting Actress", "But the court disagreed". A sentence opening
        with a quotation is judged as a quote (`is_bare_quote`), and "This week" is a time.
        """
        lists = self.lists
        head = sentence[:60].lower().split(None, 5)[:5]
        if lists is None or not head or head[0][:1] in _OPENING_QUOTES + "‘'":
            return False
        # Asked of every sentence of every story: plain splitting, no pattern, and the first
        # word alone decides for most.
        first = head[0].strip(_PUNCTUATION).split("'")[0].split("’")[0]  # "That's", "It’s"
        if first not in lists.openers and first not in lists.opening_phrases:
            return False
        words = [w.strip(_PUNCTUATION) for w in head]
        if first in {"this", "these"} and words[1:2] and words[1] in lists.deictic_times:
            return False
        if first in lists.openers:
            return True
        phrases = lists.opening_phrases.get(first, ())
        return any(tuple(words[: len(p)]) == p for p in phrases)

    def attributes_speech(self, sentence: str) -> bool:
        """Whether the sentence names who spoke: a speech verb outside its quotes, or it ends
        with a colon that introduces the quote after it."""
        if self.lists is None:
            return False
        if sentence.rstrip().endswith(":"):
            return True
        outside = _QUOTED_SPAN.sub(" ", sentence)
        return any(w.lower() in self.lists.speech for w in _WORD.findall(outside))


@dataclass(frozen=True, slots=True)
class Clauses:
    """Where a clause of a language may end: the words a headline cut at a clause relies on
    (`digest.clean.meta`)."""

    # Subordinating conjunctions open a clause without a comma ("died Thursday when …"); "and"
    # and "that" are left out: "Schumer and McConnell", "the owners of a bakery that …" and
    # "said Thursday that …" cut there leave a name or a subject without its verb, or a verb
    # without what was said.
    subordinators: frozenset[str] = frozenset()
    # After a sentence's first comma, these open a new clause or attribute the one before it.
    after_first_comma: frozenset[str] = frozenset()
    # Prepositions and subordinating conjunctions: a sentence opening with one opens with a
    # circumstance, and its first comma ends only that ("For fans of Led Zeppelin, …"); before
    # one a phrase ends.
    prepositions: frozenset[str] = frozenset()
    # Of those, the ones that more often mark a verb than open a phrase ("agreed to buy").
    verb_markers: frozenset[str] = frozenset()
    # Function words no clause ends on, even before a comma: articles, conjunctions, relative
    # pronouns, auxiliaries, possessives and the prepositions (other stop words, such as "yet"
    # or "here", end a clause well when the writer put a comma after them).
    function_words: frozenset[str] = frozenset()
    # "as" opens a clause after a noun ("cut its guidance as earnings fell"), but after a verb
    # its complement ("was named as host"): verbs are told by these endings.
    comparatives: frozenset[str] = frozenset()
    verb_endings: tuple[str, ...] = ()
    # An opening participle ("Faced with …,") ends its phrase at the first comma, like a
    # preposition.
    participle_endings: tuple[str, ...] = ()

    @property
    def phrase_openers(self) -> frozenset[str]:
        """Words a phrase opens with, so a cut before one ends a phrase."""
        return self.prepositions - self.verb_markers


_ENGLISH_PREPOSITIONS = _words(
    "about across after against along although amid among around as at because before behind "
    "beyond by despite during following for from if in inside like near of on once over since "
    "than though through throughout to toward towards under unlike until upon when whenever "
    "where whereas while with within without"
)
_ENGLISH_CLAUSES = Clauses(
    subordinators=_words(
        "after although amid because before but despite following since though until when "
        "whereas while"
    ),
    after_first_comma=_words("and but or nor so yet according said says saying"),
    prepositions=_ENGLISH_PREPOSITIONS,
    verb_markers=_words("to"),
    function_words=_ENGLISH_PREPOSITIONS
    | _words(
        "a an the and or nor but that which who whom whose is are was were be been being has "
        "have had will would shall should can could may might must do does did his her its "
        "their our your my this these those not very said"
    ),
    comparatives=_words("as"),
    verb_endings=("ed", "ing", "s"),
    participle_endings=("ed", "ing"),
)
_CLAUSES = MappingProxyType({"english": _ENGLISH_CLAUSES})


def clauses_for(language: str) -> Clauses:
    """Where clauses of `language` end; a language without lists cuts only at marks."""
    return _CLAUSES.get(language.lower(), Clauses())


def discourse_for(language: str) -> Discourse:
    """The rules of `language`; a language without lists has none (every sentence stands)."""
    return Discourse(_LISTS.get(language.lower()))


def is_bare_quote(sentence: str) -> bool:
    """Whether the sentence is nothing but (part of) a quotation: no words outside its quotes.

    “We will win.” is one; so are the first and last sentences of a quotation the splitter cut
    in several (“We will win. … and … We always do.”), which have one unmatched mark.
    """
    if not has_quote_mark(sentence):
        return False
    text = sentence.strip()
    outside = _QUOTED_SPAN.sub("", text)
    if outside[:1] in _OPENING_QUOTES:
        outside = ""  # a quotation running on past this sentence
    else:
        closing = max(outside.rfind(mark) for mark in _CLOSING_QUOTES)
        if closing >= 0 and closing >= len(outside.rstrip()) - 1:
            outside = outside[closing + 1 :]  # the end of a quotation opened earlier
    quoted = outside != text
    return quoted and not _LETTER.search(outside)


# As for headings (`summarize.story.FRAGMENT_WORDS`): under ten words, a question asks and an
# exclamation exclaims; neither tells.
ASIDE_WORDS = 10


def is_aside(sentence: str) -> bool:
    """Whether the sentence is a short question or exclamation standing alone: it ends with
    `?` or `!` (closing quotes and brackets after it set aside), no colon introduces it, no
    words outside a quotation report it, and it has fewer than ASIDE_WORDS words.

    A summary reports. "How is the plague spread?" is a subheading, "Is Holder the president's
    conscience?" and "Oh, Betty, you're in such high demand!" a writer's asides; "CNN asked on
    Wednesday: Did the president know?" and 'He asked, “Why?”' report the question, "“Why?”
    he asked." ends as a statement, and a longer question often carries the news ("Remember
    the California couple who found $10 million in gold coins on their property?").
    """
    if final_mark(sentence) not in ("?", "!") or ":" in sentence:
        return False
    if has_quote_mark(sentence) and not is_bare_quote(sentence):
        return False  # words outside the quotation: who asked or exclaimed
    return word_count(sentence) < ASIDE_WORDS


_QUOTE_MARKS = frozenset('“”„«»"')
_ANY_QUOTE_MARK = re.compile('[“”„«»"]')


def has_quote_mark(sentence: str) -> bool:
    """Whether the sentence holds a double quotation mark of any kind."""
    return _ANY_QUOTE_MARK.search(sentence) is not None


def opens_quote(sentence: str) -> bool:
    """Whether a quotation opens in the sentence and runs on past its end.

    A straight mark opens when it follows a space (or starts the text), else it closes.
    """
    depth = 0
    german = False  # „ is closed by “
    for position, mark in enumerate(sentence):
        if mark not in _QUOTE_MARKS:
            continue
        before = sentence[position - 1] if position else " "
        opening = (
            mark in "„«"
            or (mark == "“" and not german)
            or (mark == '"' and (before.isspace() or before in "([{—–-"))
        )
        if opening:
            depth += 1
            german = german or mark == "„"
        else:
            depth = max(depth - 1, 0)
            german = german and depth > 0
    return depth > 0
