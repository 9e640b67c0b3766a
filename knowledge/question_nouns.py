"""The nouns a question asks about, and whether the knowledge base knows them."""

from __future__ import annotations

import re

from embeddings.lexical import fold
from knowledge.periods import EVENT_NOUN, MONTHS
from knowledge.query_vocabulary import EVENT_FORMAT_WORDS, asking_sentences
from knowledge.regions import land_words
from knowledge.search_index import SearchSnapshot

__all__ = ["asking_sentences", "distinctive_nouns", "lexical_coverage", "unknown_nouns"]


def lexical_coverage(words: list[str], text: str) -> float:
    """Share of the question's content words (folded, stemmed prefix) found in ``text``."""
    if not words:
        return 0.0
    haystack = fold(text)
    found = sum(1 for w in words if w[: max(4, len(w) - 2)] in haystack)
    return found / len(words)


_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+)([A-ZÄÖÜ][\wäöüß-]*)")


def capitalised(text: str, min_length: int = 2) -> set[str]:
    """Folded words written with a capital letter, except the first word of a sentence."""
    starts = {m.start(1) for m in _SENTENCE_START.finditer(text)}
    pattern = rf"(?<![\w-])[A-ZÄÖÜ][\wäöüß-]{{{min_length - 1},}}"
    words = {fold(m.group()) for m in re.finditer(pattern, text) if m.start() not in starts}
    # "Grundsteuer-Hebesatz" is a noun, and so is each of its parts
    return words | {part for word in words if "-" in word for part in word.split("-") if len(part) >= min_length}


def distinctive_nouns(snapshot: SearchSnapshot, words: list[str], text: str) -> list[str]:
    """Content words written as German nouns (capitalised) that the corpus uses, but not everywhere."""
    nouns = capitalised(text)
    lexical = snapshot.lexical
    lands = land_words(text)  # "gibts in Hessen schon Gemeinden, die das machen?": no subject
    return [w for w in words if w in nouns and w not in lands and lexical.is_known(w) and not lexical.is_common(w)]


def unknown_nouns(snapshot: SearchSnapshot, words: list[str], question: str, *, every: bool = True) -> list[str]:
    """The question's capitalised content words when the knowledge base uses none of them (``every``),
    or those it does not use, also by a compound's head ("Einfamilienhaus"; not "Radwegekooperation")."""
    nouns = capitalised(question, 5)
    lands = land_words(question)  # "Hessian" names a Land
    content_nouns = [w for w in words if w in nouns and w not in lands]
    lexical = snapshot.lexical
    unknown = [w for w in content_nouns  # "IKZ-Projekte": a hyphenated compound is known by its parts
               if not any(lexical.is_known(part) for part in (w, *w.split("-")) if len(part) >= 3)
               and not lexical.joins_known_words(w)  # "Breitbandausbau": "Breitband" + "Ausbau"
               and (every or not any(lexical.is_known(w[i:]) for i in range(3, len(w) - 4)))]
    if not every:
        return unknown
    return unknown if len(unknown) == len(content_nouns) else []  # none of the subject's nouns is known


def subject_words(words: list[str]) -> list[str]:
    """A question's words without those naming events, their format or months ("Termin",
    "Veranstaltungen", "Zoom", "Januar"): what is left says what the question is about (its period's
    words are left out by the caller)."""
    return [w for w in words if not re.fullmatch(EVENT_NOUN, w) and w not in MONTHS and w not in EVENT_FORMAT_WORDS]
