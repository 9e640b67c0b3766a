"""Channel-independent answers: what was found, how sure we are, and where it comes from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from embeddings.lexical import fold
from knowledge.catalog import ItemInfo
from knowledge.query_understanding import QueryFilters


@dataclass
class SearchHit:
    id: str
    kind: str
    title: str
    score: float
    snippet: str
    url: str | None
    section: str
    item: ItemInfo
    dense: float = 0.0
    lexical: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "url": self.url,
        }


@dataclass
class Answer:
    question: str
    answered: bool
    hits: list[SearchHit]
    filters: QueryFilters = field(default_factory=QueryFilters)
    confidence: float = 0.0
    highlight_terms: list[str] = field(default_factory=list)
    latency_ms: float = 0.0
    search_text: str = ""
    signals: dict[str, float] = field(default_factory=dict)  # inputs of the confidence rule

    @property
    def best(self) -> SearchHit | None:
        return self.hits[0] if self.hits else None

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answered": self.answered,
            "results": [hit.to_json() for hit in self.hits],
        }


_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def make_snippet(text: str, terms: list[str], max_chars: int = 320) -> str:
    """The passage's most relevant sentences (by query-term hits), trimmed to ``max_chars``."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= max_chars:
        return text
    sentences = _SENTENCE.split(text)
    if not terms:
        return _trim(text, max_chars)
    folded_terms = [fold(t) for t in terms if len(t) >= 3]

    def hits(sentence: str) -> int:
        lowered = fold(sentence)
        return sum(1 for term in folded_terms if term in lowered)

    best_start, best_score = 0, -1
    for start in range(len(sentences)):
        window, score = "", 0
        for sentence in sentences[start:]:
            if len(window) + len(sentence) > max_chars and window:
                break
            window += (" " if window else "") + sentence
            score += hits(sentence)
        if score > best_score:
            best_start, best_score = start, score
    window = ""
    for sentence in sentences[best_start:]:
        if len(window) + len(sentence) > max_chars and window:
            break
        window += (" " if window else "") + sentence
    prefix = "… " if best_start > 0 else ""
    return prefix + _trim(window, max_chars)


def _trim(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + " …"


def highlight_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Character spans of words in ``text`` that start with one of the (folded, stemmed) terms."""
    spans: list[tuple[int, int]] = []
    stems = [fold(t) for t in terms if len(t) >= 3]
    if not stems:
        return spans
    for match in re.finditer(r"[0-9A-Za-zÄÖÜäöüß]+(?:-[0-9A-Za-zÄÖÜäöüß]+)*", text):
        word = fold(match.group())
        if any(word.startswith(stem) for stem in stems):
            spans.append(match.span())
    return spans
