"""Browsing without a question: topic and Kreis menus, project pages, documents, FAQ, events,
similar projects, further result pages, and opening or sending one item."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from embeddings.vector_index import IndexMissing
from knowledge.service import KnowledgeBase
from knowledge.settings import Settings

from bot import callback_data
from bot.answer_cache import AnswerCache
from bot.callback_data import item_ref
from bot.cards import CARD_FURTHER_HITS, Cards
from bot.formatting import short_label
from bot.replies import Button, DocumentFile, Reply, Span, text_span
from bot.texts import t
from knowledge.kinds import kind_by_letter

PAGE_SIZE = 5
LIST_LIMIT = 30


def invalid_button(lang: str) -> Reply:
    """The polite notice for forged or outdated buttons."""
    return Reply(notice=t("invalid_button", lang))


class Browsing:
    """Lists and item pages (blocking: reads the database and the search snapshot)."""

    def __init__(self, kb: KnowledgeBase, settings: Settings, cards: Cards, answers: AnswerCache,
                 clock: Callable[[], datetime]) -> None:
        self.kb = kb
        self.settings = settings
        self.cards = cards
        self.answers = answers
        self.clock = clock
        self._lock = threading.Lock()
        self._long_refs: dict[str, tuple[str, str]] = {}

    # --- results of a question ----------------------------------------------------------------------
    def more_results(self, qid: int, page: int, lang: str, *, replace: bool) -> Reply:
        answer = self.answers.get(qid)
        if answer is None:
            return invalid_button(lang)
        start = 1 + CARD_FURTHER_HITS + (page - 1) * PAGE_SIZE
        hits = answer.hits[start : start + PAGE_SIZE]
        if page < 1 or not hits:
            return Reply(notice=t("no_more_results", lang)).add(text_span("no_more_results", lang))
        reply = Reply(replace=replace)
        reply.add(text_span("more_results_title", lang, question=answer.question, first=start + 1,
                            last=start + len(hits), total=len(answer.hits)))
        for rank, hit in enumerate(hits, start=start + 1):
            self.cards.hit_line(reply, rank, hit, lang)
        nav = []
        if page > 1:
            nav.append(Button(t("button_previous", lang), callback_data.build("M", qid, page - 1)))
        if start + PAGE_SIZE < len(answer.hits):
            nav.append(Button(t("button_next", lang), callback_data.build("M", qid, page + 1)))
        reply.row(*nav)
        return reply

    # --- one item ----------------------------------------------------------------------------------------
    def resolve_ref(self, ref: str) -> tuple[str, str] | None:
        """(kind, id) of an item reference from callback data, None if unknown."""
        if not ref.startswith("#"):
            kind = kind_by_letter(ref[0])
            return (kind.name, ref[1:]) if kind else None
        with self._lock:
            known = self._long_refs.get(ref)
        if known:
            return known
        try:
            items = self.kb.snapshot().items
        except IndexMissing:
            return None
        for kind, item_id in items:
            if item_ref(kind, item_id) == ref:
                with self._lock:
                    self._long_refs[ref] = (kind, item_id)
                return kind, item_id
        return None

    def open_item(self, kind: str, item_id: str, lang: str) -> Reply:
        item = self.cards.item_info(kind, item_id)
        if item is None:
            return invalid_button(lang)
        reply = Reply()
        self.cards.item_card(reply, item, lang)
        reply.row(*self.cards.item_actions(kind, item_id, lang))
        return reply

    def project(self, project_id: str, lang: str) -> Reply:
        if not project_id:
            projects, _ = self.kb.projects(limit=1)
            return Reply().add(text_span("project_usage", lang, example=projects[0].id if projects else "P001"))
        project = self.kb.project(project_id)
        if project is None:
            return Reply().add(text_span("project_unknown", lang, id=project_id))
        reply = Reply()
        self.cards.project_lines(reply, project, lang)
        reply.row(*self.cards.item_actions("project", project.id, lang))
        return reply

    def similar(self, project_id: str, lang: str) -> Reply:
        project = self.kb.project(project_id)
        if project is None:
            return invalid_button(lang)
        reply = Reply().add(text_span("similar_title", lang, title=project.title))
        found = self.kb.similar("project", project_id, k=PAGE_SIZE)
        if not found:
            return reply.add(text_span("no_similar", lang))
        for rank, (item, _score) in enumerate(found, start=1):
            context = f" – {item.kreis}" if item.kreis else ""
            reply.add(f"{rank}. ", Span(item.title, "b"), context)
            reply.row(Button(short_label(f"{rank}. {item.title}"), callback_data.build("o", item_ref("project", item.id))))
        return reply

    def send_document(self, document_id: str, lang: str) -> Reply:
        document = self.kb.document(document_id)
        if document is None:
            return invalid_button(lang)
        path = Path(document.file) if document.file else None
        if path is not None and path.is_file():
            if path.stat().st_size <= self.settings.max_document_bytes:
                name = document.file_name or path.name
                return Reply(document=DocumentFile(path, name, document.title)).add(Span(document.title, "b"))
            reply = Reply().add(text_span("document_too_large", lang, title=document.title))
        else:
            reply = Reply().add(text_span("document_unavailable", lang, title=document.title))
        if document.url:
            reply.add("🔗 ", Span(document.url, "link", document.url))
        elif self.settings.portal_url:
            reply.add("🔗 ", Span(self.settings.portal_url, "link", self.settings.portal_url))
        return reply

    # --- lists ---------------------------------------------------------------------------------------------
    def topics_menu(self, lang: str) -> Reply:
        topics = self.kb.topics()
        if not topics:
            return Reply().add(text_span("nothing_loaded", lang))
        reply = Reply().add(text_span("topics_title", lang))
        return _two_per_row(reply, [Button(short_label(f"{name} ({count})", 30), callback_data.build("t", i, 0))
                                    for i, (name, count) in enumerate(topics)])

    def kreise_menu(self, lang: str, *, unknown: str | None = None) -> Reply:
        kreise = self.kb.kreise()
        if not kreise:
            return Reply().add(text_span("nothing_loaded", lang))
        reply = Reply()
        if unknown:
            reply.add(text_span("kreis_unknown", lang, name=unknown))
        else:
            reply.add(text_span("kreise_title", lang))
        return _two_per_row(reply, [Button(short_label(f"{name} ({count})", 30), callback_data.build("k", i, 0))
                                    for i, (name, count) in enumerate(kreise)])

    def kreis(self, name: str, lang: str) -> Reply:
        """/kreis NAME: the projects of that Kreis (the menu when the name is unknown)."""
        if not name:
            return self.kreise_menu(lang)
        kreis = self.kb.find_kreis(name) if self.kb.has_index() else None
        names = [k for k, _ in self.kb.kreise()]
        if kreis is None or kreis not in names:
            return self.kreise_menu(lang, unknown=name)
        return self.projects_page("k", names.index(kreis), 0, lang, replace=False)

    def projects_page(self, action: str, index: int, page: int, lang: str, *, replace: bool) -> Reply:
        """A page of the projects of topic (``action`` "t") or Kreis ("k") number ``index``."""
        names = [name for name, _ in (self.kb.topics() if action == "t" else self.kb.kreise())]
        if not 0 <= index < len(names):
            return invalid_button(lang)
        name = names[index]
        topic, kreis = (name, None) if action == "t" else (None, name)
        projects, total = self.kb.projects(topic=topic, kreis=kreis, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
        if not projects:
            return Reply(replace=replace).add(text_span("no_projects", lang))
        first = page * PAGE_SIZE + 1
        key = "projects_in_topic" if action == "t" else "projects_in_kreis"
        reply = Reply(replace=replace).add(
            text_span(key, lang, name=name, first=first, last=first + len(projects) - 1, total=total)
        )
        for rank, project in enumerate(projects, start=first):
            where = project.kreis if action == "t" else ", ".join(project.municipalities[:3])
            reply.add(f"{rank}. ", Span(project.title, "b"), f" – {where}" if where else "")
            reply.row(Button(short_label(f"{rank}. {project.title}"),
                             callback_data.build("o", item_ref("project", project.id))))
        nav = []
        if page > 0:
            nav.append(Button(t("button_previous", lang), callback_data.build(action, index, page - 1)))
        if first - 1 + len(projects) < total:
            nav.append(Button(t("button_next", lang), callback_data.build(action, index, page + 1)))
        reply.row(*nav)
        return reply

    def documents(self, lang: str) -> Reply:
        documents = self.kb.documents()
        if not documents:
            return Reply().add(text_span("no_documents", lang))
        reply = Reply().add(text_span("documents_title", lang))
        for document in documents[:LIST_LIMIT]:
            reply.add("📄 ", Span(document.title, "b"), f" – {document.topic}" if document.topic else "")
            reply.row(Button(short_label(f"📄 {document.title}"),
                             callback_data.build("d", item_ref("document", document.id))))
        return reply

    def faq_list(self, lang: str) -> Reply:
        faqs = self.kb.faqs()
        if not faqs:
            return Reply().add(text_span("no_faq", lang))
        reply = Reply().add(text_span("faq_title", lang))
        for rank, faq in enumerate(faqs[:LIST_LIMIT], start=1):
            reply.add(f"{rank}. {faq.question}")
            reply.row(Button(short_label(f"{rank}. {faq.question}"), callback_data.build("o", item_ref("faq", faq.id))))
        return reply

    def events(self, lang: str) -> Reply:
        events = self.kb.upcoming_events(now=self.clock(), limit=10)
        if not events:
            return Reply().add(text_span("no_events", lang))
        reply = Reply().add(text_span("events_title", lang))
        for event in events:
            reply.blank()
            self.cards.event_lines(reply, event, lang)
        reply.blank().add(Span(t("time_zone_note", lang, timezone=self.settings.timezone), "i"))
        return reply


def _two_per_row(reply: Reply, buttons: list[Button]) -> Reply:
    for start in range(0, len(buttons), 2):
        reply.row(*buttons[start : start + 2])
    return reply
