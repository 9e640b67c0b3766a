"""Browsing without a question: topic and Kreis menus, project pages, documents, FAQ, events,
similar projects, further result pages, and opening or sending one item."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from embeddings.lexical import fold
from embeddings.vector_index import IndexMissing
from knowledge.document_pdf import SHORT_TEXT_CHARS, document_pdf, needs_conversion, pdf_filename
from knowledge.models import Document, Project
from knowledge.service import KnowledgeBase
from knowledge.settings import Settings

from bot import callback_data
from bot.answer_cache import AnswerCache
from bot.callback_data import item_ref
from bot.cards import CARD_FURTHER_HITS, Cards
from bot.formatting import short_label
from bot.calendar_files import calendar_file
from bot.replies import Button, DocumentFile, GeneratedFile, Reply, Span, text_span
from bot.texts import t
from knowledge.kinds import kind_by_letter

PAGE_SIZE = 5


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
        if kind == "project":
            project = self.kb.project(item_id)
            return self.project_card(project, lang) if project is not None else invalid_button(lang)
        item = self.cards.item_info(kind, item_id)
        if item is None:
            return invalid_button(lang)
        reply = Reply()
        self.cards.item_card(reply, item, lang)
        reply.row(*self.cards.item_actions(kind, item_id, lang))
        return reply

    def project_card(self, project: Project, lang: str) -> Reply:
        """A project with its description (shortened: "Mehr"), similar projects and "Teilen"."""
        reply = Reply()
        if self.cards.project_lines(reply, project, lang, describe=True):
            reply.row(Button(t("button_more_text", lang), callback_data.build("pm", item_ref("project", project.id))))
        reply.row(*self.cards.item_actions("project", project.id, lang))
        return reply

    def project_description(self, project_id: str, lang: str) -> Reply:
        """"Mehr": the project's whole description."""
        project = self.kb.project(project_id)
        if project is None:
            return invalid_button(lang)
        return Reply().add("🤝 ", Span(project.title, "b")).add(project.description)

    def project(self, query: str, lang: str) -> Reply:
        """/projekt ID or /projekt NAME (words of the title; several matches: a choice)."""
        query = " ".join(query.split())
        if not query:
            projects, _ = self.kb.projects(limit=1)
            return Reply().add(text_span("project_usage", lang, example=projects[0].id if projects else "P001"))
        project = self.kb.project(query) or self.kb.project(query.upper())
        if project is not None:
            return self.project_card(project, lang)
        matches = self._projects_named(query)
        if len(matches) == 1:
            return self.project_card(matches[0], lang)
        if not matches:
            return Reply().add(text_span("project_unknown", lang, id=query))
        reply = Reply().add(text_span("project_by_name_choices", lang, name=query))
        for rank, match in enumerate(matches[:PAGE_SIZE], start=1):
            reply.add(f"{rank}. ", Span(match.title, "b"), f" – {match.kreis}" if match.kreis else "")
            reply.row(Button(short_label(f"{rank}. {match.title}"), callback_data.build("o", item_ref("project", match.id))))
        return reply

    def _projects_named(self, query: str) -> list[Project]:
        """Projects whose title (or municipalities) contain every word of ``query`` (umlaut- and
        case-tolerant); else the projects among the search results for it."""
        words = [fold(w) for w in re.findall(r"\w+", query) if len(w) > 1]
        projects, _ = self.kb.projects(limit=100_000)
        found = [p for p in projects
                 if words and all(w in fold(f"{p.title} {' '.join(p.municipalities or ())}") for w in words)]
        if found:
            return found
        try:
            answer = self.kb.ask(query, k=PAGE_SIZE)
        except IndexMissing:
            return []
        hits = [hit for hit in answer.hits if hit.kind == "project"]
        return [p for p in (self.kb.project(hit.id) for hit in hits[:PAGE_SIZE]) if p is not None]

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
        """The document's file; text documents (not PDF/DOCX) as a PDF made from their text, or
        as a formatted message when short."""
        document = self.kb.document(document_id)
        if document is None:
            return invalid_button(lang)
        path = Path(document.file) if document.file else None
        if document.text.strip() and needs_conversion(document.file_name or (path.name if path else None)):
            return self._text_document(document, lang)
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

    def _text_document(self, document: Document, lang: str) -> Reply:
        if len(document.text) <= SHORT_TEXT_CHARS:
            reply = Reply().add("📄 ", Span(document.title, "b")).blank()
            for line in document.text.splitlines():
                heading = re.match(r"^#{1,6}\s+(.*)$", line.strip())
                if heading:
                    reply.blank().add(Span(heading.group(1), "b"))
                elif line.strip():
                    reply.add(line.strip())
            if document.url:
                reply.blank().add("🔗 ", Span(t("label_link", lang), "link", document.url))
            return reply
        note = t("pdf_source_note", lang, file=document.file_name or document.id,
                 source=document.url or document.source or self.settings.portal_url)
        content = document_pdf(document.title, document.text, source_note=note)
        if len(content) > self.settings.max_document_bytes:
            reply = Reply().add(text_span("document_too_large", lang, title=document.title))
            link = document.url or self.settings.portal_url
            return reply.add("🔗 ", Span(link, "link", link)) if link else reply
        return Reply(document=GeneratedFile(content, pdf_filename(document.file_name, document.id),
                                            t("pdf_caption", lang, title=document.title))).add(Span(document.title, "b"))

    def event_calendar(self, event_id: str, lang: str) -> Reply:
        """📅 In den Kalender: the event's .ics file."""
        event = self.kb.event(event_id)
        if event is None:
            return invalid_button(lang)
        return Reply(document=calendar_file(event, now=self.clock(), lang=lang))

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
        self._nav(reply, lang, page, first - 1 + len(projects) < total, action, index)
        reply.row(Button(t("button_csv", lang), callback_data.build("x" + action, index)))
        return reply

    def _page(self, total: int, page: int) -> tuple[int, int, int] | None:
        """(first index, last index + 1, pages) of ``page``, None when it is out of range."""
        pages = max(1, -(-total // PAGE_SIZE))
        if not 0 <= page < pages:
            return None
        return page * PAGE_SIZE, min(total, (page + 1) * PAGE_SIZE), pages

    @staticmethod
    def _nav(reply: Reply, lang: str, page: int, has_next: bool, code: str, *prefix: object) -> None:
        """◀ ▶ buttons: callback data ``code:<prefix…>:<page>``."""
        nav = []
        if page > 0:
            nav.append(Button(t("button_previous", lang), callback_data.build(code, *prefix, page - 1)))
        if has_next:
            nav.append(Button(t("button_next", lang), callback_data.build(code, *prefix, page + 1)))
        reply.row(*nav)

    def _paged(self, items: list, page: int, lang: str, *, replace: bool, empty: str,
               title: str) -> tuple[Reply, list, int] | Reply:
        """The reply head of one page of a list (title, "Seite x von y"), or the reply for no page."""
        if not items:
            return Reply().add(text_span(empty, lang))
        span = self._page(len(items), page)
        if span is None:
            return Reply(notice=t("no_more_results", lang))
        start, end, pages = span
        reply = Reply(replace=replace).add(text_span(title, lang))
        reply.add(Span(t("page_of", lang, page=page + 1, pages=pages) + f" · {len(items)} ", "i"))
        return reply, items[start:end], pages

    def documents(self, lang: str, page: int = 0, *, replace: bool = False) -> Reply:
        paged = self._paged(self.kb.documents(), page, lang, replace=replace, empty="no_documents",
                            title="documents_title")
        if isinstance(paged, Reply):
            return paged
        reply, documents, pages = paged
        for document in documents:
            reply.add("📄 ", Span(document.title, "b"), f" – {document.topic}" if document.topic else "")
            reply.row(Button(short_label(f"📄 {document.title}"),
                             callback_data.build("d", item_ref("document", document.id))))
        self._nav(reply, lang, page, page + 1 < pages, "ld")
        return reply

    def faq_list(self, lang: str, page: int = 0, *, replace: bool = False) -> Reply:
        paged = self._paged(self.kb.faqs(), page, lang, replace=replace, empty="no_faq", title="faq_title")
        if isinstance(paged, Reply):
            return paged
        reply, faqs, pages = paged
        for rank, faq in enumerate(faqs, start=page * PAGE_SIZE + 1):
            reply.add(f"{rank}. {faq.question}")
            reply.row(Button(short_label(f"{rank}. {faq.question}"), callback_data.build("o", item_ref("faq", faq.id))))
        self._nav(reply, lang, page, page + 1 < pages, "lf")
        return reply

    def events(self, lang: str, page: int = 0, *, replace: bool = False) -> Reply:
        paged = self._paged(self.kb.upcoming_events(now=self.clock(), limit=10_000), page, lang, replace=replace,
                            empty="no_events", title="events_title")
        if isinstance(paged, Reply):
            return paged
        reply, events, pages = paged
        for event in events:
            reply.blank()
            self.cards.event_lines(reply, event, lang)
            reply.row(*self.cards.event_actions(event, lang))
        reply.blank().add(Span(t("time_zone_note", lang, timezone=self.settings.timezone), "i"))
        self._nav(reply, lang, page, page + 1 < pages, "le")
        reply.row(Button(t("button_csv", lang), callback_data.build("xe")))
        return reply


def _two_per_row(reply: Reply, buttons: list[Button]) -> Reply:
    for start in range(0, len(buttons), 2):
        reply.row(*buttons[start : start + 2])
    return reply
