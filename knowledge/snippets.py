"""The answering sentence(s) of a passage: the snippet shown with an answer.

Sentences are scored by the question's (stemmed) words they contain, weighted by how rare each word
is in the knowledge base, plus a bonus when the question asks for a kind of fact (an amount, a
deadline, a contact, a number) and the sentence states one. The best sentence is shown with a
neighbour where that fits, so the snippet answers instead of repeating the passage's opening.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from embeddings.lexical import fold
from knowledge.plain_text import clean_markup, split_sentences

MAX_SNIPPET_CHARS = 360

_AMOUNT = re.compile(r"\d[\d.,]*\s*(?:€|euro|eur\b|prozent|%|mio|millionen|tsd|tausend|cent)", re.I)
_DATE = re.compile(
    r"\b\d{1,2}\.\s*(?:\d{1,2}\.|januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember)"
    r"|\b(?:bis zum|bis spätestens|spätestens|innerhalb von|frist|stichtag|jeweils zum)\b|\b(?:19|20)\d\d\b",
    re.I,
)
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\b0\d{2,5}[ /-]?\d{2,}|\bansprech|\bkontakt|\btelefon", re.I)
_COUNT = re.compile(r"\b\d[\d.,]*\b")

FACT_CUES: dict[str, tuple[str, ...]] = {
    "amount": ("wie viel", "wieviel", "wie hoch", "kosten", "kostet", "kost ", "betrag", "hoehe", "euro", "prozent",
               "foerdersatz", "hoechstbetrag", "zuschuss", "foerderquote", "umlage", "gebuehr", "entgelt", "budget",
               "how much", "cost", "amount", "funding rate", "spart", "einsparung", "savings"),
    "date": ("frist", "bis wann", "wann ", "wann?", "deadline", "stichtag", "seit wann", "zeitraum", "dauer",
             "wie lange", "when", "how long", "termin"),
    "contact": ("kontakt", "ansprechpartner", "ansprechperson", "an wen", "wen kann", "wen muss", "zustaendig",
                "e-mail", "email", "telefon", "contact", "who do i", "whom"),
    "count": ("wie viele", "wieviele", "anzahl", "how many"),
}
FACT_PATTERNS = {"amount": _AMOUNT, "date": _DATE, "contact": _CONTACT, "count": _COUNT}
_REFERRING = ("dies", "diese", "dieser", "dieses", "das ", "sie ", "er ", "es ", "dabei", "hierfür", "hierfuer",
              "dafür", "dafuer", "damit", "außerdem", "ausserdem", "zudem", "ferner", "auch ")


_LEGAL_FORM_CUES = ("rechtsform", "organisationsform", "legal form", "wie organisiert", "als was")
_START_CUES = ("seit wann", "seit welchem", "gegruendet", "gestartet", "begonnen", "wann wurde", "wann hat",
               "since when", "founded", "started", "wie lange gibt", "wie lange schon")


def project_facts(question: str, *, legal_form: str | None, start_year: int | None, contact: str,
                  municipalities: tuple[str, ...] = ()) -> str:
    """The project's own facts that the question asks for, as a sentence ("Seit 2019. Kontakt: …")."""
    folded = f" {fold(question)} "
    facts = asked_facts(question)
    parts = []
    if start_year and any(cue in folded for cue in _START_CUES):
        parts.append(f"Seit {start_year}.")
    if legal_form and any(cue in folded for cue in _LEGAL_FORM_CUES):
        parts.append(f"Rechtsform: {legal_form}.")
    if contact and "contact" in facts:
        parts.append(f"Kontakt: {contact}.")
    if municipalities and any(cue in folded for cue in ("wer macht", "welche kommunen", "welche gemeinden",
                                                          "wer ist beteiligt", "beteiligt", "who takes part")):
        parts.append(f"Beteiligt: {', '.join(municipalities)}.")
    return " ".join(parts)


def asked_facts(question: str) -> frozenset[str]:
    """The kinds of fact a question asks for: amount, date, contact, count."""
    folded = f" {fold(question)} "
    return frozenset(kind for kind, cues in FACT_CUES.items() if any(cue in folded for cue in cues))


@dataclass(frozen=True)
class SnippetQuery:
    """What the snippet should answer: the question's stems with their weights, and asked facts."""

    weights: dict[str, float]
    facts: frozenset[str] = frozenset()


def make_snippet(text: str, query: SnippetQuery | None, tokenize: Callable[[str], list[str]] | None = None,
                 max_chars: int = MAX_SNIPPET_CHARS, *, lead: bool = False) -> str:
    """The sentence(s) of ``text`` that best answer the query, as plain text of at most ``max_chars``.
    ``lead``: the text opens with its answer (FAQ answers, project descriptions), so the first
    sentence is preferred unless another one matches the question clearly better."""
    text = re.sub(r"\s+", " ", clean_markup(text)).strip()
    sentences = split_sentences(text)
    if not sentences:
        return ""
    if query is None or tokenize is None or len(sentences) == 1:
        return _trim(" ".join(sentences), max_chars) if len(text) > max_chars else text
    scores = [_score(sentence, position, query, tokenize) for position, sentence in enumerate(sentences)]
    if lead:
        scores[0] += 0.5 * max(query.weights.values(), default=1.0)
    best = max(range(len(sentences)), key=lambda i: scores[i])
    chosen = [best]
    if fold(sentences[best]).startswith(_REFERRING) and best > 0:
        chosen.insert(0, best - 1)  # "Dies gilt …" needs the sentence it refers to
    if sentences[best].rstrip().endswith(":") and best + 1 < len(sentences):
        chosen.append(best + 1)  # "… (vereinfachte Darstellung):" introduces what follows
    # extend with neighbours while they fit: following sentences that also score, else context
    for neighbour in (best + 1, best - 1, best + 2):
        if 0 <= neighbour < len(sentences) and neighbour not in chosen:
            length = sum(len(sentences[i]) + 1 for i in chosen) + len(sentences[neighbour])
            if length <= max_chars and (scores[neighbour] > 0 or length <= max_chars // 2):
                chosen.append(neighbour)
    chosen.sort()
    snippet = " ".join(sentences[i] for i in chosen)
    prefix = "… " if chosen[0] > 0 else ""
    return prefix + _trim(snippet, max_chars)


def _score(sentence: str, position: int, query: SnippetQuery, tokenize: Callable[[str], list[str]]) -> float:
    tokens = set(tokenize(sentence))
    score = sum(weight for stem, weight in query.weights.items() if stem in tokens)
    top_weight = max(query.weights.values(), default=1.0)
    for kind in query.facts:
        if FACT_PATTERNS[kind].search(sentence):
            score += top_weight
    return score - 0.01 * position


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
