"""Typo-tolerant matching of NRW place names in free text (the machinery behind find_in_text)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA

from embeddings.lexical import fold

if TYPE_CHECKING:
    from knowledge.places import Municipality

_PLAIN = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e", "è": "e"})
# A word: letters only (digits and punctuation separate words). Apostrophes are not joined.
_TOKEN = re.compile(r"[A-Za-zÄÖÜäöüßéè]+")
# What may stand between the words of one multi-word name: spaces, hyphen, slash, brackets, dots.
_NAME_GAP = re.compile(r"[\s\-/().]*")
_SENTENCE_END = re.compile(r"[.!?:;\n]\s*$")

# Cue words before a place name (folded).
_TRIGGERS = frozenset({"in", "im", "aus", "bei", "fuer", "nach", "zwischen", "stadt", "gemeinde", "kommune"})
# Stricter cues for names that are also nouns ("Essen", "Lage", "Wetter").
_NOUN_TRIGGERS = frozenset({"in", "aus", "bei", "zwischen", "stadt", "gemeinde", "kommune"})
# Before these a capitalised verb is a noun ("beim Senden", "das Wenden"), not a place.
_ARTICLES = frozenset({
    "der", "die", "das", "dem", "den", "des", "ein", "eine", "einem", "einen", "eines", "kein", "keine",
    "zum", "zur", "beim", "vom", "am", "ans", "ins", "im", "ihr", "ihre", "unser", "unsere", "sein", "seine",
    "dieses", "diesem", "jedes", "jedem", "ohne", "durch", "zu",
})
_LIST_WORDS = frozenset({"und", "oder", "sowie", "bzw", "mit", "bis"})
_KREIS_WORDS = frozenset({"kreis", "kreises", "landkreis", "landkreises", "kreisgebiet", "district", "county"})

# Place names (folded) that are also German nouns: need a cue (see _NOUN_TRIGGERS), never just a capital.
_NOUN_NAMES = frozenset({
    "wetter", "lage", "horn", "essen", "alpen", "halle", "heiden", "schlangen", "recke", "datteln",
    "lippe", "loehne", "lohne",
})
# Place names (folded) that are also other German words (verbs, adjectives, first names, surnames): need a
# cue or a capital letter in mid-sentence.
_WORD_NAMES = frozenset({
    "senden", "kamen", "enger", "wenden", "hamm", "much", "lotte", "hagen", "siegen", "werther", "buende",
    "bunde",
})


@dataclass(frozen=True)
class _Target:
    """What an alias stands for."""

    municipality: Municipality | None
    kreis: str


@dataclass(frozen=True)
class _Token:
    folded: str
    plain: str
    start: int
    end: int
    raw: str


@dataclass
class _Candidate:
    start_token: int
    end_token: int  # exclusive
    target: _Target
    cue_kind: str  # "none" | "noun" | "word": what evidence the name needs



def _fold_plain(text: str) -> str:
    """Lower case with umlauts dropped to their base letter (ä→a, ß→ss)."""
    return text.lower().translate(_PLAIN)


def _key(text: str) -> str:
    """Folded words of a name joined by single spaces: "Schloß Holte-Stukenbrock" → "schloss holte stukenbrock"."""
    return " ".join(fold(t) for t in _TOKEN.findall(text))


def _plain_key(text: str) -> str:
    return " ".join(_fold_plain(t) for t in _TOKEN.findall(text))


def _max_edits(length: int) -> int:
    """Edits tolerated for a word of this many letters (length-dependent cut-off)."""
    if length >= 8:
        return 2
    if length >= 5:
        return 1
    return 0


class PlaceMatcher:
    """Finds the places named in a text, for :meth:`knowledge.places.MunicipalRegister.find_in_text`.

    Matching works on folded words (lower case, ä→ae, ß→ss, and a second form ä→a so that "Dulmen"
    finds Dülmen), longest name first ("Bad Münstereifel" is not Münster). "Kreis X", "im Kreis X",
    "des Kreises X", "district of X" and the Kreis names themselves ("Hochsauerland", "im Märkischen
    Kreis") name a Kreis; a municipality mention carries its Kreis too.

    Names that are ordinary German words too ("Wetter", "Senden", "Lage", "Essen", …) only count with a
    cue: a preceding "in/im/aus/bei/für/nach/zwischen" (nouns: only "in/aus/bei/zwischen"),
    "Stadt"/"Gemeinde" before them, a list with another place ("Nottuln und Senden"), or — for words
    that are not nouns — a capital letter in mid-sentence after no article ("beim Senden" is no place).
    They are never matched inside a compound ("Sporthalle", "Schulessen", "Essen-Lieferung").

    Typos are matched with rapidfuzz (optimal string alignment distance, so a swap of two letters counts
    once), with a length-dependent cut-off: one edit for 5–7 letters, two from 8 letters on, the first
    letter right; after a Kreis word one edit from 4 letters on ("Kreis Lipe"). A word listed in
    ``data/places/common_words.txt`` (ordinary German and English words within that distance of a place
    name: "deren" ~ Düren, "Muster" ~ Münster) is never read as a typo; in a two-word name only one word
    may be misspelt.
    """

    def __init__(
        self,
        aliases: dict[str, _Target],
        kreis_keys: dict[str, str],
        kreis_names: dict[str, str],
        common: frozenset[str],
    ) -> None:
        """Derive the matching tables from the register's alias tables and its never-a-typo words."""
        self._aliases = aliases  # folded words → target (municipalities and Kreise)
        self._kreis_keys = kreis_keys  # word(s) after "Kreis" → Kreis name
        self._kreis_names = kreis_names  # folded full names and spellings of Kreise (and kreisfreie Städte)
        self._common = common
        self._max_words = max(len(k.split()) for k in self._aliases)
        # Fuzzy look-up buckets: (number of words, first letter) → alias keys (ambiguous names left out).
        self._fuzzy: dict[tuple[int, str], list[str]] = defaultdict(list)
        for alias, target in self._aliases.items():
            if alias in _NOUN_NAMES or alias in _WORD_NAMES or len(alias.replace(" ", "")) < 5:
                continue
            self._fuzzy[(len(alias.split()), alias[0])].append(alias)
        self._kreis_key_list = sorted(self._kreis_keys)
        self._starts_multi = {a.split()[0] for a in self._aliases if " " in a}
        # Words of two-word names by position: a two-word typo keeps one of them right.
        self._first_words = {a.split()[0] for a in self._aliases if len(a.split()) == 2}
        self._second_words = {a.split()[1] for a in self._aliases if len(a.split()) == 2}

    def find(self, text: str) -> list[tuple[int, int, _Target]]:
        """(start, end, target) of the places mentioned in ``text``, in order of appearance."""
        tokens = [
            _Token(fold(m.group()), _fold_plain(m.group()), m.start(), m.end(), m.group())
            for m in _TOKEN.finditer(text)
        ]
        candidates: list[_Candidate] = []
        i = 0
        while i < len(tokens):
            cand = self._match_at(text, tokens, i)
            if cand is None:
                i += 1
                continue
            candidates.append(cand)
            i = cand.end_token
        accepted = self._accept(text, tokens, candidates)
        spans: list[tuple[int, int, _Target]] = []
        for cand in accepted:
            start, end = tokens[cand.start_token].start, tokens[cand.end_token - 1].end
            if cand.end_token - cand.start_token > 1 and text[end:end + 1] in (")", ".") and "(" in text[start:end]:
                end += 1  # "Wetter (Ruhr)", "Halle (Westf.)"
                if text[end - 1] == "." and text[end:end + 1] == ")":
                    end += 1
            spans.append((start, end, cand.target))
        return spans

    def _joined(self, text: str, tokens: list[_Token], i: int, n: int) -> bool:
        """Whether tokens i..i+n-1 stand together as one name (only spaces, hyphens, brackets between)."""
        for j in range(i, i + n - 1):
            if not _NAME_GAP.fullmatch(text[tokens[j].end:tokens[j + 1].start]):
                return False
        return True

    def _in_compound(self, text: str, tokens: list[_Token], i: int, j: int) -> bool:
        """Whether tokens i..j-1 are glued by a hyphen to a word before or after ("Schul-Essen")."""
        before = text[tokens[i - 1].end:tokens[i].start] if i > 0 else " "
        after = text[tokens[j - 1].end:tokens[j].start] if j < len(tokens) else " "
        return before == "-" or after == "-"

    def _match_at(self, text: str, tokens: list[_Token], i: int) -> _Candidate | None:
        tok = tokens[i]
        # "Kreis X" / "im Kreis X" / "district of X": the Kreis named by the next word(s), typos allowed.
        if tok.folded in _KREIS_WORDS and i + 1 < len(tokens):
            cand = self._kreis_at(text, tokens, i)
            if cand is not None:
                return cand
        # Exact names, longest first.
        longest = min(self._max_words, len(tokens) - i)
        if tok.folded not in self._starts_multi and tok.plain not in self._starts_multi:
            longest = 1
        for n in range(longest, 0, -1):
            if n > 1 and not self._joined(text, tokens, i, n):
                continue
            words = tokens[i:i + n]
            for key in (" ".join(t.folded for t in words), " ".join(t.plain for t in words)):
                target = self._aliases.get(key)
                if target is None:
                    continue
                if n == 1 and self._in_compound(text, tokens, i, i + 1) and (key in _NOUN_NAMES or key in _WORD_NAMES):
                    return None
                cue = "noun" if key in _NOUN_NAMES else "word" if key in _WORD_NAMES else "none"
                return _Candidate(i, i + n, target, cue)
        # Demonym / adjective: "Havixbecker Rathaus", "Dortmunder Modell".
        if tok.folded.endswith("er") and tok.raw[0].isupper():
            target = self._aliases.get(tok.folded[:-2])
            if (target is not None and target.municipality is not None and len(tok.folded) >= 7
                    and tok.folded[:-2] not in _NOUN_NAMES and tok.folded[:-2] not in _WORD_NAMES):
                return _Candidate(i, i + 1, target, "none")
        # Typos: one- and two-word names.
        for n in (2, 1):
            if i + n > len(tokens) or (n > 1 and not self._joined(text, tokens, i, n)):
                continue
            words = tokens[i:i + n]
            if any(t.folded in _KREIS_WORDS for t in words) or (n == 1 and tok.folded in self._common):
                continue
            if n == 2 and words[0].folded not in self._first_words and words[1].folded not in self._second_words:
                continue
            key = " ".join(t.folded for t in words)
            limit = _max_edits(sum(len(t.raw) for t in words))  # umlauts count as one letter
            if limit == 0 or (n == 1 and len(tok.folded) < 5):
                continue
            bucket = self._fuzzy.get((n, key[0]))
            if not bucket:
                continue
            hit = process.extractOne(key, bucket, scorer=OSA.distance, score_cutoff=limit)
            if hit is None:
                continue
            alias = hit[0]
            if abs(len(alias) - len(key)) > limit or self._in_compound(text, tokens, i, i + n):
                continue
            if n > 1:
                # A typo in one word of a multi-word name: the other words must be spelt right.
                wrong = [t.folded for t, a in zip(words, alias.split()) if t.folded != a]
                if len(wrong) != 1 or wrong[0] in self._common:
                    continue
            return _Candidate(i, i + n, self._aliases[alias], "none")
        return None

    def _kreis_at(self, text: str, tokens: list[_Token], i: int) -> _Candidate | None:
        """The Kreis named after the Kreis word at ``i`` ("Kreis Borkn", "district of Coesfeld")."""
        first = i + 1
        if tokens[first].folded == "of" and first + 1 < len(tokens) and tokens[i].folded in ("district", "county"):
            first += 1
            if text[tokens[i].end:tokens[first].start].strip().lower() != "of":
                return None
        elif not self._joined(text, tokens, i, 2):
            return None
        for n in (3, 2, 1):
            if first + n > len(tokens) or not self._joined(text, tokens, first, n):
                continue
            words = tokens[first:first + n]
            for key in (" ".join(t.folded for t in words), " ".join(t.plain for t in words)):
                kreis = self._kreis_keys.get(key) or self._kreis_names.get(key)
                if kreis is not None:
                    return _Candidate(i, first + n, _Target(None, kreis), "none")
        nxt = tokens[first]
        if len(nxt.folded) >= 4 and nxt.folded not in self._common:
            limit = max(1, _max_edits(len(nxt.raw)))
            hit = process.extractOne(nxt.folded, self._kreis_key_list, scorer=OSA.distance, score_cutoff=limit)
            if hit is not None:
                return _Candidate(i, first + 1, _Target(None, self._kreis_keys[hit[0]]), "none")
        return None

    def _accept(self, text: str, tokens: list[_Token], candidates: list[_Candidate]) -> list[_Candidate]:
        """Keep unambiguous names; keep ambiguous ones that have a cue (preposition, capital, list)."""
        accepted = {id(c): c.cue_kind == "none" for c in candidates}
        for c in candidates:
            if accepted[id(c)]:
                continue
            prev = tokens[c.start_token - 1].folded if c.start_token > 0 else ""
            triggers = _NOUN_TRIGGERS if c.cue_kind == "noun" else _TRIGGERS
            if prev in triggers and _NAME_GAP.fullmatch(text[tokens[c.start_token - 1].end:tokens[c.start_token].start]):
                accepted[id(c)] = True
            elif (c.cue_kind == "word" and tokens[c.start_token].raw[0].isupper() and prev not in _ARTICLES
                    and not self._sentence_start(text, tokens, c.start_token)):
                accepted[id(c)] = True
        # Lists: "Nottuln und Senden", "Senden, Lüdinghausen" — repeat until nothing changes.
        changed = True
        while changed:
            changed = False
            for idx, c in enumerate(candidates):
                if accepted[id(c)]:
                    continue
                for other in (candidates[idx - 1] if idx > 0 else None, candidates[idx + 1] if idx + 1 < len(candidates) else None):
                    if other is None or not accepted[id(other)]:
                        continue
                    lo, hi = (other, c) if other.start_token < c.start_token else (c, other)
                    between = text[tokens[lo.end_token - 1].end:tokens[hi.start_token].start]
                    words = {fold(w) for w in _TOKEN.findall(between)}
                    if words <= _LIST_WORDS and (words or re.fullmatch(r"\s*[,/&–—+]\s*", between)):
                        accepted[id(c)] = True
                        changed = True
                        break
        return [c for c in candidates if accepted[id(c)]]

    @staticmethod
    def _sentence_start(text: str, tokens: list[_Token], i: int) -> bool:
        before = text[:tokens[i].start]
        return not before.strip() or bool(_SENTENCE_END.search(before)) or before.rstrip()[-1:] in "\"'„«»(-–"
