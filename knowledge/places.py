"""Register of the NRW municipalities and Kreise: loading, exact and typo-tolerant look-ups, distances."""

from __future__ import annotations

import csv
import math
import re
import tomllib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from rapidfuzz import process
from rapidfuzz.distance import OSA

from embeddings.lexical import fold
from knowledge.place_matching import (
    _KREIS_WORDS,
    _TOKEN,
    PlaceMatcher,
    _fold_plain as _fold_plain,  # re-exported for data/places/build_common_words.py
    _key,
    _max_edits,
    _plain_key,
    _Target,
)

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "places"
MUNICIPALITIES_FILE = "nrw_municipalities.csv"
KREISE_FILE = "nrw_kreise.csv"
KINDS = ("Stadt", "Gemeinde", "kreisfreie Stadt")

# Words that are never read as a typo of a place name besides those in common_words.txt (IKZ vocabulary).
_IKZ_WORDS = frozenset(fold(w) for w in """
    kreis kreise kreisen stadt städte gemeinde gemeinden kommune kommunen vergabe abfall bauhof
    standesamt kooperation zweckverband vereinbarung satzung verwaltung personal projekt projekte
    gemeinsam gemeinsame gemeinsamen nachbar nachbarn halten hallen lager lagen hilfe vielen offen
    """.split())
COMMON_WORDS_FILE = "common_words.txt"

# Extra spellings (folded key → official name) of municipalities besides the automatic ones (see
# _build_aliases) and of Kreise besides "Kreis <name>" and the official name: data in
# place_spellings.toml next to this module, read once at import.
SPELLINGS_FILE = Path(__file__).with_name("place_spellings.toml")
_SPELLINGS = tomllib.loads(SPELLINGS_FILE.read_text(encoding="utf-8"))
_EXTRA_ALIASES: Mapping[str, str] = MappingProxyType(_SPELLINGS["municipalities"])
_KREIS_ALIASES: Mapping[str, str] = MappingProxyType(_SPELLINGS["kreise"])


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


_QUALIFIER = re.compile(r"\s*\(.*?\)|/.*$| an der .*$| am .*$")  # "Homberg (Efze)", "Neustadt an der Weinstraße"


def short_place_names(names: list[str]) -> dict[str, str]:
    """Folded short names ("homberg") of the place names with a qualifier ("Homberg (Efze)"), where the
    short name points at one of ``names`` only: users write "Homberg" or "Gersfeld"."""
    places: dict[str, set[str]] = defaultdict(set)
    for name in names:
        short = _QUALIFIER.sub("", name).strip()
        if short != name and len(short) >= 4:
            places[fold(short)].add(name)
    return {short: next(iter(found)) for short, found in places.items() if len(found) == 1}


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


class MunicipalRegister:
    """The NRW municipalities and Kreise, with exact, fuzzy and in-text look-up.

    The register is read from ``data/places/nrw_municipalities.csv`` and ``data/places/nrw_kreise.csv``
    (see ``data/places/README.md`` for where the facts come from). It answers exact and typo-tolerant
    look-ups ("Havixbek" → Havixbeck, "Kreis Borkn" → Kreis Borken), finds the places mentioned in a
    question (:meth:`find_in_text`, runs on every question, well under 2 ms; see
    :class:`knowledge.place_matching.PlaceMatcher`) and measures distances between municipality centres.
    """

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
        self._matcher = PlaceMatcher(self._aliases, self._kreis_keys, self._kreis_names, self._common)

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
            short = _QUALIFIER.sub("", m.name).strip()
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
        return [
            PlaceMention(text[start:end], start, end, target.municipality, target.kreis)
            for start, end, target in self._matcher.find(text)
        ]


@lru_cache(maxsize=1)
def default_register() -> MunicipalRegister:
    """The bundled register, loaded once."""
    return MunicipalRegister.load()
