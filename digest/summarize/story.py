"""`summarize_story`: a story's articles in, verbatim summary sentences out."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from digest.errors import UsageError
from digest.model import Article, SummarySentence
from digest.summarize.document import Origin, build_document
from digest.summarize.ours import MAX_WORDS
from digest.summarize.registry import SUMMARIZERS, SummarizerOptions, rank_sentences
from digest.text.datelines import find_dateline, strip_dateline
from digest.text.discourse import (
    Discourse,
    discourse_for,
    has_quote_mark,
    is_aside,
    is_bare_quote,
    opens_quote,
)
from digest.text.furniture import is_furniture_sentence
from digest.text.language import stemmer_for, stop_words_for
from digest.text.sentences import SentenceTokenizer
from digest.text.words import first_words, has_final_mark, word_count, words_of

__all__ = ["is_fragment", "is_near_duplicate", "summarize_story"]

log = logging.getLogger(__name__)

# Two sentences whose content words overlap this much (as a share of the shorter one) say the
# same thing: a lede repeated with a "Moscow:" dateline, or re-quoted with other punctuation.
NEAR_DUPLICATE = 0.8
# Below this many content words containment is too coarse; such sentences must match exactly.
_FEW_WORDS = 4
# A text without a final mark and with fewer words than this is a heading, not a sentence
# ("Security demands", "Rhetoric over sanctions"): never quoted while the story has sentences.
FRAGMENT_WORDS = 10
# Twins are looked for among the sentences opening with the same words.
_OPENING_WORDS = 3
# A sentence leaning on the one before it, which leans on another: no longer a chain.
_MAX_UNIT = 3


def summarize_story(
    articles: Sequence[Article],
    *,
    algorithm: str = "digest",
    words: int | None = 120,
    sentences: int | None = None,
    language: str = "english",
    truncate: bool = False,
) -> tuple[SummarySentence, ...]:
    """An extractive summary of one story's articles, each sentence verbatim from its article.

    Sentences are taken in the algorithm's rank order, skipping near-duplicates of those
    already taken, until `words` (total words) or `sentences` (count) is reached; whichever
    caps are given both hold, and with neither every distinct sentence is returned. A sentence
    that would overrun `words` is skipped, or with `truncate` cut at the cap (ending the
    summary). The result reads article by article, the article of the best sentence first,
    each article's sentences in their own order. A sentence is quoted without the dateline it
    opens with; captions, credits and widget text never; a sentence leaning on another (a
    pronoun or connective opening it, a quotation without its speaker) only together with
    that one (`_Candidates.unit`), which then stands right beside it.
    """
    factory = SUMMARIZERS.get(algorithm)
    if factory is None:
        known = ", ".join(SUMMARIZERS)
        raise UsageError(f"unknown summarization algorithm {algorithm!r} (known: {known})")
    stemmer = stemmer_for(language)
    stop_words = stop_words_for(language)
    document = build_document(articles, SentenceTokenizer(language))
    if not document.sentences:
        return ()
    candidates = _Candidates(
        [str(s) for s in document.sentences],
        lambda text: _signature(text, stemmer, stop_words),
        document.origins,
        discourse_for(language),
    )
    options = SummarizerOptions(
        stemmer=stemmer,
        stop_words=stop_words,
        titles=tuple(a.title for a in articles if a.title),
        sentence_words=tuple(s.words for s in document.sentences),
        # With `truncate` the last sentence may overrun the budget before it is cut.
        budget=words + MAX_WORDS if truncate and words is not None else words,
        sentences=sentences,
        quotable=candidates.quotable,
    )
    ranking = rank_sentences(factory(options), document)
    caps = _Caps(words, sentences, truncate)
    # A story of nothing but headings, fragments and asides is summarized all the same.
    chosen = _fill(ranking, candidates, caps) or _fill(ranking, candidates, caps, fragments=True)
    origins = document.origins
    first_rank: dict[int, int] = {}
    for rank, (index, _) in enumerate(chosen):
        first_rank.setdefault(origins[index].article, rank)
    # Article by article, each in its own order: a sentence taken with the one it leans on
    # (`_Candidates.unit`) follows it directly.
    chosen.sort(key=lambda item: (first_rank[origins[item[0]].article], origins[item[0]].position))
    log.debug("%s: %d of %d sentences", algorithm, len(chosen), len(candidates.texts))
    return tuple(
        SummarySentence(text=text, article_id=articles[origins[index].article].id)
        for index, text in chosen
    )


@dataclass(frozen=True, slots=True)
class _Caps:
    words: int | None
    sentences: int | None
    truncate: bool


class _Candidates:
    """The story's sentences as `_fill` needs them: as quoted, signed, and what each leans on.

    `texts` are the sentences as the splitter cut them; a sentence is quoted without the
    dateline it opens with (`quoted`), the rest verbatim.
    """

    def __init__(
        self,
        texts: Sequence[str],
        signature: Callable[[str], frozenset[str]],
        origins: Sequence[Origin],
        discourse: Discourse,
    ) -> None:
        self.texts = texts
        self._signature = signature
        self._origins = origins
        self._discourse = discourse
        self._signatures: dict[int, frozenset[str]] = {}
        self._quoted: dict[int, str] = {}
        self._furniture: dict[int, bool] = {}
        self._units: dict[tuple[int, int], tuple[int, ...] | None] = {}

    def quoted(self, index: int) -> str:
        """The sentence as a summary quotes it: without its dateline prefix."""
        text = self._quoted.get(index)
        if text is None:
            opens_article = self._origins[index].position == 0
            text = strip_dateline(self.texts[index], opens_article=opens_article)
            self._quoted[index] = text
        return text

    def signature(self, index: int) -> frozenset[str]:
        mark = self._signatures.get(index)
        if mark is None:
            mark = self._signatures[index] = self._signature(self.quoted(index))
        return mark

    def is_furniture(self, index: int) -> bool:
        found = self._furniture.get(index)
        if found is None:
            # A caption may hide behind a dateline-like label ("Photo: …"): judge both forms.
            text, quoted = self.texts[index], self.quoted(index)
            found = is_furniture_sentence(text) or (
                quoted != text and is_furniture_sentence(quoted)
            )
            self._furniture[index] = found
        return found

    def _neighbour(self, index: int, step: int) -> int | None:
        """The sentence `step` places away in the same article, if there is one."""
        other = index + step
        if not 0 <= other < len(self.texts):
            return None
        return other if self._origins[other].article == self._origins[index].article else None

    def unit(self, index: int, room: int = _MAX_UNIT) -> tuple[int, ...] | None:
        """The sentences to quote together with sentence `index`, in article order; None when
        it cannot be quoted at all.

        Furniture never. A sentence opening with a pronoun or connective ("She is up for …",
        "But the court …") comes with the sentence before it in its article, which names
        what it points back to; a bare quotation comes with the sentence naming its speaker
        (the one before it, or else the one after). At most `room` sentences in all.
        """
        key = (index, room)
        if key not in self._units:
            self._units[key] = self._unit(index, room)
        return self._units[key]

    def _unit(self, index: int, room: int) -> tuple[int, ...] | None:
        if room < 1 or self.is_furniture(index):
            return None
        text = self.quoted(index)
        before = self._neighbour(index, -1)
        discourse = self._discourse
        if discourse.opens_dangling(text):
            lead = None if before is None else self.unit(before, room - 1)
            # The sentence before may have taken this one already, as its quote's speaker.
            return None if lead is None else tuple(dict.fromkeys((*lead, index)))
        if discourse.knows_speech and is_bare_quote(text):
            if before is not None and (
                discourse.attributes_speech(self.quoted(before))
                or is_bare_quote(self.quoted(before))
            ):
                lead = self.unit(before, room - 1)
                if lead is not None:
                    return tuple(dict.fromkeys((*lead, index)))
            return self._with_speaker_after(index, room)
        return (index,)

    def _with_speaker_after(self, index: int, room: int) -> tuple[int, ...] | None:
        """The quotation opening at `index` up to the sentence after it that names its speaker
        (“The dogs are doing pretty good. … It's hard for them,” Shafer said.), or None."""
        chain: list[int] = []
        current = index
        while len(chain) + 1 < room:
            after = self._neighbour(current, 1)
            if after is None or self.is_furniture(after):
                return None
            text = self.quoted(after)
            chain.append(after)
            if self._discourse.attributes_speech(text) and not is_bare_quote(text):
                return (index, *chain)
            # Only inside a quotation still open may the speaker come further on.
            if not opens_quote(self.quoted(current)) or has_quote_mark(text):
                return None
            current = after
        return None

    def quotable(self, index: int) -> bool:
        """Whether sentence `index` can be quoted at all, alone or with the ones it leans on."""
        return self.unit(index) is not None

    def undated_twin(self, index: int, room: float) -> int | None:
        """A sentence saying what sentence `index` says without its dateline, if it has one.

        "Moscow: A Russian diplomat on Tuesday denied …" and the same lede without "Moscow:"
        (often in the same article) are near-duplicates; the reader is better served by the
        one that opens with the news. The twin must fit in `room` words and be a sentence.
        """
        text = self.texts[index]
        dateline = find_dateline(text)
        if dateline is None:
            return None
        rest = text[dateline.end :]
        # Twins open with the same words; a prefix test per sentence is cheaper than an index.
        opening = " ".join(rest.split(None, _OPENING_WORDS)[:_OPENING_WORDS])
        mark = self.signature(index)
        twins = [
            other
            for other, other_text in enumerate(self.texts)
            if other_text.startswith(opening)
            and other != index
            and word_count(other_text) <= room
            and not is_fragment(other_text)
            and find_dateline(other_text) is None
            and is_near_duplicate(mark, self.signature(other))
        ]
        # The closest twin (the same lede verbatim beats a rewrite of it), then the earliest.
        return max(
            twins, key=lambda other: (_overlap(mark, self.signature(other)), -other), default=None
        )


def _overlap(first: frozenset[str], second: frozenset[str]) -> float:
    return len(first & second) / max(len(first | second), 1)


def is_fragment(text: str) -> bool:
    """A heading or teaser rather than a sentence: no final mark, and few words."""
    return word_count(text) < FRAGMENT_WORDS and not has_final_mark(text)


def _not_a_report(text: str) -> bool:
    """A heading, teaser, or short question or exclamation standing alone: what a summary
    quotes only when the story has nothing else."""
    return is_fragment(text) or is_aside(text)


def _fill(
    ranking: Sequence[int],
    candidates: _Candidates,
    caps: _Caps,
    *,
    fragments: bool = False,
) -> list[tuple[int, str]]:
    """(index, text) of the sentences taken in rank order within the caps, no near-duplicates.

    Each ranked sentence is taken with the sentences it leans on (`_Candidates.unit`), all of
    them or none: a unit holding a fragment or an aside (`_not_a_report`) is skipped unless
    `fragments` (an answer leaning on a question goes with it). A sentence with a dateline
    gives way to its undated twin when the story has one.
    """
    chosen: list[tuple[int, str]] = []
    taken: set[int] = set()
    marks: list[frozenset[str]] = []
    total = 0
    for ranked in ranking:
        if caps.sentences is not None and len(chosen) >= caps.sentences:
            break
        room = caps.words - total if caps.words is not None else math.inf
        index = candidates.undated_twin(ranked, room)
        unit = candidates.unit(ranked if index is None else index)
        new = [i for i in unit or () if i not in taken]
        if not new or (not fragments and any(_not_a_report(candidates.quoted(i)) for i in new)):
            continue
        signatures = [candidates.signature(i) for i in new]
        if any(is_near_duplicate(mark, other) for mark in signatures for other in marks):
            continue
        if caps.sentences is not None and len(chosen) + len(new) > caps.sentences:
            continue
        size = sum(word_count(candidates.quoted(i)) for i in new)
        if caps.words is not None and total + size > caps.words:
            if caps.truncate and len(new) == 1:
                cut = first_words(candidates.quoted(new[0]), caps.words - total)
                if cut:
                    chosen.append((new[0], cut))
                break
            continue
        chosen.extend((i, candidates.quoted(i)) for i in new)
        taken.update(new)
        marks.extend(signatures)
        total += size
        if caps.words is not None and total >= caps.words:
            break
    return chosen


def _signature(
    text: str, stemmer: Callable[[str], str], stop_words: frozenset[str]
) -> frozenset[str]:
    """A sentence's stemmed content words, blind to punctuation, quotes and case."""
    words = [w.lower().replace(".", "").replace("’", "'") for w in words_of(text)]
    content = frozenset(stemmer(w) for w in words if w not in stop_words)
    return content or frozenset(words)


def is_near_duplicate(first: frozenset[str], second: frozenset[str]) -> bool:
    """Whether two sentence signatures say the same thing (one contains most of the other)."""
    smaller = min(len(first), len(second))
    if smaller < _FEW_WORDS:
        return first == second
    return len(first & second) >= NEAR_DUPLICATE * smaller
