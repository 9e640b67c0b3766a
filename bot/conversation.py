"""The conversation logic shared by Telegram and the console: questions, follow-ups, commands
and button presses in, channel-independent :class:`~bot.replies.Reply` objects out.

Blocking (search, database): Telegram handlers call it through ``asyncio.to_thread``.

Callback data (all at most 64 bytes, validated by :func:`parse_callback`)::

    m:<qid>:<page>   more results of logged question <qid> (new message)
    M:<qid>:<page>   page through those results (edits the list)
    f:<qid>:<1|0>    👍 / 👎 feedback
    o:<ref>          open an item card      s:<ref>  similar projects     d:<ref>  send document
    t:<i>:<page>     projects of topic number i      k:<i>:<page>  projects of Kreis number i
    e:<i>            ask example question i
    <ref> = kind letter (p, d, f, e) + item id, or '#' + 12 hex digits (hash of a long id)
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from embeddings.vector_index import IndexMissing
from knowledge.answers import Answer, SearchHit
from knowledge.catalog import ItemInfo
from knowledge.models import Event, Project
from knowledge.query_log import log_question, logged_question, pseudonym_key, pseudonymise, record_feedback
from knowledge.query_understanding import QueryFilters
from knowledge.service import KnowledgeBase
from knowledge.settings import Settings

from bot.formatting import callback, highlighted, short_label
from bot.replies import Button, DocumentFile, Reply, Span, html_span
from bot.texts import t

log = logging.getLogger(__name__)

PAGE_SIZE = 5
CARD_FURTHER_HITS = 4
SEARCH_K = 20
ANSWER_CACHE_SIZE = 2000
KIND_LETTER = {"project": "p", "document": "d", "faq": "f", "event": "e"}
LETTER_KIND = {v: k for k, v in KIND_LETTER.items()}
KIND_ICON = {"project": "🤝", "document": "📄", "faq": "❓", "event": "📅"}
FOLLOW_UP_CUES = (
    "und ", "und?", "nur ", "auch ", "aber ", "sowie ", "oder ", "dasselbe ", "das gleiche ", "ebenso ",
    "what about", "how about", "and ", "only ", "also ", "same ", "or ",
)
PLACE_CUES = ("im ", "in ", "bei ", "für ", "fuer ", "mit ", "ohne ", "als ")

_CALLBACK_PATTERNS = {
    "m": re.compile(r"^m:(\d{1,12}):(\d{1,3})$"),
    "M": re.compile(r"^M:(\d{1,12}):(\d{1,3})$"),
    "f": re.compile(r"^f:(\d{1,12}):([01])$"),
    "o": re.compile(r"^o:([pdfe][^\s:]{1,60}|#[0-9a-f]{12})$"),
    "s": re.compile(r"^s:([pdfe][^\s:]{1,60}|#[0-9a-f]{12})$"),
    "d": re.compile(r"^d:([pdfe][^\s:]{1,60}|#[0-9a-f]{12})$"),
    "t": re.compile(r"^t:(\d{1,4}):(\d{1,4})$"),
    "k": re.compile(r"^k:(\d{1,4}):(\d{1,4})$"),
    "e": re.compile(r"^e:(\d{1,2})$"),
}


def parse_callback(data: str | None) -> tuple[str, tuple[str, ...]] | None:
    """(action, arguments) of valid callback data, None for anything forged or unknown."""
    if not data or len(data.encode("utf-8")) > 64:
        return None
    pattern = _CALLBACK_PATTERNS.get(data[0])
    match = pattern.match(data) if pattern else None
    return (data[0], match.groups()) if match else None


def item_ref(kind: str, item_id: str) -> str:
    """A short reference to an item for callback data (hash for long ids)."""
    ref = KIND_LETTER[kind] + item_id
    if len(ref.encode("utf-8")) <= 60 and ":" not in item_id and not any(c.isspace() for c in item_id):
        return ref
    return "#" + hashlib.sha1(f"{kind}:{item_id}".encode()).hexdigest()[:12]


def is_follow_up(text: str, filters: QueryFilters) -> bool:
    """Short messages that start like a refinement ("und im Kreis Borken?", "nur Zweckverbände")."""
    lowered = " ".join(text.lower().split())
    words = len(lowered.split())
    if words > 8:
        return False
    if lowered.startswith(FOLLOW_UP_CUES):
        return True
    return filters.any and words <= 4 and lowered.startswith(PLACE_CUES)


@dataclass(frozen=True)
class Turn:
    """Who is talking: a chat (for follow-ups), a user (for the log) and a language."""

    chat_key: int | str
    user_id: int | str | None
    lang: str = "de"
    channel: str = "telegram"


@dataclass
class _Recent:
    search_text: str
    question: str
    filters: QueryFilters
    at: datetime


@dataclass(frozen=True)
class InlineCard:
    """A shareable result for inline mode."""

    id: str
    title: str
    description: str
    url: str | None
    reply: Reply
    deep_link: str | None = None


class Conversation:
    """Answers questions and commands for one bot instance (any number of chats)."""

    def __init__(self, kb: KnowledgeBase, settings: Settings, clock: Callable[[], datetime]) -> None:
        self.kb = kb
        self.settings = settings
        self.clock = clock
        self.tz = ZoneInfo(settings.timezone)
        self._key = pseudonym_key(settings)
        self._lock = threading.Lock()
        self._recent: dict[int | str, _Recent] = {}
        self._answers: OrderedDict[int, Answer] = OrderedDict()
        self._long_refs: dict[str, tuple[str, str]] = {}

    # --- questions ---------------------------------------------------------------------------
    def ask(self, turn: Turn, text: str) -> Reply:
        """Answer a free-text question (or refine the previous one of this chat)."""
        lang = turn.lang
        question = " ".join(text.split())
        if not question:
            return Reply().add(self._t("empty_question", lang))
        if len(question) > self.settings.max_question_chars:
            return Reply().add(self._t("too_long", lang, max=self.settings.max_question_chars))
        previous = self._previous(turn.chat_key)
        try:
            follow_up = previous is not None and is_follow_up(question, self.kb.understand(question).filters)
            answer = self.kb.ask(
                question, k=SEARCH_K,
                previous=(previous.search_text, previous.filters) if follow_up and previous else None,
            )
        except IndexMissing:
            log.warning("question asked but the search index is missing")
            return Reply().add(self._t("index_missing", lang))
        user_hash = pseudonymise(self._key, turn.user_id) if turn.user_id is not None else None
        qid = log_question(self.kb.engine, user_id_hash=user_hash, question=question, answer=answer,
                           channel=turn.channel)
        with self._lock:
            self._answers[qid] = answer
            while len(self._answers) > ANSWER_CACHE_SIZE:
                self._answers.popitem(last=False)
            self._recent[turn.chat_key] = _Recent(
                answer.search_text or question, question, answer.filters, self.clock()
            )
        reply = Reply(query_id=qid)
        if follow_up and previous:
            reply.add(self._t("follow_up_note", lang, previous=previous.question)).blank()
        if answer.answered and answer.best:
            self._answer_card(reply, answer, qid, lang)
        else:
            self._abstain(reply, answer, lang)
        return reply

    def _previous(self, chat_key: int | str) -> _Recent | None:
        with self._lock:
            recent = self._recent.get(chat_key)
        if recent is None or self.clock() - recent.at > timedelta(seconds=self.settings.follow_up_seconds):
            return None
        return recent

    def _answer_card(self, reply: Reply, answer: Answer, qid: int, lang: str) -> None:
        best = answer.best
        assert best is not None
        self._item_card(reply, best.item, lang)
        if best.snippet and best.kind != "faq":
            reply.blank()
            section = f"{best.section}: " if best.section and best.kind == "document" else ""
            reply.add(Span("💬 "), Span(section, "i"), *highlighted(best.snippet, answer.highlight_terms))
        further = answer.hits[1 : 1 + CARD_FURTHER_HITS]
        if further:
            reply.blank().add(self._t("further_hits", lang))
            for rank, hit in enumerate(further, start=2):
                reply.add(f"{rank}. {KIND_ICON.get(hit.kind, '')} ", Span(hit.title, "b"), self._hit_context(hit))
                reply.row(Button(short_label(f"{rank}. {hit.title}"), callback("o", item_ref(hit.kind, hit.id))))
        actions = []
        if len(answer.hits) > 1 + CARD_FURTHER_HITS:
            actions.append(Button(t("button_more", lang), callback("m", qid, 1)))
        if best.kind == "project":
            actions.append(Button(t("button_similar", lang), callback("s", item_ref("project", best.id))))
        if best.kind == "document":
            actions.append(Button(t("button_send_document", lang), callback("d", item_ref("document", best.id))))
        reply.row(*actions)
        reply.row(Button(t("button_helpful", lang), callback("f", qid, 1)),
                  Button(t("button_not_helpful", lang), callback("f", qid, 0)))

    def _hit_context(self, hit: SearchHit) -> str:
        item = hit.item
        if item.kind == "project" and (item.kreis or item.municipalities):
            return f" – {item.kreis or ', '.join(item.municipalities[:3])}"
        if item.kind == "event" and item.start:
            return f" – {self._when(item.start)}"
        return ""

    def _abstain(self, reply: Reply, answer: Answer, lang: str) -> None:
        reply.add(self._t("abstain", lang))
        topics = [name for name, _ in self.kb.topics()]
        nearest: list[str] = []
        for hit in answer.hits:
            if hit.item.topic in topics and hit.item.topic not in nearest:
                nearest.append(hit.item.topic)
        nearest = nearest[:3] or topics[:3]
        if nearest:
            reply.blank().add(self._t("abstain_topics", lang))
            reply.row(*[Button(short_label(f"🏷 {name}", 30), callback("t", topics.index(name), 0))
                        for name in nearest])
        reply.blank().add(self._t("abstain_contact", lang, contact=self.settings.contact_text))

    def _cached_answer(self, qid: int) -> Answer | None:
        with self._lock:
            answer = self._answers.get(qid)
        if answer is not None:
            return answer
        row = logged_question(self.kb.engine, qid)  # e.g. after a restart: ask again
        if row is None:
            return None
        answer = self.kb.ask(row.question, k=SEARCH_K)
        with self._lock:
            self._answers[qid] = answer
        return answer

    def more_results(self, qid: int, page: int, lang: str, *, replace: bool) -> Reply:
        answer = self._cached_answer(qid)
        if answer is None:
            return self.invalid_button(lang)
        start = 1 + CARD_FURTHER_HITS + (page - 1) * PAGE_SIZE
        hits = answer.hits[start : start + PAGE_SIZE]
        if page < 1 or not hits:
            return Reply(notice=t("no_more_results", lang)).add(self._t("no_more_results", lang))
        reply = Reply(replace=replace)
        reply.add(self._t("more_results_title", lang, question=answer.question, first=start + 1,
                          last=start + len(hits), total=len(answer.hits)))
        for rank, hit in enumerate(hits, start=start + 1):
            reply.add(f"{rank}. {KIND_ICON.get(hit.kind, '')} ", Span(hit.title, "b"), self._hit_context(hit))
            reply.row(Button(short_label(f"{rank}. {hit.title}"), callback("o", item_ref(hit.kind, hit.id))))
        nav = []
        if page > 1:
            nav.append(Button(t("button_previous", lang), callback("M", qid, page - 1)))
        if start + PAGE_SIZE < len(answer.hits):
            nav.append(Button(t("button_next", lang), callback("M", qid, page + 1)))
        reply.row(*nav)
        return reply

    # --- item cards ----------------------------------------------------------------------------
    def _item_card(self, reply: Reply, item: ItemInfo, lang: str) -> None:
        icon = KIND_ICON.get(item.kind, "")
        if item.kind == "project":
            project = self.kb.project(item.id)
            if project is not None:
                self._project_lines(reply, project, lang)
                return
        if item.kind == "faq":
            faq = self.kb.faq(item.id)
            if faq is not None:
                reply.add(f"{icon} ", Span(faq.question, "b"))
                reply.add(faq.answer)
                if faq.topic:
                    reply.add(self._label("label_topic", lang), faq.topic)
                return
        if item.kind == "event":
            event = self.kb.event(item.id)
            if event is not None:
                self._event_lines(reply, event, lang)
                return
        reply.add(f"{icon} ", Span(item.title, "b"), f" ({t('kind_' + item.kind, lang)})")
        if item.topic:
            reply.add(self._label("label_topic", lang), item.topic)
        if item.url:
            reply.add("🔗 ", Span(t("label_link", lang), "link", item.url))

    def _project_lines(self, reply: Reply, project: Project, lang: str) -> None:
        reply.add("🤝 ", Span(project.title, "b"))
        if project.municipalities:
            reply.add(self._label("label_municipalities", lang), ", ".join(project.municipalities))
        if project.kreis:
            reply.add(self._label("label_kreis", lang), project.kreis)
        if project.legal_form:
            reply.add(self._label("label_legal_form", lang), project.legal_form)
        if project.topic:
            reply.add(self._label("label_topic", lang), project.topic)
        if project.start_year:
            reply.add(self._label("label_since", lang), str(project.start_year))
        contact = ", ".join(x for x in (project.contact_name, project.contact_email, project.contact_phone) if x)
        if contact:
            reply.add(self._label("label_contact", lang), contact)
        if project.url:
            reply.add("🔗 ", Span(t("label_link", lang), "link", project.url))

    def _event_lines(self, reply: Reply, event: Event, lang: str) -> None:
        reply.add("📅 ", Span(event.title, "b"))
        if event.cancelled:
            reply.add(Span(t("label_cancelled", lang), "b"))
        when = self._when(event.start)
        if event.end:
            end = event.end.astimezone(self.tz)
            if end.date() == event.start.astimezone(self.tz).date():
                when = when.removesuffix(" Uhr") + f"–{end:%H:%M} Uhr"
            else:
                when += f" – {self._when(event.end)}"
        reply.add(self._label("label_when", lang), when)
        if event.location:
            reply.add(self._label("label_where", lang), event.location)
        link = event.registration_url or event.online_url
        if link:
            reply.add("🔗 ", Span(t("label_registration", lang), "link", link))

    def _when(self, moment: datetime) -> str:
        local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(self.tz)
        return f"{local:%d.%m.%Y, %H:%M} Uhr"

    def _label(self, key: str, lang: str) -> Span:
        return Span(f"{t(key, lang)}: ", "i")

    def open_item(self, kind: str, item_id: str, lang: str) -> Reply:
        item = self._item_info(kind, item_id)
        if item is None:
            return self.invalid_button(lang)
        reply = Reply()
        self._item_card(reply, item, lang)
        if kind == "project":
            reply.row(Button(t("button_similar", lang), callback("s", item_ref("project", item_id))))
        if kind == "document":
            reply.row(Button(t("button_send_document", lang), callback("d", item_ref("document", item_id))))
        return reply

    def _item_info(self, kind: str, item_id: str) -> ItemInfo | None:
        try:
            return self.kb.snapshot().items.get((kind, item_id))
        except IndexMissing:
            project = self.kb.project(item_id) if kind == "project" else None
            return ItemInfo("project", project.id, project.title, project.url, project.topic, project.kreis,
                            tuple(project.municipalities or ())) if project else None

    def resolve_ref(self, ref: str) -> tuple[str, str] | None:
        """(kind, id) of an item reference from callback data, None if unknown."""
        if not ref.startswith("#"):
            kind = LETTER_KIND.get(ref[0])
            return (kind, ref[1:]) if kind else None
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

    def similar(self, project_id: str, lang: str) -> Reply:
        project = self.kb.project(project_id)
        if project is None:
            return self.invalid_button(lang)
        reply = Reply().add(self._t("similar_title", lang, title=project.title))
        found = self.kb.similar("project", project_id, k=PAGE_SIZE)
        if not found:
            return reply.add(self._t("no_similar", lang))
        for rank, (item, _score) in enumerate(found, start=1):
            context = f" – {item.kreis}" if item.kreis else ""
            reply.add(f"{rank}. ", Span(item.title, "b"), context)
            reply.row(Button(short_label(f"{rank}. {item.title}"), callback("o", item_ref("project", item.id))))
        return reply

    def send_document(self, document_id: str, lang: str) -> Reply:
        document = self.kb.document(document_id)
        if document is None:
            return self.invalid_button(lang)
        path = Path(document.file) if document.file else None
        if path is not None and path.is_file():
            if path.stat().st_size <= self.settings.max_document_bytes:
                name = document.file_name or path.name
                return Reply(document=DocumentFile(path, name, document.title)).add(Span(document.title, "b"))
            reply = Reply().add(self._t("document_too_large", lang, title=document.title))
        else:
            reply = Reply().add(self._t("document_unavailable", lang, title=document.title))
        if document.url:
            reply.add("🔗 ", Span(document.url, "link", document.url))
        elif self.settings.portal_url:
            reply.add("🔗 ", Span(self.settings.portal_url, "link", self.settings.portal_url))
        return reply

    # --- browsing --------------------------------------------------------------------------------
    def topics_menu(self, lang: str) -> Reply:
        topics = self.kb.topics()
        if not topics:
            return Reply().add(self._t("nothing_loaded", lang))
        reply = Reply().add(self._t("topics_title", lang))
        buttons = [Button(short_label(f"{name} ({count})", 30), callback("t", i, 0)) for i, (name, count) in enumerate(topics)]
        for start in range(0, len(buttons), 2):
            reply.row(*buttons[start : start + 2])
        return reply

    def kreise_menu(self, lang: str, *, unknown: str | None = None) -> Reply:
        kreise = self.kb.kreise()
        if not kreise:
            return Reply().add(self._t("nothing_loaded", lang))
        reply = Reply()
        if unknown:
            reply.add(self._t("kreis_unknown", lang, name=unknown))
        else:
            reply.add(self._t("kreise_title", lang))
        buttons = [Button(short_label(f"{name} ({count})", 30), callback("k", i, 0)) for i, (name, count) in enumerate(kreise)]
        for start in range(0, len(buttons), 2):
            reply.row(*buttons[start : start + 2])
        return reply

    def projects_page(self, action: str, index: int, page: int, lang: str, *, replace: bool) -> Reply:
        names = [name for name, _ in (self.kb.topics() if action == "t" else self.kb.kreise())]
        if not 0 <= index < len(names):
            return self.invalid_button(lang)
        name = names[index]
        topic, kreis = (name, None) if action == "t" else (None, name)
        projects, total = self.kb.projects(topic=topic, kreis=kreis, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
        if not projects:
            return Reply(replace=replace).add(self._t("no_projects", lang))
        first = page * PAGE_SIZE + 1
        key = "projects_in_topic" if action == "t" else "projects_in_kreis"
        reply = Reply(replace=replace).add(
            self._t(key, lang, name=name, first=first, last=first + len(projects) - 1, total=total)
        )
        for rank, project in enumerate(projects, start=first):
            where = project.kreis if action == "t" else ", ".join(project.municipalities[:3])
            reply.add(f"{rank}. ", Span(project.title, "b"), f" – {where}" if where else "")
            reply.row(Button(short_label(f"{rank}. {project.title}"), callback("o", item_ref("project", project.id))))
        nav = []
        if page > 0:
            nav.append(Button(t("button_previous", lang), callback(action, index, page - 1)))
        if first - 1 + len(projects) < total:
            nav.append(Button(t("button_next", lang), callback(action, index, page + 1)))
        reply.row(*nav)
        return reply

    # --- commands ----------------------------------------------------------------------------------
    def command(self, turn: Turn, name: str, args: str = "", *, bot_name: str = "IKZ_Assistent_bot") -> Reply:
        """Run a chat command (German or English name, without the slash)."""
        lang = turn.lang
        name = name.lower()
        args = args.strip()
        if name == "start":
            if args.startswith("projekt_"):
                return self.project(args.removeprefix("projekt_"), lang)
            return self.welcome(lang)
        if name in ("hilfe", "help"):
            return Reply().add(self._t("help", lang, bot=bot_name))
        if name in ("themen", "topics"):
            return self.topics_menu(lang)
        if name in ("kreis", "district"):
            if not args:
                return self.kreise_menu(lang)
            kreis = self.kb.find_kreis(args) if self.kb.has_index() else None
            names = [k for k, _ in self.kb.kreise()]
            if kreis is None or kreis not in names:
                return self.kreise_menu(lang, unknown=args)
            return self.projects_page("k", names.index(kreis), 0, lang, replace=False)
        if name in ("projekt", "project"):
            return self.project(args.split()[0] if args else "", lang)
        if name in ("dokumente", "documents"):
            return self.documents(lang)
        if name == "faq":
            return self.faq_list(lang)
        if name in ("veranstaltungen", "events"):
            return self.events(lang)
        if name in ("datenschutz", "privacy"):
            return self.privacy(lang)
        return Reply().add(self._t("unknown_command", lang))

    def welcome(self, lang: str) -> Reply:
        reply = Reply().add(self._t("welcome", lang))
        for i, example in enumerate(self.examples(lang)):
            reply.row(Button(f"💡 {example}", callback("e", i)))
        return reply

    def examples(self, lang: str) -> list[str]:
        return [x for x in t("examples", lang).split("|") if x]

    def project(self, project_id: str, lang: str) -> Reply:
        if not project_id:
            projects, _ = self.kb.projects(limit=1)
            return Reply().add(self._t("project_usage", lang, example=projects[0].id if projects else "P001"))
        project = self.kb.project(project_id)
        if project is None:
            return Reply().add(self._t("project_unknown", lang, id=project_id))
        reply = Reply()
        self._project_lines(reply, project, lang)
        reply.row(Button(t("button_similar", lang), callback("s", item_ref("project", project.id))))
        return reply

    def documents(self, lang: str) -> Reply:
        documents = self.kb.documents()
        if not documents:
            return Reply().add(self._t("no_documents", lang))
        reply = Reply().add(self._t("documents_title", lang))
        for document in documents[:30]:
            reply.add("📄 ", Span(document.title, "b"), f" – {document.topic}" if document.topic else "")
            reply.row(Button(short_label(f"📄 {document.title}"), callback("d", item_ref("document", document.id))))
        return reply

    def faq_list(self, lang: str) -> Reply:
        faqs = self.kb.faqs()
        if not faqs:
            return Reply().add(self._t("no_faq", lang))
        reply = Reply().add(self._t("faq_title", lang))
        for rank, faq in enumerate(faqs[:30], start=1):
            reply.add(f"{rank}. {faq.question}")
            reply.row(Button(short_label(f"{rank}. {faq.question}"), callback("o", item_ref("faq", faq.id))))
        return reply

    def events(self, lang: str) -> Reply:
        events = self.kb.upcoming_events(now=self.clock(), limit=10)
        if not events:
            return Reply().add(self._t("no_events", lang))
        reply = Reply().add(self._t("events_title", lang))
        for event in events:
            reply.blank()
            self._event_lines(reply, event, lang)
        reply.blank().add(Span(t("time_zone_note", lang), "i"))
        return reply

    def privacy(self, lang: str) -> Reply:
        if self.settings.privacy_text:
            return Reply().add(self.settings.privacy_text)
        return Reply().add(self._t("privacy_default", lang, days=self.settings.query_log_retention_days,
                                   contact=self.settings.contact_text))

    # --- buttons -------------------------------------------------------------------------------------
    def press(self, turn: Turn, data: str | None) -> Reply:
        """Handle a button press; forged or outdated data gets a polite notice."""
        lang = turn.lang
        parsed = parse_callback(data)
        if parsed is None:
            return self.invalid_button(lang)
        action, args = parsed
        if action in ("m", "M"):
            return self.more_results(int(args[0]), int(args[1]), lang, replace=action == "M")
        if action == "f":
            ok = record_feedback(self.kb.engine, int(args[0]), 1 if args[1] == "1" else -1, clock=self.clock)
            if not ok:
                return self.invalid_button(lang)
            return Reply(notice=t("feedback_thanks_up" if args[1] == "1" else "feedback_thanks_down", lang))
        if action in ("t", "k"):
            return self.projects_page(action, int(args[0]), int(args[1]), lang, replace=args[1] != "0")
        if action == "e":
            examples = self.examples(lang)
            index = int(args[0])
            if index >= len(examples):
                return self.invalid_button(lang)
            return self.ask(turn, examples[index])
        target = self.resolve_ref(args[0])
        if target is None:
            return self.invalid_button(lang)
        kind, item_id = target
        if action == "o":
            return self.open_item(kind, item_id, lang)
        if action == "s" and kind == "project":
            return self.similar(item_id, lang)
        if action == "d" and kind == "document":
            return self.send_document(item_id, lang)
        return self.invalid_button(lang)

    def invalid_button(self, lang: str) -> Reply:
        return Reply(notice=t("invalid_button", lang))

    # --- inline mode -----------------------------------------------------------------------------------
    def inline(self, query: str, lang: str, *, limit: int = 10) -> list[InlineCard]:
        """Shareable project (and other) cards for ``@bot query``."""
        query = " ".join(query.split())[: self.settings.max_question_chars]
        cards: list[InlineCard] = []
        if not query:
            projects, _ = self.kb.projects(limit=limit)
            items = [ItemInfo("project", p.id, p.title, p.url, p.topic, p.kreis, tuple(p.municipalities or ()))
                     for p in projects]
            snippets = {p.id: p.description for p in projects}
            terms: list[str] = []
        else:
            try:
                answer = self.kb.ask(query, k=limit)
            except IndexMissing:
                return []
            items = [hit.item for hit in answer.hits]
            snippets = {hit.id: hit.snippet for hit in answer.hits}
            terms = answer.highlight_terms
        for item in items[:limit]:
            reply = Reply()
            self._item_card(reply, item, lang)
            snippet = snippets.get(item.id) or ""
            if snippet and item.kind != "faq":
                reply.blank().add(Span("💬 "), *highlighted(snippet, terms))
            description = " · ".join(x for x in (item.kreis or "", item.topic, snippet[:80]) if x)
            deep = f"projekt_{item.id}" if item.kind == "project" and re.fullmatch(r"[A-Za-z0-9_-]{1,55}", item.id) else None
            cards.append(InlineCard(item_ref(item.kind, item.id), item.title, description, item.url, reply, deep))
        return cards

    # --- small replies ----------------------------------------------------------------------------------
    def simple(self, key: str, lang: str, **values: object) -> Reply:
        return Reply().add(self._t(key, lang, **values))

    @staticmethod
    def _t(key: str, lang: str, **values: object) -> Span:
        escaped = {k: html.escape(str(v), quote=False) for k, v in values.items()}
        return html_span(t(key, lang, **escaped))
