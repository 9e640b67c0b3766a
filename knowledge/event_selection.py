"""Which events a question selects: those in the period it names, those still to come, those at
the place it names, and the format (online or in person) and kind ("Workshop") it asks for."""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from embeddings.lexical import fold
from knowledge.catalog import ItemKey
from knowledge.periods import EVENT_NOUN
from knowledge.places import MunicipalRegister
from knowledge.query_understanding import QueryFilters, UnderstoodQuery, _kreis_variants
from knowledge.query_vocabulary import asks_for_event_kind
from knowledge.question_nouns import distinctive_nouns
from knowledge.search_index import SearchSnapshot


def days_from(start: datetime | None, understood: UnderstoodQuery) -> float:
    """Days from the start of the question's period to an event (orders a period's events by date)."""
    if start is None or understood.period is None:
        return 0.0
    return max((start - understood.period.start).total_seconds() / 86400.0, 0.0)


def events_in_period(snapshot: SearchSnapshot, understood: UnderstoodQuery) -> set[ItemKey]:
    """The events (not cancelled) in the period the question names."""
    period = understood.period
    if period is None:
        return set()
    return {item.key for item in snapshot.items.values()
            if item.kind == "event" and item.start is not None and not item.cancelled and period.contains(item.start)}


def upcoming_events(snapshot: SearchSnapshot, now: datetime | None) -> set[ItemKey]:
    """The events still to come."""
    if now is None:
        return set()
    return {item.key for item in snapshot.items.values()
            if item.kind == "event" and item.start is not None and item.start >= now and not item.cancelled}


_AT_PLACE = re.compile(r"\b(?:in|im|am|bei|nach|at)\s+([A-ZÄÖÜ][\wäöüß-]{2,})")


def events_at_places(snapshot: SearchSnapshot, filters: QueryFilters, question: str = "") -> set[ItemKey]:
    """Events whose location names an asked town or Kreis, or a town of an asked Kreis
    ("Was ist im Frühjahr in Fulda los?", "Termine im Kreis Borken"); without a known place, a
    name after "in" that an event's location uses ("Veranstaltungen in Marburg")."""
    gazetteer = snapshot.gazetteer
    names = {fold(town) for town in filters.towns}
    if not filters.places:
        names = {fold(m.group(1)) for m in _AT_PLACE.finditer(question)}
        if not names:
            return set()
    asked_kreise = {variant for kreis in filters.kreise for variant in _kreis_variants(kreis) if len(variant) >= 4}
    names |= asked_kreise
    found = set()
    for key, item in snapshot.items.items():
        if item.kind != "event" or not item.location:
            continue
        where = fold(item.location)
        if any(re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", where) for name in names):
            found.add(key)
            continue
        register = gazetteer.register
        if asked_kreise and register is not None and _kreise_named(register, item.location) & asked_kreise:
            found.add(key)
    return found


@lru_cache(maxsize=4_096)
def _kreise_named(register: MunicipalRegister, location: str) -> frozenset[str]:
    """Every spelling of the Kreise whose municipalities a location names (event locations repeat
    for every question: matched once)."""
    return frozenset(variant for m in register.find_in_text(location)
                     if m.municipality is not None and m.municipality.kreis
                     for variant in _kreis_variants(fold(m.municipality.kreis)))


_ONLINE_ASKED = re.compile(r"\bonline\b|webinar|virtuell|videokonferenz|web-?konferenz|\bzoom\b|\bremote\b"
                           r"|\bdigital(?:e[nrs]?)?\s+(?:veranstaltung|termin|format|treffen)")
_IN_PERSON_ASKED = re.compile(r"praesenz|\bvor ort\b|in[ -]person|persoenlich|face[ -]to[ -]face|\bphysisch"
                              r"|nicht online|offline")
_ONLINE_PLACE = re.compile(r"\bonline\b|webkonferenz|videokonferenz|\bzoom\b|webex|\bteams\b|virtuell|lernplattform")


def asked_format(question: str) -> str | None:
    """The format an event question asks for: "online" ("Online-Veranstaltungen", "Webinare",
    "online events"), "in person" ("Präsenztermine", "vor Ort"), or None."""
    folded = fold(question)
    if _IN_PERSON_ASKED.search(folded):
        return "in person"
    return "online" if _ONLINE_ASKED.search(folded) else None


def is_online(location: str | None) -> bool:
    """Whether an event's location is online ("Online (Zoom)", "Webkonferenz")."""
    return _ONLINE_PLACE.search(fold(location or "")) is not None


EVENT_TYPES: tuple[tuple[str, ...], ...] = (  # what an event is, as its title says; a question may ask for one
    ("workshop",), ("konferenz", "kongress", "tagung", "conference", "congress"), ("forum",), ("hackathon",),
    ("seminar",), ("webinar",), ("spotlight",), ("exkursion", "excursion"), ("fachtag",), ("sprechstunde",),
    ("schulung", "fortbildung", "selbstlern", "training"),
)


def asked_event_types(question: str) -> tuple[str, ...]:
    """The title words of the kind of event a question asks for ("Workshops im Frühjahr?" →
    workshop; "die nächste Jahrestagung" → konferenz, kongress, tagung …); empty when it names none."""
    folded = fold(question)
    return tuple(stem for stems in EVENT_TYPES if any(stem in folded for stem in stems) for stem in stems)


def names_event_type(title: str, stems: tuple[str, ...]) -> bool:
    """Whether an event's title names one of the asked kinds (``asked_event_types``)."""
    folded = fold(title)
    return any(stem in folded for stem in stems)


SUBJECT_NAMED_SHARE = 0.1  # "ein Spotlight zum Thema Förderung": the subject decides, the kind only breaks ties


def event_type_weight(snapshot: SearchSnapshot, understood: UnderstoodQuery, stems: tuple[str, ...],
                      boost: float) -> float:
    """How much naming the asked kind of event counts: fully when the kind is all the question asks
    for ("Workshops im Frühjahr?"), a tie-breaker when it also names a subject ("gibt es ein Spotlight
    zur Förderung?" — the information event on funding answers it, not any Spotlight)."""
    nouns = distinctive_nouns(snapshot, understood.residual_words, understood.text)
    subject = [w for w in nouns if not re.fullmatch(EVENT_NOUN, w) and not any(stem in w for stem in stems)]
    return boost * SUBJECT_NAMED_SHARE if subject else boost


def names_event_topic(topic: str | None, question: str) -> bool:
    """Whether the question names an event's topic ("Spotlight zum Thema Förderung" — an event on
    "Förderung"), also where the topic is no project topic the question's filters know."""
    words = [w for w in re.split(r"[^a-z]+", fold(topic or "")) if len(w) >= 5]
    folded = fold(question)
    return any(re.search(rf"(?<![a-z]){re.escape(w[: max(5, len(w) - 2)])}", folded) for w in words)


def level_in_empty_period(level: str, understood: UnderstoodQuery) -> str:
    """The answer's level when the question asks for events in a period that has none: the next
    events are candidates ("low"), not the answer, unless a topic picks one ("Workshop zum Bauhof
    nächsten Monat?" is answered by the Bauhof workshop in January)."""
    if level == "high" and not understood.filters.topics:
        return "low"
    if level == "none" and asks_for_event_kind(understood.text):  # "Welche Veranstaltungen gibt es nächste Woche?"
        return "low"
    return level
