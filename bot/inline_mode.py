"""Inline mode (``@bot Suchbegriff`` in any chat): shareable item cards."""

from __future__ import annotations

import re
from dataclasses import dataclass

from embeddings.vector_index import IndexMissing
from knowledge.catalog import ItemInfo
from knowledge.service import KnowledgeBase
from knowledge.settings import Settings

from bot.callback_data import item_ref
from bot.cards import Cards
from bot.formatting import highlighted
from bot.replies import Reply, Span

DEEP_LINK_ID = re.compile(r"[A-Za-z0-9_-]{1,55}")


@dataclass(frozen=True)
class InlineCard:
    """A shareable result for inline mode."""

    id: str
    title: str
    description: str
    url: str | None
    reply: Reply
    deep_link: str | None = None


def inline_cards(kb: KnowledgeBase, settings: Settings, cards: Cards, query: str, lang: str, *,
                 limit: int = 10) -> list[InlineCard]:
    """Cards for an inline query; an empty query lists the first projects."""
    query = " ".join(query.split())[: settings.max_question_chars]
    found: list[InlineCard] = []
    if not query:
        projects, _ = kb.projects(limit=limit)
        items = [ItemInfo("project", p.id, p.title, p.url, p.topic, p.kreis, tuple(p.municipalities or ()))
                 for p in projects]
        snippets = {p.id: p.description for p in projects}
        terms: list[str] = []
    elif (shared := kb.project(query)) is not None:  # "Teilen" on a project card: @bot <id>
        items = [ItemInfo("project", shared.id, shared.title, shared.url, shared.topic, shared.kreis,
                          tuple(shared.municipalities or ()))]
        snippets = {shared.id: shared.description}
        terms = []
    else:
        try:
            answer = kb.ask(query, k=limit)
        except IndexMissing:
            return []
        items = [hit.item for hit in answer.hits]
        snippets = {hit.id: hit.snippet for hit in answer.hits}
        terms = answer.highlight_terms
    for item in items[:limit]:
        reply = Reply()
        cards.item_card(reply, item, lang)
        snippet = snippets.get(item.id) or ""
        if snippet and item.kind != "faq":
            reply.blank().add(Span("💬 "), *highlighted(snippet, terms))
        description = " · ".join(x for x in (item.kreis or "", item.topic, snippet[:80]) if x)
        deep = f"projekt_{item.id}" if item.kind == "project" and DEEP_LINK_ID.fullmatch(item.id) else None
        found.append(InlineCard(item_ref(item.kind, item.id), item.title, description, item.url, reply, deep))
    return found
