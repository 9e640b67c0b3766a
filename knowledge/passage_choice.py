"""Which passage of an item is shown: the one whose sentence answers the question best."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache

import numpy as np

from embeddings.lexical import LexicalIndex, fold
from knowledge.catalog import ChunkInfo, ItemKey
from knowledge.chunking import statute_name
from knowledge.search_index import SearchSnapshot
from knowledge.snippets import SnippetQuery, answer_words, answering_strength, ask_clause, asks_conditions

_HOW = re.compile(r"\b(?:wie|how)\s+(hoch|viel\w*|lange?|oft|weit|gro(?:ß|ss)|teuer|schnell|much|many|long|high)\b",
                  re.I)
# the particles and fillers of spoken questions, prepositions the stop words lack ("pro Vorhaben") and the names
# of a statute's parts ("welche Nummer in § 4?"): rare in a base's texts, so heavily weighted, but no answer
# states them ("Was sagt § 106 GWB, ab wann gilt denn das überhaupt?")
FILLERS = (" überhaupt eigentlich denn halt mal eben bitte ungefähr etwa sowieso nochmal ja doch wohl vielleicht"
           " irgendwie irgendwo irgendwas also sagt sagen gibts okay hallo moin dat wat is ne nen pro je per"
           " nummer nummern absatz absätze paragraph paragraf paragraphen paragrafen")


@lru_cache(maxsize=8)
def _filler_stems(tokenize: Callable[[str], list[str]]) -> frozenset[str]:
    return frozenset(tokenize(FILLERS))


_ABSATZ_NUMBER = re.compile(r"\bAbs\. (\d+[a-z]?)")


def answering_chunk(snapshot: SearchSnapshot, chunk_ids: list[int], dense: Mapping[int, float], query: SnippetQuery,
                    *, answer_weight: float, later_absatz_penalty: float) -> int:
    """Of an item's passages ``chunk_ids``, the one to show: its dense similarity to the question
    (``dense``, as retrieval scored the candidates) plus how well its best sentence answers it (the
    question's rare words, asked facts, a definition)."""
    tokenize = snapshot.lexical.analyzer.tokens
    front = front_matter(snapshot, snapshot.chunks[chunk_ids[0]].item_key)

    def score(cid: int) -> float:
        chunk = snapshot.chunks[cid]
        absatz = _ABSATZ_NUMBER.search(chunk.section)
        return (dense.get(cid, -1.0)
                + answer_weight * _fact_factor(query, chunk.section) * answering_strength(chunk.text, query, tokenize,
                                                     heading=heading_of(chunk, snapshot.items[chunk.item_key].title),
                                                     opening=not absatz or absatz.group(1) == "1")
                + 0.1 * query.cites(chunk.section)  # "nach § 2b Abs. 3": that Absatz
                - (later_absatz_penalty if absatz and absatz.group(1) != "1" else 0.0)
                - (FRONT_MATTER_PENALTY if cid == front and not query.document else 0.0))

    return max(chunk_ids, key=score)


# a guide's passage that states the fact asked ("Fördersatz und Höchstbeträge: 80 %") beats one merely close to the
# question; a statute's Absätze are chosen by their wording alone (doubling it there lost 5 § of 276 on the dev sets)
FACT_PASSAGE_FACTOR = 2.0


def _fact_factor(query: SnippetQuery, section: str) -> float:
    return FACT_PASSAGE_FACTOR if query.facts and not section.startswith(("§", "Art")) else 1.0


FRONT_MATTER_PENALTY = 0.05
FRONT_MATTER_CHARS = 400


def front_matter(snapshot: SearchSnapshot, key: ItemKey) -> int | None:
    """The document's short opening passage before its first heading ("Beispieldokument – keine
    Rechtsberatung. Hinweis: …"): it carries the title, so it resembles every question on the topic,
    but it answers none of them. Shown only when the question asks for the document itself."""
    chunks = snapshot.item_chunks.get(key, ())
    if key[0] != "document" or len(chunks) < 2:
        return None
    first = snapshot.chunks[chunks[0]]
    return chunks[0] if not first.section and len(first.text) < FRONT_MATTER_CHARS else None


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


_LONG_NAME = re.compile(r"\b\w+gesetz(?:buch)?\b")  # "Onlinezugangsgesetz", not the bare "Gesetz zur …"


@lru_cache(maxsize=4_096)
def statute_names(title: str) -> frozenset[str]:
    """A statute's names as its title gives them: "Onlinezugangsgesetz", "OZG" (folded)."""
    short = statute_name(title)
    return frozenset(fold(name) for name in (*_LONG_NAME.findall(title), *([short] if short != title else [])))


_folded = lru_cache(maxsize=256)(fold)
_READS_BEFORE = r"(?:im|in|nach|laut|lt|gemaess|gem|des|dem|vom|ins|aus dem|nach dem|sagt das|regelt das|steht das)\s+"
_READS_AFTER = r"\s+(?:sagt|sagen|regelt|schreibt|steht|vorschreibt|bestimmt|vorsieht|verlangt)\b"


def names_statute(snapshot: SearchSnapshot, key: ItemKey, question: str) -> bool:
    """Whether ``question`` reads in the statute ``key`` by name ("steht das im OZG?", "nach dem
    Umsatzsteuergesetz", "was regelt das OZG"), not a topic named after it ("OZG-Umsetzung")."""
    if not any(snapshot.chunks[c].section.startswith("§") for c in snapshot.item_chunks.get(key, ())[:3]):
        return False
    folded = _folded(question)  # asked for every candidate item of one question
    return any(re.search(rf"(?:\b{_READS_BEFORE}{re.escape(name)}(?![\w-])|(?<![\w-]){re.escape(name)}{_READS_AFTER})",
                         folded) for name in statute_names(snapshot.items[key].title))


def answer_query(lexical: LexicalIndex, search_text: str, question: str, facts: frozenset[str],
                 provisions: frozenset[str], *, ask_clause_weight: float, document: bool = False) -> SnippetQuery:
    """What a snippet must answer: the words of ``search_text`` (the ``question`` with its glossary
    additions) weighted by rarity, words of the asking clause ``ask_clause_weight`` times more.
    ``document``: the question asks for a document ("Gibt es einen Leitfaden …?")."""
    asked = set(lexical.query_tokens(ask_clause(search_text)))
    focus = ask_clause_weight if asked else 1.0
    unstated = _filler_stems(lexical.analyzer.tokens) | set(lexical.analyzer.tokens(" ".join(_HOW.findall(search_text))))
    return SnippetQuery({t: lexical.idf(t) * (focus if t in asked else 1.0)
                         for t in lexical.query_tokens(answer_words(search_text), heads=True) if t not in unstated},
                        facts, provisions, asks_conditions(question), document)
