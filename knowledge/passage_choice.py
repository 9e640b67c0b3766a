"""Which passage of an item is shown: the one whose sentence answers the question best."""

from __future__ import annotations

import re

import numpy as np

from knowledge.search_index import SearchSnapshot
from knowledge.snippets import SnippetQuery, answering_strength

_ABSATZ_NUMBER = re.compile(r"\bAbs\. (\d+[a-z]?)")


def answering_chunk(snapshot: SearchSnapshot, chunk_ids: list[int], query_vector: np.ndarray, query: SnippetQuery,
                    *, answer_weight: float, later_absatz_penalty: float) -> int:
    """Of an item's passages ``chunk_ids``, the one to show: its dense similarity to the question plus
    how well its best sentence answers it (the question's rare words, asked facts, a definition)."""
    dense = snapshot.vectors.scores_for(query_vector, chunk_ids)
    tokenize = snapshot.lexical.analyzer.tokens

    def score(cid: int) -> float:
        chunk = snapshot.chunks[cid]
        absatz = _ABSATZ_NUMBER.search(chunk.section)
        return (dense.get(cid, -1.0)
                + answer_weight * answering_strength(chunk.text, query, tokenize, heading=chunk.section)
                + 0.1 * query.cites(chunk.section)  # "nach § 2b Abs. 3": that Absatz
                - (later_absatz_penalty if absatz and absatz.group(1) != "1" else 0.0))

    return max(chunk_ids, key=score)
