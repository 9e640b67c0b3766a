"""Recognise Kreise, towns, topics and legal forms of the knowledge base in a question."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from embeddings.lexical import GermanAnalyzer, fold
from knowledge.catalog import ItemInfo
from knowledge.periods import Period, period_in
from knowledge.places import MunicipalRegister, short_place_names
from knowledge.query_vocabulary import (
    ALTERNATIVE_FORMS, AMBIGUOUS_TOWNS, ASKED_BEFORE, COMPOUND_LEGAL_SUFFIXES, EVENT_FORMAT_WORDS, GENERIC_TOPIC_WORDS, KIND_WORDS,
    KREIS_MARKERS, LEGAL_FORMS, LOOSE_TOPIC, OWN_SITUATION, PLURAL_FORMS, PREPOSITIONS,
    PROJECT_LIST_PHRASES, PROJECT_LIST_WORDS, QUERY_NOISE, STEP_BY_STEP, _same_word_family, _year_range,
    asking_sentences, asks_about_events, registers_own_project,
)
from knowledge.query_vocabulary import _kreis_variants as _kreis_variants  # re-exported: callers import it from here
from knowledge.query_vocabulary import legal_form_key as legal_form_key  # re-exported
from knowledge.snippets import asked_facts

_TOKEN = re.compile(r"[a-z0-9]+(?:[-.][a-z0-9]+)*")  # a folded question's words, "e-akte" and "2.0" whole


@dataclass(frozen=True)
class QueryFilters:
    """What a question restricts to; empty sets mean no restriction."""

    kreise: frozenset[str] = frozenset()
    towns: frozenset[str] = frozenset()
    legal_forms: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    list_intent: bool = False
    year_min: int | None = None
    year_max: int | None = None
    kind: str | None = None  # "event" or "document" when the question asks for that kind of item

    @property
    def places(self) -> bool:
        return bool(self.kreise or self.towns)

    @property
    def years(self) -> bool:
        return self.year_min is not None or self.year_max is not None

    @property
    def restricts_projects(self) -> bool:
        """Place, year or (in a list question) legal form: only some projects qualify."""
        return self.places or self.years or bool(self.legal_forms and self.list_intent)

    @property
    def any(self) -> bool:
        return bool(self.kreise or self.towns or self.legal_forms or self.topics or self.years)

    def merged_into(self, previous: "QueryFilters") -> "QueryFilters":
        """Follow-up refinement: new places replace old places, new forms/topics replace old ones."""
        out = previous
        if self.places:
            out = replace(out, kreise=self.kreise, towns=self.towns)
        if self.legal_forms:
            out = replace(out, legal_forms=self.legal_forms)
        if self.topics:
            out = replace(out, topics=self.topics)
        if self.years:
            out = replace(out, year_min=self.year_min, year_max=self.year_max)
        return replace(out, list_intent=previous.list_intent or self.list_intent)


@dataclass
class UnderstoodQuery:
    text: str
    filters: QueryFilters
    residual_words: list[str] = field(default_factory=list)
    period: Period | None = None  # the time period an event question names
    timezone: str = "Europe/Berlin"  # where the question's dates and the events' times are local

    @property
    def filter_only(self) -> bool:
        """True when the question consists of nothing but filters and list words."""
        return self.filters.any and not self.residual_words



_PLACE_CUES = {"in", "im", "aus", "bei", "nach", "von", "fuer", "zwischen", "kreis", "kreises", "landkreis",
               "stadt", "gemeinde", "of", "sind", "mit", "und"}


_COOPERATION_CUES = ("gemeinsam", "interkommunal", "koop", "zusammenarb", "verbund", "schon", "bereits",
                     "projekt")  # "gibt es …" asking for examples
# examples, but not "Beispielrechnungen" or "gängige Modelle" (of a distribution key)
_EXAMPLE_WORDS = {"beispiel", "beispiele", "beispielen", "vorbild", "vorbilder", "vorbildern"}
_ONE_PROJECT = {"unser", "unsere", "unseres", "unseren", "unserem", "mein", "meine", "meinen", "meinem", "our", "my",
                "das", "dem", "des", "dieses", "diesem"}  # before "Projekt": "unser IKZ-Projekt", "das Projekt": one
_NOUN_CONTEXT = {"es", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "kein",
                 "keine", "welche", "welcher", "welches", "welchem", "welchen", "viele", "mehr", "neue", "zu", "zur",
                 "zum", "unter"}


def _deliberate(question: str, start: int, text: str, mention) -> bool:
    """A place mention counts when it is written as a name (capitalised), spelled exactly, or follows
    a place cue ("in borkn", "kreis lipe"); lower-case near-misses of ordinary words do not."""
    folded = fold(text)
    names = {fold(mention.municipality.name)} if mention.municipality is not None else set()
    if mention.kreis:
        names |= {fold(mention.kreis), fold(re.sub(r"^(Kreis|Landkreis)\s+", "", mention.kreis))}
    if folded in names:
        return True
    before = re.findall(r"[a-z]+", fold(question[:start]))
    if before and before[-1] in _PLACE_CUES:
        return True
    # capitalised, but German nouns are too: after an article ("gibt es Zahlen") it is a noun
    return text[:1].isupper() and not (before and before[-1] in _NOUN_CONTEXT)


class Gazetteer:
    """Names occurring in the knowledge base, for recognising them in questions.

    Names are matched after folding umlauts (``Duelmen`` = ``Dülmen``), as 1–4 word n-grams, with a
    fuzzy fallback for typos (``Coesfled``). Town names that are also ordinary words (``Wetter``,
    ``Senden``) only count after a preposition such as "in" or "aus".
    """

    def __init__(self, items: Iterable[ItemInfo], analyzer: GermanAnalyzer | None = None,
                 register: MunicipalRegister | None = None) -> None:
        self.analyzer = analyzer or GermanAnalyzer()
        self.register = register  # every municipality and Kreis of the state, with typos
        self.place_kreis: dict[str, str] = {}  # town (as the base or the register writes it) → its Kreis
        self.kreise: dict[str, str] = {}  # variant → canonical Kreis
        self.towns: dict[str, str] = {}  # variant → canonical town
        self.topics: dict[str, str] = {}  # folded topic → canonical topic
        self.topic_stems: dict[str, set[str]] = {}
        self.legal_forms_present: set[str] = set()
        for item in items:
            if item.kind != "project":
                continue  # topics of projects only: documents and events use free-form topics
            if item.kreis:
                for variant in _kreis_variants(item.kreis):
                    self.kreise.setdefault(variant, item.kreis)
                for town in item.municipalities:
                    self.place_kreis.setdefault(town, item.kreis)
            for town in item.municipalities:
                if "kreis" in fold(town) or "staedteregion" in fold(town):
                    for variant in _kreis_variants(town):
                        self.kreise.setdefault(variant, item.kreis or town)
                    continue
                self.towns.setdefault(fold(town), town)
            if item.topic:
                self.topics.setdefault(fold(item.topic), item.topic)
            key = legal_form_key(item.legal_form)
            if key:
                self.legal_forms_present.add(key)
        for short, town in short_place_names(list(self.towns.values())).items():  # "Homberg": "Homberg (Efze)"
            self.towns.setdefault(short, town)
        for folded_topic, topic in self.topics.items():
            words = [w for w in re.split(r"[^a-z0-9]+", folded_topic) if len(w) >= 4 and w not in GENERIC_TOPIC_WORDS]
            self.topic_stems[topic] = set(words)
        self._single_word_names = sorted({v for v in list(self.kreise) + list(self.towns) if " " not in v})

    # --- recognition ----------------------------------------------------------------------
    def understand(self, question: str, expansion: str = "", *, now: datetime | None = None,
                   timezone: str = "Europe/Berlin") -> UnderstoodQuery:
        """Filters in ``question``; ``expansion`` (glossary terms) only helps to recognise topics.
        With ``now``, an event question's time period ("nächsten Monat") is recognised too."""
        folded = fold(question)
        tokens = _TOKEN.findall(folded)
        expansion_tokens = _TOKEN.findall(fold(expansion))
        used: set[int] = set()
        kreise: set[str] = set()
        towns: set[str] = set()
        # n-grams, longest first
        for n in (4, 3, 2, 1):
            for start in range(0, len(tokens) - n + 1):
                span = range(start, start + n)
                if used.intersection(span):
                    continue
                phrase = " ".join(tokens[start : start + n])
                before = tokens[start - 1] if start > 0 else ""
                before2 = tokens[start - 2] if start > 1 else ""
                kreis_context = (
                    before in KREIS_MARKERS
                    or (before in ("of", "des", "im") and before2 in KREIS_MARKERS)
                    or (start + n < len(tokens) and tokens[start + n] in ("district", "county"))
                )
                if phrase in self.kreise and (kreis_context or phrase not in self.towns):
                    kreise.add(self.kreise[phrase])
                    used.update(span)
                    if kreis_context:
                        used.add(start - 1)
                elif phrase in self.towns:
                    if phrase in AMBIGUOUS_TOWNS and before not in PREPOSITIONS:
                        continue
                    towns.add(self.towns[phrase])
                    used.update(span)
        # typos in single-word place names, written as names ("Coesfled") or after a place cue
        capitalised = {fold(w) for w in re.findall(r"[A-Za-zÄÖÜäöüßéè]+", question) if w[:1].isupper()}
        for position, token in enumerate(tokens):
            if position in used or len(token) < 6 or token in QUERY_NOISE:
                continue
            before = tokens[position - 1] if position > 0 else ""
            if (token not in capitalised or before in _NOUN_CONTEXT) and before not in _PLACE_CUES:
                continue  # "zahlen", "gibt es Zahlen" are no typo of Ahlen
            close = difflib.get_close_matches(token, self._single_word_names, n=1, cutoff=0.86)
            if close:
                name = close[0]
                if name in AMBIGUOUS_TOWNS:
                    continue
                if name in self.kreise and (before in KREIS_MARKERS or name not in self.towns):
                    kreise.add(self.kreise[name])
                else:
                    towns.add(self.towns[name])
                used.add(position)

        if self.register is not None:
            self._register_places(question, tokens, used, kreise, towns)

        legal_forms: set[str] = set()
        plural = False
        for key, phrases in LEGAL_FORMS.items():
            for phrase in phrases:
                if re.search(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", folded):
                    legal_forms.add(key)
                    plural = plural or any(word in PLURAL_FORMS for word in phrase.split())
                    for i, tok in enumerate(tokens):
                        if tok in phrase.split():
                            used.add(i)
        # compounds: "Abfallzweckverband", "Tourismusvereine" (the first part stays as content)
        compound_parts: list[str] = []
        for i, tok in enumerate(tokens):
            for suffix, (key, is_plural) in COMPOUND_LEGAL_SUFFIXES.items():
                if tok.endswith(suffix) and len(tok) >= len(suffix) + 4 and i not in used:
                    legal_forms.add(key)
                    plural = plural or is_plural
                    used.add(i)
                    compound_parts.append(tok[: -len(suffix)].rstrip("-"))
                    break
        legal_forms &= self.legal_forms_present or legal_forms
        if ALTERNATIVE_FORMS.search(folded):
            legal_forms = set()  # "wie organisiert, Zweckverband oder Vereinbarung?": asked about, no restriction

        residual = [
            tok for i, tok in enumerate(tokens)
            if i not in used and not all(part in QUERY_NOISE for part in tok.split("-"))
        ] + compound_parts
        residual_words = self.analyzer.words(" ".join(residual))
        years = _year_range(folded)
        residual_words = [w for w in residual_words if not (w.isdigit() and len(w) == 4 and years != (None, None))]
        # events only in the sentence that asks ("war auf einer Veranstaltung. Was wird gefördert?"); a
        # document the asker names anywhere ("Wir haben einen Mustervertrag gefunden. Was gehört rein?")
        asking = set(_TOKEN.findall(fold(asking_sentences(question))))
        kinds = [k for k, stems in KIND_WORDS.items()
                 if any(t.startswith(stems) for t in tokens if k != "event" or t in asking)]
        kinds += ["document"] if STEP_BY_STEP.search(folded) else []  # "gibts nen Fahrplan Schritt für Schritt?"
        # "ein Leitfaden, wie man eine Veranstaltung aufzieht" asks for the document
        kind = "document" if "document" in kinds else next(iter(kinds), None)
        project_list = kind is None and (
            any(tok.split("-")[-1] in PROJECT_LIST_WORDS and not (tok == "alle" and tokens[i - 1:i] in (["fuer"], ["an"]))
                and not _ONE_PROJECT & set(tokens[max(0, i - 2):i])  # "unser IKZ-Projekt eintragen": no list
                for i, tok in enumerate(tokens)) or self._asks_who_does(folded)
        )
        content = [w for w in residual_words if w not in GENERIC_TOPIC_WORDS]
        list_intent = project_list or (plural and len(content) <= 2)
        if years != (None, None) and not list_intent and OWN_SITUATION.search(folded):
            years = (None, None)  # "wir haben seit 2012 eine Vereinbarung …": the asker's own, not a filter

        topics = (self._topics(tokens + compound_parts + expansion_tokens)
                  if (list_intent or kreise or towns or years != (None, None)) else set())
        if topics and (kreise or towns) and LOOSE_TOPIC.search(folded):
            topics = set()  # "in Schlüchtern beim Bauhof oder so?": the town's projects, the topic words rank them
        if topics:
            topic_words = {w for t in topics for w in self.topic_stems.get(t, set())}
            residual_words = [w for w in residual_words if not any(w.startswith(t[:5]) or t.startswith(w) for t in topic_words)]

        if kind is not None and not topics:  # an event's topic only from the asking sentence ("Fortbildungstage übrig")
            topics = self._topics([t for t in tokens if kind != "event" or t in asking] + expansion_tokens)
        period = None
        if now is not None and (kind == "event" or asks_about_events(question)):
            period = period_in(question, now, timezone)
            if period is not None:
                if kind is None and not topics:  # "… nächsten Monat was zum Winterdienst?"
                    topics = self._topics([t for t in tokens if t in asking] + expansion_tokens)
                kind = "event"
                years = (None, None)  # "2027" names the events' period, not projects' start years
                residual_words = [w for w in residual_words if not w.isdigit() and w not in fold(period.label).split()]
        if kind == "event" and topics and EVENT_FORMAT_WORDS & set(tokens):  # "gern auch online": a format, no topic
            topics = self._topics([t for t in tokens + expansion_tokens if t not in EVENT_FORMAT_WORDS])
        if kind == "event" and period is None and "definition" in asked_facts(question):
            kind = None  # "Was ist eigentlich dieses Spotlight?" asks what the format is, not for events
        if registers_own_project(folded):  # "unser Projekt zur Friedhofsverwaltung bei euch eintragen": the portal's FAQ
            kreise, towns, topics, list_intent = set(), set(), set(), False
        filters = QueryFilters(frozenset(kreise), frozenset(towns), frozenset(legal_forms), frozenset(topics),
                               list_intent, years[0], years[1], kind)
        return UnderstoodQuery(question, filters, residual_words, period, timezone)

    def _register_places(self, question: str, tokens: list[str], used: set[int], kreise: set[str],
                         towns: set[str]) -> None:
        """Places the base does not name, and typos the base's own names missed ("Borkn", "Lipe")."""
        assert self.register is not None
        for mention in self.register.find_in_text(question):
            if not _deliberate(question, mention.start, mention.text, mention):
                continue  # "finden" is no typo of Inden, "zahlen" none of Ahlen
            words = set(re.findall(r"[a-z0-9]+", fold(mention.text)))
            positions = [i for i, tok in enumerate(tokens) if tok in words or tok in ("kreis", "kreises")]
            if positions and all(i in used for i in positions if tokens[i] in words):
                continue  # already recognised from the base's own names
            if mention.municipality is not None:
                name = mention.municipality.name
                known = self.towns.get(fold(name))
                towns.add(known or name)
                self.place_kreis.setdefault(known or name, mention.municipality.kreis)
            elif mention.kreis:
                kreise.add(self.kreise.get(fold(mention.kreis), mention.kreis))
            used.update(i for i in positions if tokens[i] in words)

    def kreis_of(self, town: str) -> str | None:
        """The Kreis of a town named in the base or the register."""
        if town in self.place_kreis:
            return self.place_kreis[town]
        if self.register is not None and (municipality := self.register.resolve(town)) is not None:
            return municipality.kreis
        return None

    def _asks_who_does(self, folded: str) -> bool:
        """ "Gibt es / hat wer / kennt jemand …" asking for examples: unless "gibt es", "irgendwo" or "wer
        hat" is followed by something other than a cooperation ("gibt es da eine Ausnahme", "gibt es
        Fördermittel", "gibts sowas wie nen Fahrplan", "irgendwo Rechenbeispiele", "wer hat da das Sagen")."""
        for match in PROJECT_LIST_PHRASES.finditer(folded):
            if not match.group().startswith(("gibt", "irgendwo", "wer hat")):
                return True
            asked = ASKED_BEFORE.search(re.split(r"[.?!;,]", folded[:match.start()])[-1])
            if asked and not (asked.group(1).startswith(_COOPERATION_CUES) or asked.group(1) in PROJECT_LIST_WORDS):
                continue  # "was für Fristen gibt es": the thing asked for comes first, and it is no cooperation
            following = re.findall(r"[a-z0-9-]+", folded[match.end():])[:5]
            content = [w for w in following if len(w) >= 4 and w not in QUERY_NOISE]
            names_cooperation = any(w.startswith(_COOPERATION_CUES) or w in _EXAMPLE_WORDS
                                    or w.split("-")[-1] in PROJECT_LIST_WORDS for w in following)
            if not content or names_cooperation or self._topics(content):
                return True
        return False

    def _topics(self, tokens: list[str]) -> set[str]:
        found: set[str] = set()
        words = [t for t in tokens if len(t) >= 4 and t not in GENERIC_TOPIC_WORDS and t not in QUERY_NOISE]
        for topic, stems in self.topic_stems.items():
            for word in words:
                if any(_same_word_family(word, stem) for stem in stems):
                    found.add(topic)
        return found
