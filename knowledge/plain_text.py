"""Plain text for passages and snippets: markup removed, German sentences split.

Snippets reach users as plain text, so markdown emphasis, block quotes, table pipes, links and
stray HTML are removed before text is chunked. Sentence splitting knows German abbreviations
(``Abs.``, ``Nr.``, ``z. B.``, ``i. S. d.``) and dates (``31. März``): the sentence splitters on
PyPI (pysbd, syntok) split "§ 24 Abs. 2" and "31. März" apart, which breaks legal citations.
"""

from __future__ import annotations

import re
from functools import lru_cache

ABBREVIATIONS = frozenset({
    "abs", "nr", "nrn", "art", "artt", "bzw", "vgl", "ggf", "gem", "gemäß", "sog", "inkl", "evtl", "ca", "dr",
    "prof", "usw", "etc", "max", "min", "mio", "mrd", "tel", "std", "buchst", "lit", "ziff", "s",
    "z", "b", "u", "a", "d", "h", "i", "v", "e", "o", "g", "m", "bspw", "ff", "f", "anm", "allg", "abschn",
    "kap", "aufl", "bd", "hrsg", "jh", "lfd", "sept", "okt", "nov", "dez", "jan", "feb", "aug", "str",
    "zzgl", "abzgl", "rd", "einschl", "entspr", "insb", "insbes", "ausschl", "sen", "jun", "no", "vs", "ua",
    "zb", "dh", "usf", "ebd", "zit", "gez", "az", "bgbl", "abl", "ggü", "betr", "verf",
})
MONTHS = frozenset({
    "januar", "februar", "märz", "maerz", "april", "mai", "juni", "juli", "august", "september", "oktober",
    "november", "dezember", "jahrhundert", "jahrestag", "lebensjahr", "quartal", "halbjahr",
})
_CANDIDATE = re.compile(r"[.!?…]+[)\"“”»]?\s+(?=[\"„»(§A-ZÄÖÜ0-9])")
_LAST_WORD = re.compile(r"([\wäöüÄÖÜß]+)\W*$")


def split_sentences(text: str) -> list[str]:
    """German sentences of ``text`` (whitespace normalised)."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    return list(_split_cached(text))


@lru_cache(maxsize=8192)
def _split_cached(text: str) -> tuple[str, ...]:
    sentences: list[str] = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        before = text[start : match.start() + 1]
        word_match = _LAST_WORD.search(text[: match.start()])
        word = word_match.group(1) if word_match else ""
        following = text[match.end() :].split(" ", 1)[0].strip("„\"»(")
        if text[match.start()] == "." and _is_abbreviation(word, following):
            continue
        if len(before.strip()) < 2:
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return tuple(sentences)


def _is_abbreviation(word: str, following: str) -> bool:
    lowered = word.lower()
    if lowered in ABBREVIATIONS:
        return True
    if word.isdigit():  # "31. März", "2. Halbjahr", "§ 2 Abs. 3. Satz" (ordinal numbers)
        return following.rstrip(".,;:").lower() in MONTHS
    return len(word) == 1  # initials: "A. Müller"


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def clean_markup(text: str) -> str:
    """Markdown and HTML markup removed line by line; tables become "a – b – c" lines."""
    lines = []
    for line in text.splitlines():
        if _TABLE_RULE.match(line):
            continue
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 2:
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            line = " – ".join(c for c in cells if c)
            if line and line[-1] not in ".!?:":
                line += "."  # a row is a unit of its own, not part of one long "sentence" with the next
        line = re.sub(r"^\s*>+\s?", "", line)  # block quotes
        line = re.sub(r"^(\s*)[-*+]\s+(?=\S)", r"\1• ", line)  # bullets
        line = re.sub(r"^(\s*(?:• )?)\[[ xX]?\]\s*", r"\1", line)  # check boxes
        line = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", line)  # links and images
        line = re.sub(r"</?[A-Za-z][^<>]{0,200}>", "", line)  # stray HTML tags
        line = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", line)  # bold
        line = re.sub(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])", r"\1", line)  # italics
        line = line.replace("`", "").replace("**", "")
        lines.append(line.rstrip())
    return "\n".join(lines)
