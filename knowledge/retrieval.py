"""Hybrid retrieval: dense (FAISS) + lexical (BM25) fused linearly, grouped by item, with
filter boosts from query understanding and a confidence rule that decides whether to answer."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from embeddings.fusion import reciprocal_rank_fusion
from embeddings.lexical import fold
from knowledge.answers import Answer, SearchHit, make_snippet
from knowledge.catalog import ItemKey
from knowledge.query_understanding import QueryFilters, UnderstoodQuery
from knowledge.search_index import SearchSnapshot


@dataclass(frozen=True)
class ConfidenceRule:
    """Answer when ``dense − anchor_weight·out_of_scope + lexical_weight·ln(1 + bm25) ≥ threshold``.

    * ``dense``: cosine similarity of the best item's best passage;
    * ``out_of_scope``: the question's highest similarity to descriptions of what the assistant
      does not cover (knowledge/out_of_scope.py) — a reject class;
    * ``bm25``: the best lexical score of the (expanded) question without year numbers.

    Weights and threshold are fitted on bench/devset.jsonl (``python -m bench.tune_confidence``),
    never on tests; see BENCHMARKS.md. They depend on the encoder and, through BM25, somewhat on the
    size of the knowledge base, so re-tune them for a very different base.
    """

    threshold: float = 0.2719
    anchor_weight: float = 0.7943
    lexical_weight: float = 0.0608

    def score(self, dense: float, out_of_scope: float, bm25: float) -> float:
        return dense - self.anchor_weight * out_of_scope + self.lexical_weight * math.log1p(max(bm25, 0.0))


@dataclass(frozen=True)
class RetrievalParams:
    pool: int = 100
    fusion: str = "linear"  # or "rrf" (reciprocal rank fusion), kept for comparison
    lexical_weight: float = 0.03
    rrf_lexical_weight: float = 0.3
    place_boost: float = 1.0  # projects matching every restriction (place, year, legal form in a list question)
    topic_boost: float = 0.3
    kind_boost: float = 0.03  # "Veranstaltungen …", "Leitfaden …": items of the asked-for kind first


# max IDF (= ln(1 + (N + 0.5) / 0.5)) of the sample base with N = 409 passages, on which the
# confidence rule was fitted; other bases' BM25 scores are scaled to it.
REFERENCE_MAX_IDF = 6.7093
_YEARS = re.compile(r"\b(?:19|20)\d\d\b")


def lexical_coverage(words: list[str], text: str) -> float:
    """Share of the question's content words (folded, stemmed prefix) found in ``text``."""
    if not words:
        return 0.0
    haystack = fold(text)
    found = sum(1 for w in words if w[: max(4, len(w) - 2)] in haystack)
    return found / len(words)


def retrieve(
    snapshot: SearchSnapshot,
    query_vector: np.ndarray,
    understood: UnderstoodQuery,
    *,
    k: int = 5,
    rule: ConfidenceRule = ConfidenceRule(),
    params: RetrievalParams = RetrievalParams(),
    search_text: str | None = None,
    out_of_scope: np.ndarray | None = None,
) -> Answer:
    text = search_text or understood.text
    filters = understood.filters
    if not snapshot.chunks:
        return Answer(understood.text, False, [], filters)

    # 1. candidate chunks: dense and lexical neighbours, plus every chunk of filter-matching projects
    dense_top = snapshot.vectors.search(query_vector, params.pool)
    lexical_scores = snapshot.lexical.all_scores(text)  # computed once, used for ranking and confidence
    lexical_top = snapshot.lexical.top(lexical_scores, params.pool)
    candidates = {cid for cid, _ in dense_top} | {cid for cid, _ in lexical_top}
    filtered_projects = _filtered_projects(snapshot, filters)
    for item in filtered_projects:
        candidates.update(snapshot.item_chunks.get(item.key, ()))
    candidates = {c for c in candidates if c in snapshot.chunks}
    if not candidates:
        return Answer(understood.text, False, [], filters)
    cand = sorted(candidates)
    dense = snapshot.vectors.scores_for(query_vector, cand)
    lexical = snapshot.lexical.pick(lexical_scores, cand)

    # linear fusion: cosine + a small share of the query-normalised BM25 score (measured better than
    # RRF on the development set, because it keeps the dense score's margin; see BENCHMARKS.md)
    if params.fusion == "rrf":
        dense_rank = sorted(cand, key=lambda c: -dense.get(c, -1.0))
        lexical_rank = sorted((c for c in cand if lexical.get(c, 0.0) > 0), key=lambda c: -lexical[c])
        fused = reciprocal_rank_fusion([dense_rank, lexical_rank], k=60, weights=[1.0, params.rrf_lexical_weight])
    else:
        max_lexical = max(lexical.values(), default=0.0) or 1.0
        fused = {c: dense.get(c, -1.0) + params.lexical_weight * lexical.get(c, 0.0) / max_lexical for c in cand}

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
    matching = {item.key for item in filtered_projects}
    for key in item_score:
        item = snapshot.items[key]
        if key in matching:
            item_score[key] += params.place_boost
        if filters.kind is not None:
            if item.kind == filters.kind:
                item_score[key] += params.kind_boost
                if filters.topics and _topic_matches(item.topic, filters.topics):
                    item_score[key] += params.topic_boost
        elif (filters.topics and item.kind == "project" and item.topic in filters.topics
                and (filters.list_intent or filters.restricts_projects)):
            item_score[key] += params.topic_boost
        if item.kind == "event" and item.cancelled:
            item_score[key] -= 0.01

    ranked = sorted(item_score, key=lambda key: -item_score[key])[:k]
    terms = understood.residual_words or snapshot.lexical.analyzer.words(text)
    hits = []
    for key in ranked:
        item = snapshot.items[key]
        chunk = snapshot.chunks[best_chunk[key]]
        hits.append(
            SearchHit(
                id=item.id,
                kind=item.kind,
                title=item.title,
                score=float(item_score[key]),
                snippet=make_snippet(chunk.text, terms),
                url=item.url,
                section=chunk.section,
                item=item,
                dense=float(item_dense[key]),
                lexical=float(lexical.get(best_chunk[key], 0.0)),
            )
        )

    # 4. confidence
    top = hits[0]
    anchor = float(np.max(out_of_scope @ query_vector)) if out_of_scope is not None and len(out_of_scope) else 0.0
    without_years = _YEARS.sub(" ", text)
    confidence_scores = lexical_scores if without_years == text else snapshot.lexical.all_scores(without_years)
    bm25_raw = float(confidence_scores.max(initial=0.0))
    # BM25 grows with ln(corpus size): scale it to the size of the base the rule was fitted on
    bm25_top = bm25_raw * REFERENCE_MAX_IDF / snapshot.lexical.max_idf
    confidence = rule.score(top.dense, anchor, bm25_top)
    if filters.restricts_projects:
        # beyond the filters, the question's distinctive words must occur in the best project
        distinctive = _distinctive_nouns(snapshot, understood.residual_words, text)
        unknown = _unknown_nouns(snapshot, understood.residual_words, understood.text)
        top_text = " ".join(snapshot.chunks[c].embed_text for c in snapshot.item_chunks.get(ranked[0], ()))
        relevant = understood.filter_only or (
            confidence >= rule.threshold
            and not unknown  # "Sperrmülltermin in Bocholt": the place is known, the subject is not
            and (not distinctive or lexical_coverage(distinctive, top_text) > 0)
        )
        answered = (
            bool(matching)
            and ranked[0] in matching
            and (not filters.topics or snapshot.items[ranked[0]].topic in filters.topics)
            and relevant
        )
    else:
        topic_list = (  # "Welche Standesämter gibt es?": a list of a topic's projects
            understood.filter_only and bool(filters.topics) and top.item.kind == "project"
            and top.item.topic in filters.topics
        )
        answered = confidence >= rule.threshold or topic_list or _known_keywords(snapshot, understood.text)
    return Answer(
        question=understood.text,
        answered=answered,
        hits=hits,
        filters=filters,
        confidence=float(confidence - rule.threshold),
        signals={"dense": float(top.dense), "out_of_scope": anchor, "bm25": bm25_top, "bm25_raw": bm25_raw},
        highlight_terms=terms,
        search_text=text,
    )


def _distinctive_nouns(snapshot: SearchSnapshot, words: list[str], text: str) -> list[str]:
    """Content words written as German nouns (capitalised) that the corpus uses, but not everywhere."""
    nouns = {fold(m) for m in re.findall(r"(?<![\w-])[A-ZÄÖÜ][\wäöüß]+", text)}
    lexical = snapshot.lexical
    return [w for w in words if w in nouns and lexical.is_known(w) and not lexical.is_common(w)]


def _unknown_nouns(snapshot: SearchSnapshot, words: list[str], question: str) -> list[str]:
    """The question's capitalised content words when the knowledge base uses none of them."""
    nouns = {fold(m) for m in re.findall(r"(?<![\w-])[A-ZÄÖÜ][\wäöüß-]{4,}", question)}
    content_nouns = [w for w in words if w in nouns]
    unknown = [w for w in content_nouns if not snapshot.lexical.is_known(w)]
    return unknown if len(unknown) == len(content_nouns) else []  # none of the subject's nouns is known


def _known_keywords(snapshot: SearchSnapshot, question: str) -> bool:
    """A short keyword query ("Bauhof", "Vergabe Inhouse") whose every word the knowledge base uses."""
    if "?" in question:
        return False
    words = snapshot.lexical.analyzer.words(question)
    return 1 <= len(words) <= 3 and all(snapshot.lexical.is_known(w) for w in words)


def _topic_matches(topic: str, topics: frozenset[str]) -> bool:
    """Events and documents use free topic names: match them loosely against project topics."""
    folded = fold(topic)
    return any(fold(t) in folded or folded in fold(t) or fold(t).split("/")[0] in folded for t in topics if t)


def _filtered_projects(snapshot: SearchSnapshot, filters: QueryFilters) -> list:
    if not filters.restricts_projects:
        return []
    return snapshot.projects_matching(
        kreise=filters.kreise,
        towns=filters.towns,
        legal_forms=filters.legal_forms if (filters.list_intent or filters.places) else frozenset(),
        year_min=filters.year_min,
        year_max=filters.year_max,
    )
