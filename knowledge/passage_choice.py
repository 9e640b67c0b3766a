"""Which passage of an item is shown: the one whose sentence answers the question best."""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np

from embeddings.lexical import LexicalIndex
from knowledge.catalog import ChunkInfo, ItemKey
from knowledge.search_index import SearchSnapshot
from knowledge.snippets import SnippetQuery, answer_words, answering_strength, ask_clause, asks_conditions

_ABSATZ_NUMBER = re.compile(r"\bAbs\. (\d+[a-z]?)")


def answering_chunk(snapshot: SearchSnapshot, chunk_ids: list[int], dense: Mapping[int, float], query: SnippetQuery,
                    *, answer_weight: float, later_absatz_penalty: float) -> int:
    """Of an item's passages ``chunk_ids``, the one to show: its dense similarity to the question
    (``dense``, as retrieval scored the candidates) plus how well its best sentence answers it (the
    question's rare words, asked facts, a definition)."""
    tokenize = snapshot.lexical.analyzer.tokens

    def score(cid: int) -> float:
        chunk = snapshot.chunks[cid]
        absatz = _ABSATZ_NUMBER.search(chunk.section)
        return (dense.get(cid, -1.0)
                + answer_weight * answering_strength(chunk.text, query, tokenize,
                                                     heading=heading_of(chunk, snapshot.items[chunk.item_key].title),
                                                     opening=not absatz or absatz.group(1) == "1")
                + 0.1 * query.cites(chunk.section)  # "nach § 2b Abs. 3": that Absatz
                - (later_absatz_penalty if absatz and absatz.group(1) != "1" else 0.0))

    return max(chunk_ids, key=score)


def heading_of(chunk: ChunkInfo, title: str = "") -> str:
    """What the passage sits under, as embedded: the heading, or a § with its title ("§ 55
    Vergleichsvertrag"), whose words the passage itself need not repeat. Not the document's
    ``title``, which every passage of the item shares ("… Onlinezugang zu Verwaltungsleistungen")."""
    if chunk.embed_text.endswith(chunk.text) and len(chunk.embed_text) > len(chunk.text) + 2:
        context = chunk.embed_text[: -len(chunk.text)].rstrip(": ")
        for name in (title, title.split(" – ")[0]) if title else ():
            if context == name:
                return ""
            if context.startswith(f"{name} – "):
                return context[len(name) + 3:]
        return context
    return chunk.section


def passage_pool(snapshot: SearchSnapshot, best_ranked: list[int], key: ItemKey, query: SnippetQuery,
                 query_vector: np.ndarray, dense: dict[int, float]) -> list[int]:
    """The passages of item ``key`` to choose from: its best-ranked ones, plus those under a
    provision the question names ("Was steht in § 2b Abs. 3?") where the search did not reach
    them (their similarity is added to ``dense``)."""
    rest = [c for c in snapshot.item_chunks.get(key, ()) if c not in best_ranked and c in snapshot.chunks
            and query.cites(snapshot.chunks[c].section)]
    if rest:
        dense.update(snapshot.vectors.scores_for(query_vector, rest))
    return best_ranked + rest


def holds_provision(snapshot: SearchSnapshot, key: ItemKey, provisions: frozenset[str]) -> bool:
    """Whether item ``key`` is a statute with a passage under a named provision ("nach § 2b
    UStG"); a guide whose heading merely mentions the § does not count."""
    named = SnippetQuery({}, provisions=provisions)
    return any(named.cites(section) for c in snapshot.item_chunks.get(key, ())
               if (section := snapshot.chunks[c].section).startswith(("§", "Art")))


def answer_query(lexical: LexicalIndex, search_text: str, question: str, facts: frozenset[str],
                 provisions: frozenset[str], *, ask_clause_weight: float) -> SnippetQuery:
    """What a snippet must answer: the words of ``search_text`` (the ``question`` with its glossary
    additions) weighted by rarity, words of the asking clause ``ask_clause_weight`` times more."""
    asked = set(lexical.query_tokens(ask_clause(search_text)))
    focus = ask_clause_weight if asked else 1.0
    return SnippetQuery({t: lexical.idf(t) * (focus if t in asked else 1.0)
                         for t in lexical.query_tokens(answer_words(search_text), heads=True)}, facts, provisions,
                        asks_conditions(question))
