"""Register of the 396 municipalities of North Rhine-Westphalia and a typo-tolerant place matcher.

The register is read from ``data/places/nrw_municipalities.csv`` and ``data/places/nrw_kreise.csv``
(see ``data/places/README.md`` for where the facts come from). :class:`MunicipalRegister` answers
exact and typo-tolerant look-ups ("Havixbek" → Havixbeck, "Kreis Borkn" → Kreis Borken), finds the
places mentioned in a question (:meth:`MunicipalRegister.find_in_text`, runs on every question, well
under 2 ms) and measures distances between municipality centres.

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

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from rapidfuzz import process
from rapidfuzz.distance import OSA

from embeddings.lexical import fold

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "places"
MUNICIPALITIES_FILE = "nrw_municipalities.csv"
KREISE_FILE = "nrw_kreise.csv"
KINDS = ("Stadt", "Gemeinde", "kreisfreie Stadt")

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

# Words that are never read as a typo of a place name besides those in common_words.txt (IKZ vocabulary).
_IKZ_WORDS = frozenset(fold(w) for w in """
    kreis kreise kreisen stadt städte gemeinde gemeinden kommune kommunen vergabe abfall bauhof
    standesamt kooperation zweckverband vereinbarung satzung verwaltung personal projekt projekte
    gemeinsam gemeinsame gemeinsamen nachbar nachbarn halten hallen lager lagen hilfe vielen offen
    """.split())
COMMON_WORDS_FILE = "common_words.txt"

# Extra spellings (folded key → official name) besides the automatic ones (see _build_aliases).
_EXTRA_ALIASES: Mapping[str, str] = MappingProxyType({
    "koln": "Köln", "cologne": "Köln", "koeln": "Köln",
    "mulheim": "Mülheim an der Ruhr", "muelheim ruhr": "Mülheim an der Ruhr",
    "muelheim a d ruhr": "Mülheim an der Ruhr", "muelheim an der ruhr": "Mülheim an der Ruhr",
    "emmerich": "Emmerich am Rhein", "monheim": "Monheim am Rhein", "haltern": "Haltern am See",
    "castrop": "Castrop-Rauxel", "rheda": "Rheda-Wiedenbrück", "wiedenbrueck": "Rheda-Wiedenbrück",
    "herzebrock": "Herzebrock-Clarholz", "clarholz": "Herzebrock-Clarholz",
    "schloss holte": "Schloß Holte-Stukenbrock", "stukenbrock": "Schloß Holte-Stukenbrock",
    "horn": "Horn-Bad Meinberg", "bad meinberg": "Horn-Bad Meinberg",
    "schieder": "Schieder-Schwalenberg", "erkenschwick": "Oer-Erkenschwick",
    "uebach": "Übach-Palenberg", "nachrodt": "Nachrodt-Wiblingwerde", "lintfort": "Kamp-Lintfort",
    "st augustin": "Sankt Augustin", "pr oldendorf": "Preußisch Oldendorf",
    "oldendorf": "Preußisch Oldendorf", "koelle": "Köln", "oche": "Aachen",
    "wuennenberg": "Bad Wünnenberg", "berleburg": "Bad Berleburg", "laasphe": "Bad Laasphe",
    "driburg": "Bad Driburg", "lippspringe": "Bad Lippspringe", "salzuflen": "Bad Salzuflen",
    "sassendorf": "Bad Sassendorf", "oeynhausen": "Bad Oeynhausen", "honnef": "Bad Honnef",
    "muenstereifel": "Bad Münstereifel", "neunkirchen seelscheid": "Neunkirchen-Seelscheid",
    # frequent misspellings that are in the word lists themselves (so never read as typos)
    "muehlheim": "Mülheim an der Ruhr", "muehlheim an der ruhr": "Mülheim an der Ruhr",
    "bielefeldt": "Bielefeld", "bielfeld": "Bielefeld", "luedenscheidt": "Lüdenscheid",
    "moenchen gladbach": "Mönchengladbach", "gelsenkirchn": "Gelsenkirchen", "recklinghaussen": "Recklinghausen",
})

# Kreis spellings (folded) besides "Kreis <name>" and the official name.
_KREIS_ALIASES: Mapping[str, str] = MappingProxyType({
    "hochsauerland": "Hochsauerlandkreis", "hochsauerlandkreises": "Hochsauerlandkreis",
    "maerkischer kreis": "Märkischer Kreis", "maerkischen kreis": "Märkischer Kreis",
    "maerkischen kreises": "Märkischer Kreis",
    "oberbergischer kreis": "Oberbergischer Kreis", "oberbergischen kreis": "Oberbergischer Kreis",
    "oberbergischen kreises": "Oberbergischer Kreis", "oberberg": "Oberbergischer Kreis",
    "rheinisch bergischer kreis": "Rheinisch-Bergischer Kreis",
    "rheinisch bergischen kreis": "Rheinisch-Bergischer Kreis",
    "rheinisch bergischen kreises": "Rheinisch-Bergischer Kreis",
    "rhein sieg kreis": "Rhein-Sieg-Kreis", "rhein sieg kreises": "Rhein-Sieg-Kreis", "rhein sieg": "Rhein-Sieg-Kreis",
    "rhein erft kreis": "Rhein-Erft-Kreis", "rhein erft kreises": "Rhein-Erft-Kreis", "rhein erft": "Rhein-Erft-Kreis",
    "rhein kreis neuss": "Rhein-Kreis Neuss", "rhein kreises neuss": "Rhein-Kreis Neuss",
    "ennepe ruhr kreis": "Ennepe-Ruhr-Kreis", "ennepe ruhr kreises": "Ennepe-Ruhr-Kreis",
    "ennepe ruhr": "Ennepe-Ruhr-Kreis",
    "staedteregion aachen": "Städteregion Aachen", "staedteregion": "Städteregion Aachen",
    "minden luebbecke": "Kreis Minden-Lübbecke", "siegen wittgenstein": "Kreis Siegen-Wittgenstein",
    "lippe": "Kreis Lippe",
})


@dataclass(frozen=True)
class Municipality:
    """One NRW municipality as listed in the official register (coordinates approximate)."""

    ags: str
    name: str
    kind: str  # "Stadt" | "Gemeinde" | "kreisfreie Stadt"
    kreis: str
    lat: float
    lon: float


@dataclass(frozen=True)
class PlaceMention:
    """A place named in a text: a municipality (with its Kreis) or a Kreis alone."""

    text: str
    start: int
    end: int
    municipality: Municipality | None
    kreis: str | None


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


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


class MunicipalRegister:
    """The NRW municipalities and Kreise, with exact, fuzzy and in-text look-up."""

    def __init__(
        self,
        municipalities: list[Municipality],
        kreise: list[tuple[str, str, str]],
        common_words: frozenset[str] = frozenset(),
    ) -> None:
        """Build the look-up tables.

        ``kreise`` holds (key, name, seat) rows of the 31 Kreise; ``common_words`` are folded ordinary
        words that lie within typo distance of a place name and must not be read as typos of it.
        """
        self._common = common_words | _IKZ_WORDS
        self._municipalities = sorted(municipalities, key=lambda m: m.ags)
        self._kreise = [name for _key_, name, _seat in sorted(kreise)]
        self._aliases: dict[str, _Target] = {}  # folded words → target (municipalities and Kreise)
        self._kreis_keys: dict[str, str] = {}  # word(s) after "Kreis" → Kreis name
        self._kreis_names: dict[str, str] = {}  # folded full names and spellings of Kreise (and kreisfreie Städte)
        self._by_kreis: dict[str, list[Municipality]] = defaultdict(list)
        for m in self._municipalities:
            self._by_kreis[m.kreis].append(m)
        self._build_aliases(kreise)
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

    # ----------------------------------------------------------------- loading

    @classmethod
    def load(cls, path: Path | None = None) -> MunicipalRegister:
        """Read the register: ``path`` is the folder with both CSVs or the municipalities CSV (default: bundled)."""
        folder = path if path is not None else DEFAULT_DIR
        if folder.is_file():
            muni_file, folder = folder, folder.parent
        else:
            muni_file = folder / MUNICIPALITIES_FILE
        municipalities: list[Municipality] = []
        with muni_file.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter=";"):
                if row["kind"] not in KINDS:
                    raise ValueError(f"{muni_file}: unknown kind {row['kind']!r} for {row['name']}")
                municipalities.append(Municipality(
                    ags=row["ags"], name=row["name"], kind=row["kind"], kreis=row["kreis"],
                    lat=float(row["lat"]), lon=float(row["lon"]),
                ))
        with (folder / KREISE_FILE).open(encoding="utf-8", newline="") as fh:
            kreise = [(r["key"], r["name"], r["seat"]) for r in csv.DictReader(fh, delimiter=";")]
        common_file = folder / COMMON_WORDS_FILE
        common: frozenset[str] = frozenset()
        if common_file.exists():
            common = frozenset(w.strip() for w in common_file.read_text(encoding="utf-8").split() if w.strip())
        return cls(municipalities, kreise, common)

    def _build_aliases(self, kreise: list[tuple[str, str, str]]) -> None:
        by_name = {m.name: m for m in self._municipalities}
        # A municipality's own name wins; other spellings are added only where they point at one place.
        secondary: dict[str, set[Municipality]] = defaultdict(set)
        for m in self._municipalities:
            for k in (_key(m.name), _plain_key(m.name)):
                self._aliases[k] = _Target(m, m.kreis)
            short = re.sub(r"\s*\(.*?\)|/.*$| an der .*$| am .*$", "", m.name).strip()
            for k in (_key(short), _plain_key(short)):
                secondary[k].add(m)
        for alias, name in _EXTRA_ALIASES.items():
            if name in by_name:  # a register loaded from another folder may lack the place
                secondary[alias].add(by_name[name])
                secondary[_plain_key(alias)].add(by_name[name])
        for k, ms in secondary.items():
            if len(ms) == 1 and k not in self._aliases:
                m = next(iter(ms))
                self._aliases[k] = _Target(m, m.kreis)
        # Kreise: "Kreis Borken" → key "borken"; official names; extra spellings.
        for _k, name, seat in kreise:
            stripped = re.sub(r"^Kreis ", "", name)
            for k in {_key(stripped), _plain_key(stripped), _key(seat), _plain_key(seat)}:
                self._kreis_keys.setdefault(k, name)
            for k in {_key(name), _plain_key(name)}:
                self._kreis_names[k] = name
                if k.split()[0] not in _KREIS_WORDS:  # "Kreis Borken" is handled through "Kreis" + key
                    self._aliases[k] = _Target(None, name)
        known = {name for _k, name, _seat in kreise}
        for alias, name in _KREIS_ALIASES.items():
            if name not in known:
                continue
            self._kreis_names[alias] = name
            self._kreis_names[_plain_key(alias)] = name
            self._aliases[alias] = _Target(None, name)
            self._aliases[_plain_key(alias)] = _Target(None, name)
        for m in self._municipalities:
            if m.kind == "kreisfreie Stadt" and m.kreis == m.name:
                self._kreis_names.setdefault(_key(m.name), m.name)
                self._kreis_names.setdefault(_plain_key(m.name), m.name)

    # ----------------------------------------------------------------- look-ups

    def municipalities(self) -> list[Municipality]:
        """All 396 municipalities, ordered by AGS."""
        return list(self._municipalities)

    def kreise(self) -> list[str]:
        """The 31 Kreise (incl. Städteregion Aachen), ordered by key."""
        return list(self._kreise)

    def get(self, name: str) -> Municipality | None:
        """The municipality of exactly this name after folding ("Duelmen", "dülmen", "Halle" → Halle (Westf.))."""
        target = self._aliases.get(_key(name))
        return target.municipality if target else None

    def resolve(self, name: str) -> Municipality | None:
        """Typo-tolerant :meth:`get`: "Havixbek" → Havixbeck, "Rosendal" → Rosendahl; None when unsure."""
        exact = self.get(name)
        if exact is not None:
            return exact
        key = _key(name)
        if not key:
            return None
        letters = sum(len(w) for w in _TOKEN.findall(name))  # umlauts count as one letter
        limit = _max_edits(letters) or (1 if letters == 4 else 0)
        if limit == 0:
            return None
        choices = [a for a, t in self._aliases.items() if t.municipality is not None and len(a.split()) == len(key.split())]
        hit = process.extractOne(key, choices, scorer=OSA.distance, score_cutoff=limit)
        return self._aliases[hit[0]].municipality if hit else None

    def resolve_kreis(self, name: str) -> str | None:
        """The Kreis meant by ``name``: "Borkn", "Kreis Borkn", "Lipe" → "Kreis Lippe", "Hochsauerland" → "Hochsauerlandkreis".

        A kreisfreie Stadt is its own Kreis ("Münster" → "Münster"), as in :attr:`Municipality.kreis`.
        """
        key = _key(name)
        words = key.split()
        if len(words) > 2 and words[0] in ("district", "county") and words[1] == "of":
            words = words[:1] + words[2:]
        if words and words[0] in _KREIS_WORDS and len(words) > 1:
            rest = " ".join(words[1:])
            if rest in self._kreis_keys:
                return self._kreis_keys[rest]
            if rest in self._kreis_names:
                return self._kreis_names[rest]
            key = rest
        if key in self._kreis_names:
            return self._kreis_names[key]
        if key in self._kreis_keys:
            return self._kreis_keys[key]
        letters = sum(len(w) for w in _TOKEN.findall(name))  # umlauts count as one letter
        limit = _max_edits(letters) or (1 if letters == 4 else 0)
        if limit == 0:
            return None
        choices = list(self._kreis_keys) + list(self._kreis_names)
        hit = process.extractOne(key, choices, scorer=OSA.distance, score_cutoff=limit)
        if hit is None:
            return None
        return self._kreis_keys.get(hit[0]) or self._kreis_names[hit[0]]

    def in_kreis(self, kreis: str) -> list[Municipality]:
        """Municipalities of a Kreis (any spelling :meth:`resolve_kreis` understands); a kreisfreie Stadt alone."""
        name = kreis if kreis in self._by_kreis else self.resolve_kreis(kreis)
        return list(self._by_kreis.get(name, [])) if name else []

    def neighbours(self, name: str, k: int = 6) -> list[Municipality]:
        """The ``k`` municipalities whose centres lie nearest to that of ``name`` (typo tolerant)."""
        origin = self.resolve(name)
        if origin is None:
            return []
        others = [m for m in self._municipalities if m.ags != origin.ags]
        others.sort(key=lambda m: _haversine_km(origin.lat, origin.lon, m.lat, m.lon))
        return others[:k]

    def distance_km(self, a: str, b: str) -> float | None:
        """Distance between the centres of two municipalities in km (approximate), None if one is unknown."""
        ma, mb = self.resolve(a), self.resolve(b)
        if ma is None or mb is None:
            return None
        return _haversine_km(ma.lat, ma.lon, mb.lat, mb.lon)

    # ----------------------------------------------------------------- text

    def find_in_text(self, text: str) -> list[PlaceMention]:
        """Places mentioned in ``text`` (typos and lower case allowed), in order of appearance."""
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
        mentions: list[PlaceMention] = []
        for cand in accepted:
            start, end = tokens[cand.start_token].start, tokens[cand.end_token - 1].end
            if cand.end_token - cand.start_token > 1 and text[end:end + 1] in (")", ".") and "(" in text[start:end]:
                end += 1  # "Wetter (Ruhr)", "Halle (Westf.)"
                if text[end - 1] == "." and text[end:end + 1] == ")":
                    end += 1
            mentions.append(PlaceMention(text[start:end], start, end, cand.target.municipality, cand.target.kreis))
        return mentions

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


@lru_cache(maxsize=1)
def default_register() -> MunicipalRegister:
    """The bundled register, loaded once."""
    return MunicipalRegister.load()
