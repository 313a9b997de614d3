"""Summarize: a story's articles -> a short extractive summary, each sentence naming its article.

Built on sumy: its document model, stemmers, stop words and summarizer interface. Every sumy
algorithm is selectable by name in `SUMMARIZERS`; the default, "digest", is ours
(`DigestSummarizer`). Sentence splitting is offline (`SentenceTokenizer`, no NLTK data).
"""

from __future__ import annotations

from digest.summarize.document import Origin, StoryDocument, build_document
from digest.summarize.ours import DigestSummarizer
from digest.summarize.registry import (
    SUMMARIZERS,
    SummarizerFactory,
    SummarizerOptions,
    rank_sentences,
)
from digest.summarize.story import is_near_duplicate, summarize_story
from digest.text.sentences import SentenceTokenizer, split_sentences

__all__ = [
    "SUMMARIZERS",
    "DigestSummarizer",
    "Origin",
    "SentenceTokenizer",
    "StoryDocument",
    "SummarizerFactory",
    "SummarizerOptions",
    "build_document",
    "is_near_duplicate",
    "rank_sentences",
    "split_sentences",
    "summarize_story",
]
