"""Query expansion with a bilingual domain glossary and German administrative abbreviations.

English questions get the German terms of the domain appended ("registry office" → "Standesamt"),
abbreviations get their long forms ("AöR" → "Anstalt öffentlichen Rechts"), so that both the
German BM25 index and the multilingual encoder see the words the knowledge base uses. The tables
are data: ``glossary.toml`` next to this module, read once at import.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from embeddings.lexical import fold

GLOSSARY_FILE = Path(__file__).with_name("glossary.toml")
_TABLES = tomllib.loads(GLOSSARY_FILE.read_text(encoding="utf-8"))

# The tables (and what each holds) are in glossary.toml next to this module; all keys are folded.
ABBREVIATIONS: dict[str, str] = _TABLES["abbreviations"]  # abbreviation → long form
COLLOQUIAL: dict[str, str] = _TABLES["colloquial"]  # colloquial/dialect German → administrative terms
ENGLISH_TERMS: dict[str, str] = _TABLES["english_terms"]  # English term or phrase → German terms

_TERM_PATTERNS = [
    (re.compile(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])"), german)
    for term, german in sorted(ENGLISH_TERMS.items(), key=lambda kv: -len(kv[0]))
]
_ENGLISH_MARKERS = {"the", "is", "are", "what", "which", "how", "who", "where", "when", "do", "does", "can", "there",
                    "of", "in", "for", "and", "with", "any", "a", "an", "to", "share", "projects", "jointly"}


def looks_english(text: str) -> bool:
    words = re.findall(r"[a-z]+", text.lower())
    if not words:
        return False
    return sum(1 for w in words if w in _ENGLISH_MARKERS) / len(words) >= 0.25


def expand_query(text: str) -> str:
    """The question plus German domain terms and long forms of abbreviations it uses."""
    additions = expansion_terms(text)
    return f"{text} ({additions})" if additions else text


def expansion_terms(text: str) -> str:
    """German domain terms and long forms of abbreviations for ``text`` ('' when there are none)."""
    folded = fold(text)
    additions: list[str] = []
    for word in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", folded):
        long_form = ABBREVIATIONS.get(word) or COLLOQUIAL.get(word)
        if long_form and fold(long_form) not in folded:
            additions.append(long_form)
    if looks_english(text):
        remaining = folded
        for pattern, german in _TERM_PATTERNS:
            if pattern.search(remaining):
                additions.append(german)
                remaining = pattern.sub(" ", remaining)
    return " ".join(dict.fromkeys(additions))
