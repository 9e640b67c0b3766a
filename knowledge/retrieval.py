"""Hybrid retrieval: dense (FAISS) + lexical (BM25) fused by RRF, grouped by item, with
filter boosts from query understanding and a confidence rule that decides whether to answer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from embeddings.fusion import reciprocal_rank_fusion
from knowledge.answers import Answer, SearchHit, make_snippet
from knowledge.catalog import ItemKey
from knowledge.query_understanding import QueryFilters, UnderstoodQuery, legal_form_key
from knowledge.search_index import SearchSnapshot


@dataclass(frozen=True)
class ConfidenceRule:
    """Answer when the best item is semantically close enough, or close and lexically supported.

    Thresholds are tuned on bench/devset.jsonl (see BENCHMARKS.md), never on tests.
    """

    min_dense: float = 0.845
    min_dense_with_lexical: float = 0.815
    min_lexical: float = 0.34

    def decide(self, dense: float, coverage: float) -> bool:
        return dense >= self.min_dense or (dense >= self.min_dense_with_lexical and coverage >= self.min_lexical)


@dataclass(frozen=True)
class RetrievalParams:
    pool: int = 80
    rrf_k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 0.6
    place_boost: float = 1.0
    legal_form_boost: float = 0.6
    topic_boost: float = 0.3


def lexical_coverage(words: list[str], text: str) -> float:
    """Share of the question's content words (folded, stemmed prefix) found in ``text``."""
    if not words:
        return 0.0
    from embeddings.lexical import fold

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
) -> Answer:
    text = search_text or understood.text
    filters = understood.filters
    if not snapshot.chunks:
        return Answer(understood.text, False, [], filters)

    # 1. candidate chunks: dense and lexical neighbours, plus every chunk of filter-matching projects
    dense_top = snapshot.vectors.search(query_vector, params.pool)
    lexical_top = snapshot.lexical.search(text, params.pool)
    candidates = {cid for cid, _ in dense_top} | {cid for cid, _ in lexical_top}
    filtered_projects = _filtered_projects(snapshot, filters)
    for item in filtered_projects:
        candidates.update(snapshot.item_chunks.get(item.key, ()))
    candidates = {c for c in candidates if c in snapshot.chunks}
    if not candidates:
        return Answer(understood.text, False, [], filters)
    cand = sorted(candidates)
    dense = snapshot.vectors.scores_for(query_vector, cand)
    lexical = snapshot.lexical.scores_for(text, cand)

    dense_rank = sorted(cand, key=lambda c: -dense.get(c, -1.0))
    lexical_rank = sorted((c for c in cand if lexical.get(c, 0.0) > 0), key=lambda c: -lexical[c])
    fused = reciprocal_rank_fusion(
        [dense_rank, lexical_rank], k=params.rrf_k, weights=[params.dense_weight, params.lexical_weight]
    )

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

    # 3. boosts from recognised filters
    matching = {item.key for item in filtered_projects}
    for key in item_score:
        item = snapshot.items[key]
        if key in matching:
            if filters.places:
                item_score[key] += params.place_boost
            if filters.legal_forms and (filters.places or filters.list_intent):
                item_score[key] += params.legal_form_boost
        elif filters.legal_forms and filters.list_intent and legal_form_key(item.legal_form) in filters.legal_forms:
            item_score[key] += params.legal_form_boost * 0.5
        if filters.topics and item.topic in filters.topics and (filters.list_intent or filters.places):
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
    coverage = lexical_coverage(terms, snapshot.chunks[best_chunk[ranked[0]]].embed_text) if terms else 0.0
    if filters.places or (filters.legal_forms and filters.list_intent):
        answered = bool(matching) and (understood.filter_only or rule.decide(top.dense + 0.02, coverage))
        if matching and ranked[0] not in matching:
            answered = rule.decide(top.dense, coverage)
    else:
        answered = rule.decide(top.dense, coverage)
    return Answer(
        question=understood.text,
        answered=answered,
        hits=hits,
        filters=filters,
        confidence=float(top.dense),
        highlight_terms=terms,
        search_text=text,
    )


def _filtered_projects(snapshot: SearchSnapshot, filters: QueryFilters) -> list:
    if filters.places:
        return snapshot.projects_matching(
            kreise=filters.kreise, towns=filters.towns, legal_forms=filters.legal_forms
        )
    if filters.legal_forms and filters.list_intent:
        return snapshot.projects_matching(legal_forms=filters.legal_forms)
    return []
