"""Projects satisfying a question's restrictions (place, year, legal form, topic), and where the
named place has none, the projects of its Kreis or of the topic elsewhere with a note saying so."""

from __future__ import annotations

import re
from dataclasses import replace

from embeddings.lexical import fold
from knowledge.answers import PlaceNote
from knowledge.catalog import ItemKey
from knowledge.query_understanding import QueryFilters, _kreis_variants
from knowledge.search_index import SearchSnapshot


def topic_matches(topic: str, topics: frozenset[str]) -> bool:
    """Events and documents use free topic names: match them loosely against project topics."""
    folded = fold(topic)
    return any(fold(t) in folded or folded in fold(t) or fold(t).split("/")[0] in folded for t in topics if t)


def place_restricted_projects(snapshot: SearchSnapshot, filters: QueryFilters) -> tuple[list, PlaceNote | None]:
    """Projects satisfying the question's restrictions; where the named place has none (of the
    asked topic), the projects of its Kreis (or of the topic elsewhere) and a note saying so."""
    projects = filtered_projects(snapshot, filters)
    if not filters.places:
        return projects, None
    asked = sorted(filters.towns) or sorted(filters.kreise)
    topic = min(filters.topics, default="")
    if filters.topics and projects and not any(p.topic in filters.topics for p in projects):
        return snapshot.projects_matching(topics=filters.topics), PlaceNote(asked, "", topic)
    if projects:
        return projects, None
    if filters.towns:
        kreise = frozenset(k for k in (snapshot.gazetteer.kreis_of(t) for t in filters.towns) if k)
        nearby = filtered_projects(snapshot, replace(filters, towns=frozenset(), kreise=kreise)) if kreise else []
        if nearby:
            return nearby, PlaceNote(asked, sorted(kreise)[0], topic)
    # nothing at or around the place: the asked topic's projects anywhere (none without a topic)
    elsewhere = snapshot.projects_matching(topics=filters.topics) if filters.topics else []
    return elsewhere, PlaceNote(asked, "", topic)


def filtered_projects(snapshot: SearchSnapshot, filters: QueryFilters) -> list:
    if not filters.restricts_projects:
        return []
    return snapshot.projects_matching(
        kreise=filters.kreise,
        towns=filters.towns,
        legal_forms=filters.legal_forms if (filters.list_intent or filters.places) else frozenset(),
        year_min=filters.year_min,
        year_max=filters.year_max,
    )


def events_at_places(snapshot: SearchSnapshot, filters: QueryFilters) -> set[ItemKey]:
    """Events whose location names an asked town or Kreis, or a town of an asked Kreis
    ("Was ist im Frühjahr in Fulda los?", "Termine im Kreis Borken")."""
    if not filters.places:
        return set()
    gazetteer = snapshot.gazetteer
    names = {fold(town) for town in filters.towns}
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
        if asked_kreise and gazetteer.register is not None:
            kreise = {fold(m.municipality.kreis) for m in gazetteer.register.find_in_text(item.location)
                      if m.municipality is not None and m.municipality.kreis}
            if any(variant in asked_kreise for kreis in kreise for variant in _kreis_variants(kreis)):
                found.add(key)
    return found
