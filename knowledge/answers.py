"""Channel-independent answers: what was found, how sure we are, and where it comes from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from knowledge.catalog import ItemInfo
from knowledge.chunking import citation_of, statute_name
from knowledge.query_understanding import QueryFilters
from knowledge.snippets import highlight_spans

CONFIDENCE_LEVELS = ("high", "low", "none")


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

    @property
    def source(self) -> str:
        """Where the snippet comes from: "VwVfG § 57", "Leitfaden …, Abschnitt „Kosten“", a title."""
        if self.kind == "document" and self.section:
            if citation_of(self.section):
                return f"{statute_name(self.title)} {self.section}"
            return f"{self.title}, Abschnitt „{self.section}“"
        if self.kind == "faq":
            return f"FAQ „{self.title}“"
        return self.title

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "score": round(self.score, 4),
            "section": self.section,
            "source": self.source,
            "snippet": self.snippet,
            "url": self.url,
        }


@dataclass(frozen=True)
class PlaceNote:
    """The place asked about has no (matching) project: what is shown instead.

    ``places``: the towns or Kreise asked about; ``kreis``: the Kreis whose projects are shown
    instead ('' when none); ``topic``: the asked topic ('' when none)."""

    places: list[str]
    kreis: str = ""
    topic: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"places": self.places, "instead_kreis": self.kreis or None, "topic": self.topic or None}


@dataclass
class Answer:
    """Hits with a confidence level: "high" (answer), "low" (maybe, with candidates), "none" (no)."""

    question: str
    answered: bool
    hits: list[SearchHit]
    filters: QueryFilters = field(default_factory=QueryFilters)
    confidence: float = 0.0
    highlight_terms: list[str] = field(default_factory=list)
    latency_ms: float = 0.0
    search_text: str = ""
    signals: dict[str, float] = field(default_factory=dict)  # inputs of the confidence rule
    level: str = ""  # "high" | "low" | "none"; derived from ``answered`` when not set
    place_note: PlaceNote | None = None  # "no project in Olfen; projects of Kreis Coesfeld instead"
    intent: str = "question"  # or "smalltalk": greetings and thanks get a friendly reply, not a search
    follow_up: bool = False  # it refined the chat's previous question ("und im Kreis Borken?")
    empty_period: str = ""  # events asked for in a period that has none ("30.11.2026–06.12.2026"): the next ones

    def __post_init__(self) -> None:
        if not self.level:
            self.level = "high" if self.answered else ("low" if self.hits else "none")
        self.answered = self.level == "high"

    @property
    def best(self) -> SearchHit | None:
        return self.hits[0] if self.hits else None

    def as_text(self) -> str:
        """A plain-text rendering for the command line: level, answer line with source, hits."""
        lines = [f"? {self.question}  [{self.level}]"]
        if self.level == "high" and self.best:
            lines.append(f"  {self.best.snippet}\n  Quelle: {self.best.source}")
        elif self.level == "low" and self.empty_period:
            lines.append(f"  (Keine passende Veranstaltung im Zeitraum {self.empty_period} – die nächsten:)")
        elif self.level == "low":
            lines.append("  (Nicht sicher – das könnte passen:)")
        else:
            lines.append("  (Dazu habe ich nichts Passendes in der Wissensbasis.)")
        for rank, hit in enumerate(self.hits, start=1):
            lines.append(f"  {rank}. [{hit.kind} {hit.id}] {hit.title}  (score {hit.score:.3f})")
            lines.extend(f"     {value}" for value in (hit.snippet, hit.url) if value)
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answered": self.answered,
            "confidence": self.level,
            "intent": self.intent,
            "answer": ({"text": self.best.snippet, "source": self.best.source}
                       if self.level == "high" and self.best else None),
            "place_note": self.place_note.to_json() if self.place_note else None,
            "empty_period": self.empty_period or None,
            "results": [hit.to_json() for hit in self.hits],
        }


# kept here so that callers import answers and their rendering helpers from one place
__all__ = ["Answer", "SearchHit", "highlight_spans", "CONFIDENCE_LEVELS"]
