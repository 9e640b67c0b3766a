"""Hybrid retrieval: dense (FAISS) + lexical (BM25) fused linearly, grouped by item, with
boosts from query understanding (places, topics, kinds, time periods) and the signals that the
confidence decision (knowledge/confidence.py) turns into "high", "low" or "none"."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np

from embeddings.fusion import reciprocal_rank_fusion
from knowledge.answers import Answer, SearchHit
from knowledge.asked_rates import figure_unstated, rate_unstated
from knowledge.catalog import ItemKey
from knowledge.confidence import ConfidenceModel, Signals
from knowledge.event_selection import (asked_event_types, asked_format, days_from, event_type_weight,
                                       events_at_places, events_in_period, is_online, names_event_topic,
                                       names_event_type, level_in_empty_period, upcoming_events)
from knowledge.item_facts import item_facts
from knowledge.passage_choice import (answer_query, answering_chunk, holds_provision, names_statute,
                                      passage_pool)
from knowledge.place_restrictions import distances_km, place_is_asked, place_restricted_projects, topic_matches
from knowledge.query_understanding import UnderstoodQuery
from knowledge.query_vocabulary import asks_for_examples, list_question, names_events
from knowledge.regions import about_other_land
from knowledge.question_nouns import (asking_sentences, distinctive_nouns, lexical_coverage, subject_words,
                                     unknown_nouns)
from knowledge.search_index import SearchSnapshot
from knowledge.snippets import (MAX_PROVISION_CHARS, MAX_SNIPPET_CHARS, addresses_the_service, ask_clause, asked_facts,
                                cited_provisions, make_snippet)


@dataclass(frozen=True)
class RetrievalParams:
    pool: int = 100
    fusion: str = "linear"  # or "rrf" (reciprocal rank fusion), kept for comparison
    lexical_weight: float = 0.03
    rrf_lexical_weight: float = 0.3
    place_boost: float = 1.0  # projects matching every restriction (place, year, legal form in a list question)
    topic_boost: float = 0.3
    kind_boost: float = 0.03  # "Veranstaltungen …", "Leitfaden …": items of the asked-for kind first
    event_penalty: float = 0.02  # events, when the question asks about neither events nor a time period
    period_boost: float = 1.0  # events in the period the question names
    nearest_boost: float = 0.1  # none in it: the events soonest after its start (half of it 30 days later)
    format_penalty: float = 0.5  # events of another format than the one asked for (online, in person)
    event_type_boost: float = 0.3  # events of the kind asked for ("Workshops …", "Konferenz …")
    passage_weight: float = 0.05  # within an item, the passage whose sentence answers the question best is shown
    contact_boost: float = 0.05  # "Wer ist Ansprechpartner …": items that name a contact
    cite_boost: float = 0.02  # "nach § 2b UStG": items with a passage under the named provision
    kind_diversity: float = 0.01  # each further item of a kind already listed must be this much better
    passage_items: int = 3  # the passage choice runs for the first results (the answer and its runners-up)
    passage_pool: int = 12  # among each item's best-ranked passages
    distance_penalty: float = 0.001  # per km, for projects shown instead of the asked town's (≤ 0.3)
    strong_match: float = 1.0  # relative dense (1: median in-scope probe) at which a match on the asked nouns answers
    hub_weight: float = 0.2  # minus this share of a passage's similarity to the generic question centroid
    ask_clause_weight: float = 3.0  # words of the asking clause of a chatty question count this much more
    clause_weight: float = 1.0  # a chatty question's vector: this share from its asking clause alone
    later_absatz_penalty: float = 0.01  # a § states its rule in Abs. 1: later Absätze must be clearly better


@dataclass(frozen=True)
class Anchors:
    """Encoded descriptions of what the assistant covers and does not cover (knowledge/scope.py)."""

    in_scope: np.ndarray
    out_of_scope: np.ndarray
    generic: np.ndarray | None = None  # the unit centroid of generic in-scope questions (knowledge/probes.py)


_YEARS = re.compile(r"\b(?:19|20)\d\d\b")
CONTEXT_WORDS = 14  # in longer questions that ask no list, a place is the asker's context, not a filter


def retrieve(
    snapshot: SearchSnapshot,
    query_vector: np.ndarray,
    understood: UnderstoodQuery,
    *,
    k: int = 5,
    model: ConfidenceModel | None = None,
    params: RetrievalParams = RetrievalParams(),
    search_text: str | None = None,
    anchors: Anchors | None = None,
    now: datetime | None = None,
) -> Answer:
    text = search_text or understood.text
    filters = understood.filters
    if not snapshot.chunks:
        return Answer(understood.text, False, [], filters, level="none")

    # 1. candidate chunks: dense and lexical neighbours, plus every chunk of filter-matching items
    dense_top = snapshot.vectors.search(query_vector, params.pool)
    lexical_scores = snapshot.lexical.all_scores(text)  # computed once, used for ranking and confidence
    lexical_top = snapshot.lexical.top(lexical_scores, params.pool)
    candidates = {cid for cid, _ in dense_top} | {cid for cid, _ in lexical_top}
    if filters.places and not filters.list_intent and len(understood.text.split()) > CONTEXT_WORDS \
            and not place_is_asked(understood.text, filters):  # "Wir sind im Vogelsberg und … wie geht man vor?"
        filters = replace(filters, kreise=frozenset(), towns=frozenset())  # the place is context
        understood = replace(understood, filters=filters)
    filtered_projects, place_note = place_restricted_projects(snapshot, filters)
    in_period = events_in_period(snapshot, understood)
    upcoming = upcoming_events(snapshot, now) if filters.kind == "event" else set()
    for key in [item.key for item in filtered_projects] + sorted(in_period) + sorted(upcoming):
        candidates.update(snapshot.item_chunks.get(key, ()))
    candidates = {c for c in candidates if c in snapshot.chunks}
    if not candidates:
        return Answer(understood.text, False, [], filters, level="none")
    cand = sorted(candidates)
    dense = snapshot.vectors.scores_for(query_vector, cand)
    lexical = snapshot.lexical.pick(lexical_scores, cand)

    # linear fusion: cosine + a small share of the query-normalised BM25 score (better than RRF: keeps the dense margin)
    if params.fusion == "rrf":
        dense_rank = sorted(cand, key=lambda c: -dense.get(c, -1.0))
        lexical_rank = sorted((c for c in cand if lexical.get(c, 0.0) > 0), key=lambda c: -lexical[c])
        fused = reciprocal_rank_fusion([dense_rank, lexical_rank], k=60, weights=[1.0, params.rrf_lexical_weight])
    else:
        max_lexical = max(lexical.values(), default=0.0) or 1.0
        fused = {c: dense.get(c, -1.0) + params.lexical_weight * lexical.get(c, 0.0) / max_lexical for c in cand}
    if params.hub_weight and anchors is not None and anchors.generic is not None:
        # passages close to every generic question (introductions, overviews) answer none in particular
        hub = snapshot.vectors.scores_for(anchors.generic, cand)
        fused = {c: score - params.hub_weight * hub.get(c, 0.0) for c, score in fused.items()}

    # 2. group by item: best chunk represents the item
    best_chunk: dict[ItemKey, int] = {}
    item_score: dict[ItemKey, float] = defaultdict(float)
    item_dense: dict[ItemKey, float] = defaultdict(lambda: -1.0)
    for cid in cand:
        key = snapshot.chunks[cid].item_key
        score = fused.get(cid, 0.0)
        if key not in best_chunk or score > item_score[key]:
            best_chunk[key] = cid
            item_score[key] = score
        item_dense[key] = max(item_dense[key], dense.get(cid, -1.0))

    # 3. boosts from recognised filters: projects satisfying every restriction come first
    asks_events = filters.kind == "event" or understood.period is not None
    names_asked_events = understood.period is not None and names_events(understood.text)  # "Termine im Mai?"
    wanted_format = asked_format(understood.text) if asks_events else None  # "online", "in person"
    asked_types = asked_event_types(understood.text) if asks_events else ()
    type_weight = event_type_weight(snapshot, understood, asked_types, params.event_type_boost) if asked_types else 0.0
    # the place restricts projects, or events when the question asks for events
    matching = (events_at_places(snapshot, filters, understood.text) if asks_events
                else {item.key for item in filtered_projects})
    # none at the asked town: the nearest of the projects shown instead first
    far = distances_km(snapshot, filtered_projects, filters.towns) if place_note and not place_note.kreis else {}
    for key in item_score:
        item = snapshot.items[key]
        if key in matching:
            item_score[key] += params.place_boost - params.distance_penalty * min(far.get(key, 0.0), 300.0)
        if filters.kind is not None:
            if item.kind == filters.kind:
                item_score[key] += params.kind_boost
                if filters.topics and topic_matches(item.topic, filters.topics):
                    item_score[key] += params.topic_boost
        elif (filters.topics and item.kind == "project" and item.topic in filters.topics
                and (filters.list_intent or filters.restricts_projects)):
            item_score[key] += params.topic_boost
        elif filters.list_intent and item.kind == "project":
            item_score[key] += params.kind_boost  # "Gibt es Beispiele / Projekte …": projects first
        if item.kind == "event":
            if key in in_period:
                # the events of the period, in date order; when the question names a topic
                # ("Workshop zum Bauhof nächsten Monat?"), only those on it: others are not what is asked
                if not filters.topics or topic_matches(item.topic, filters.topics):
                    item_score[key] += params.period_boost - days_from(item.start, understood) * 1e-4
            elif asks_events and key not in upcoming:
                item_score[key] -= params.event_penalty  # past events
            elif names_asked_events and not in_period:  # none in the period asked for: the next ones first
                item_score[key] += params.nearest_boost / (1.0 + days_from(item.start, understood) / 30.0)
            elif not asks_events:
                item_score[key] -= params.event_penalty
            if item.cancelled:
                item_score[key] -= 0.01
            if wanted_format and is_online(item.location) != (wanted_format == "online"):
                item_score[key] -= params.format_penalty  # "Online-Termine im Januar?": Präsenztermine after
            if asks_events and not filters.topics and names_event_topic(item.topic, understood.text):
                item_score[key] += params.topic_boost  # "ein Spotlight zum Thema Förderung"
            if asked_types and names_event_type(item.title, asked_types):
                item_score[key] += type_weight  # "Workshops im Frühjahr?"

    provisions = cited_provisions(understood.text)
    for key in item_score:  # "nach § 2b UStG": the statute holding it; "steht das im OZG?": the statute named
        item_score[key] += (params.cite_boost * (bool(provisions) and holds_provision(snapshot, key, provisions))
                            + params.topic_boost * names_statute(snapshot, key, understood.text))
    facts = asked_facts(understood.text)
    if params.contact_boost and "contact" in facts and not addresses_the_service(understood.text):
        for key in item_score:
            if snapshot.items[key].contact:
                item_score[key] += params.contact_boost
    ranked = sorted(item_score, key=lambda key: -item_score[key])
    if params.kind_diversity and filters.kind is None and not filters.list_intent and not in_period:
        ranked = _diversified(ranked, item_score, snapshot, params.kind_diversity)
    ranked = ranked[:k]
    # highlighted: the question's content words, topic words of a list question included
    question_words = snapshot.lexical.analyzer.words(understood.text)
    terms = list(dict.fromkeys(understood.residual_words + question_words))
    lexical_index = snapshot.lexical
    snippet_query = answer_query(lexical_index, text, understood.text, facts, provisions,
                                 ask_clause_weight=params.ask_clause_weight, document=filters.kind == "document")
    hits = []
    item_candidates: dict[ItemKey, list[int]] = defaultdict(list)
    for cid in sorted(cand, key=lambda c: -fused.get(c, 0.0)):
        item_candidates[snapshot.chunks[cid].item_key].append(cid)
    for rank, key in enumerate(ranked):
        item = snapshot.items[key]
        if params.passage_weight and rank < params.passage_items and len(snapshot.item_chunks.get(key, ())) > 1:
            # among the item's best-ranked passages, the one whose sentence answers the question
            pool = passage_pool(snapshot, item_candidates[key][:params.passage_pool], key, snippet_query,
                                query_vector, dense)
            best_chunk[key] = answering_chunk(snapshot, pool, dense,
                                              snippet_query, answer_weight=params.passage_weight,
                                              later_absatz_penalty=params.later_absatz_penalty)
        chunk = snapshot.chunks[best_chunk[key]]
        provision = chunk.section.startswith(("§", "Art"))  # a statute's Absatz states its rule first
        whole = provision or item.kind == "faq"  # units that are cited or written as one answer
        snippet = make_snippet(chunk.text, snippet_query, lexical_index.analyzer.tokens,
                               max_chars=MAX_PROVISION_CHARS if whole else MAX_SNIPPET_CHARS,
                               lead=item.kind in ("faq", "project", "event") or provision, whole=whole)
        own_facts = item_facts(item, understood.text, understood.timezone)  # "Seit wann …?", "Wann und wo …?"
        snippet = f"{own_facts} {snippet}".strip() if own_facts else snippet
        hits.append(
            SearchHit(
                id=item.id,
                kind=item.kind,
                title=item.title,
                score=float(item_score[key]),
                snippet=snippet,
                url=item.url,
                section=chunk.section,
                item=item,
                dense=float(item_dense[key]),
                lexical=float(lexical.get(best_chunk[key], 0.0)),
            )
        )

    # 4. confidence
    signals = _signals(snapshot, hits, understood, query_vector, text, lexical_scores, anchors)
    restricted_ok = True
    if filters.restricts_projects:
        # beyond the filters, the question's distinctive words must occur in the best project
        asking = list_question(ask_clause(asking_sentences(understood.text)))  # the question that lists
        distinctive = distinctive_nouns(snapshot, understood.residual_words, asking)
        unknown = unknown_nouns(snapshot, understood.residual_words, understood.text) or \
            unknown_nouns(snapshot, understood.residual_words, asking, every=False)  # "Einfamilienhaus in Lich"
        restricted_ok = understood.filter_only or (
            not unknown  # "Sperrmülltermin in Bocholt": the place is known, the subject is not
            and (not distinctive or lexical_coverage(distinctive, _item_text(snapshot, ranked[0])) > 0)
        )
        restricted_ok = restricted_ok and bool(matching) and ranked[0] in matching and (
            not filters.topics or snapshot.items[ranked[0]].topic in filters.topics)
    model = model or ConfidenceModel()
    score = model.score(signals)
    if asks_events and (filters.places or matching):  # events at the place (the note on projects does not apply)
        place_note = None
        at_place = bool(matching) and ranked[0] in matching
        level = ("high" if score >= model.low or understood.filter_only else model.level(score)) if at_place \
            else ("low" if score >= model.low else "none")
    elif place_note is not None:  # "none in Olfen; nearby: …"; "wir im Kreis Lippe … Beispiele?": examples elsewhere
        examples = restricted_ok and score >= model.low and asks_for_examples(understood.text)
        level = ("high" if examples else "low") if matching else ("low" if score >= model.low else "none")
    elif filters.restricts_projects and matching and ranked[0] in matching and restricted_ok:
        level = "high" if score >= model.low or understood.filter_only else model.level(score)
    elif filters.restricts_projects:
        level = "low" if score >= model.low else "none"
    elif in_period and ranked[0] in in_period:
        level = "high"
    else:
        level = model.level(score)
        if level != "high" and _strong_match(snapshot, understood, ranked[0], hits[0].dense, model, params):
            level = "high"  # "Gibt es einen Bürgerbus?": the top item names it, as close as typical in-scope questions
    subject, asked = ((subject_words(understood.residual_words), asking_sentences(understood.text)) if understood.period
                      else (subject_words(question_words), understood.text))  # "im Mai": the period is no subject
    if level == "high" and not filters.any and unknown_nouns(snapshot, subject, asked):
        level = "low"  # "Wie kündige ich meinen Handyvertrag?", "Personalausweis im Januar, wo krieg ich nen Termin?"
    empty_period = names_asked_events and not in_period and snapshot.items[ranked[0]].kind == "event"
    level = level_in_empty_period(level, understood) if empty_period else level
    if level == "high" and (about_other_land(understood.text, snapshot.laender)  # "Förderung auch in Bayern?"
                            or rate_unstated(understood.text, snapshot.chunks[best_chunk[ranked[0]]].text)
                            or figure_unstated(understood.text, _item_text(snapshot, ranked[0]))):
        level = "low"  # another Land's rules; "Welcher Umsatzsteuersatz gilt für Speisen?", "Wie viel spart …?": no such figure
    return Answer(
        question=understood.text,
        answered=level == "high",
        hits=hits,
        filters=filters,
        confidence=float(score),
        signals=signals.as_dict(),
        highlight_terms=terms,
        search_text=text,
        level=level,
        place_note=place_note,
        empty_period=understood.period.dates() if understood.period and empty_period and level == "low" else "",
    )


def _diversified(ranked: list[ItemKey], score: dict[ItemKey, float], snapshot: SearchSnapshot,
                 penalty: float, window: int = 30) -> list[ItemKey]:
    """The ranking with a guide, an FAQ and a project example side by side: after the best item,
    each further item of a kind already listed counts ``penalty`` less (greedy, over the top ``window``)."""
    head, tail = ranked[:window], ranked[window:]
    out: list[ItemKey] = []
    seen: dict[str, int] = defaultdict(int)
    while head:
        best = max(head, key=lambda key: score[key] - penalty * seen[snapshot.items[key].kind])
        head.remove(best)
        out.append(best)
        seen[snapshot.items[best].kind] += 1
    return out + tail


def _signals(snapshot: SearchSnapshot, hits: list[SearchHit], understood: UnderstoodQuery, query_vector: np.ndarray,
             text: str, lexical_scores: np.ndarray, anchors: Anchors | None) -> Signals:
    top = hits[0]
    without_years = _YEARS.sub(" ", text)
    confidence_scores = lexical_scores if without_years == text else snapshot.lexical.all_scores(without_years)
    bm25_raw = float(confidence_scores.max(initial=0.0))
    # BM25 grows with ln(corpus size): divide by the IDF of a word in one passage of this base
    bm25 = bm25_raw / snapshot.lexical.max_idf
    words = [w for w in snapshot.lexical.analyzer.words(understood.text) if len(w) >= 3 and not w.isdigit()]
    known = sum(1 for w in words if snapshot.lexical.is_known(w)) / len(words) if words else 0.0
    second = hits[1].dense if len(hits) > 1 else top.dense
    return Signals(
        dense=float(top.dense),
        in_scope=float(np.max(anchors.in_scope @ query_vector)) if anchors is not None else 0.0,
        out_of_scope=float(np.max(anchors.out_of_scope @ query_vector)) if anchors is not None else 0.0,
        lexical=math.log1p(bm25),
        known=known,
        margin=float(top.dense - second),
    )


def _strong_match(snapshot: SearchSnapshot, understood: UnderstoodQuery, top: ItemKey, dense: float,
                  model: ConfidenceModel, params: RetrievalParams) -> bool:
    """The top item names every distinctive noun of the question and is at least as similar to it as
    the base's typical in-scope question is to its best passage: an answer, whatever the scope prior."""
    if not params.strong_match or model.calibration.relative_dense(dense) < params.strong_match:
        return False
    nouns = distinctive_nouns(snapshot, understood.residual_words, understood.text)
    return bool(nouns) and lexical_coverage(nouns, _item_text(snapshot, top)) == 1.0


def _item_text(snapshot: SearchSnapshot, key: ItemKey) -> str:
    """All passages of an item as embedded (with title and headings)."""
    return " ".join(snapshot.chunks[c].embed_text for c in snapshot.item_chunks.get(key, ()))
