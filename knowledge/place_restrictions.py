"""Projects satisfying a question's restrictions (place, year, legal form, topic), and where the
named place has none, the projects of its Kreis or of the topic elsewhere with a note saying so."""

from __future__ import annotations

from dataclasses import replace

from embeddings.lexical import fold
from knowledge.answers import PlaceNote
from knowledge.query_understanding import QueryFilters
from knowledge.query_vocabulary import OWN_SITUATION, asking_sentences
from knowledge.search_index import SearchSnapshot
from knowledge.snippets import ask_clause


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


def distances_km(snapshot: SearchSnapshot, projects: list, towns: frozenset[str]) -> dict:
    """For projects shown instead of the asked towns' (none there): how far each is from them, in
    km (the nearest of its municipalities; projects without known places are left out)."""
    register = snapshot.gazetteer.register
    if register is None or not towns:
        return {}
    out = {}
    for project in projects:
        known = [km for town in towns for name in project.municipalities
                 if (km := register.distance_km(town, name)) is not None]
        if known:
            out[project.key] = min(known)
    return out


def place_is_asked(question: str, filters: QueryFilters) -> bool:
    """Whether the clause that asks names the place and does not speak of the asker ("Wer ist
    Ansprechpartner für das Standesamt im Kreis Borken und …?"), unlike "Wir sind eine Gemeinde im
    Vogelsberg und … – wie geht man vor?", where the place is the asker's context."""
    clause = fold(ask_clause(asking_sentences(question)))
    names = [fold(name).split()[-1] for name in (*filters.towns, *filters.kreise)]
    return not OWN_SITUATION.search(clause) and any(len(n) >= 4 and n in clause for n in names)
