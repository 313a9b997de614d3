"""One sumy document for a whole story, remembering where each sentence came from."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

from digest.model import Article
from digest.text.sentences import SentenceTokenizer, split_sentences

__all__ = ["Origin", "StoryDocument", "build_document", "paragraphs_of"]

_BLANK_LINES = re.compile(r"\n\s*\n")


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a sentence of a story document sits: its article and its place in that article."""

    article: int
    paragraph: int
    position: int


class StoryDocument(ObjectDocumentModel):  # type: ignore[misc]  # sumy is untyped
    """sumy's document model plus, for each of `sentences`, its `Origin`.

    Each article is a run of sumy paragraphs; its title, when it has one, is a heading of its
    first paragraph (Edmundson's title and location methods read headings).
    """

    def __init__(
        self,
        paragraphs: Sequence[Paragraph],
        origins: Sequence[Origin],
        article_count: int,
    ) -> None:
        super().__init__(paragraphs)
        self.origins: tuple[Origin, ...] = tuple(origins)
        self.article_count = article_count


def paragraphs_of(article: Article) -> tuple[str, ...]:
    """The article's paragraphs; a paragraph holding blank lines counts as several."""
    return tuple(
        part.strip() for p in article.paragraphs for part in _BLANK_LINES.split(p) if part.strip()
    )


def build_document(articles: Sequence[Article], tokenizer: SentenceTokenizer) -> StoryDocument:
    """A sumy document of every sentence of `articles`, in article order."""
    paragraphs: list[Paragraph] = []
    origins: list[Origin] = []
    for article_index, article in enumerate(articles):
        position = 0
        heading = article.title.strip()
        for paragraph_index, paragraph in enumerate(paragraphs_of(article)):
            sentences = [Sentence(s, tokenizer) for s in split_sentences(paragraph)]
            origins.extend(
                Origin(article_index, paragraph_index, position + k) for k in range(len(sentences))
            )
            position += len(sentences)
            if heading:
                sentences.insert(0, Sentence(heading, tokenizer, is_heading=True))
                heading = ""
            if sentences:
                paragraphs.append(Paragraph(sentences))
    return StoryDocument(paragraphs, origins, len(articles))
