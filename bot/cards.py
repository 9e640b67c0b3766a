"""Item cards: how a project, document, FAQ entry or event is shown, and the answer card."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from embeddings.vector_index import IndexMissing
from knowledge.answers import Answer, SearchHit
from knowledge.catalog import ItemInfo
from knowledge.kinds import kind_icon
from knowledge.models import Event, Project
from knowledge.service import KnowledgeBase
from knowledge.settings import Settings

from bot import callback_data
from bot.callback_data import item_ref
from bot.event_time import format_when
from bot.formatting import highlighted, short_label
from bot.replies import Button, Reply, Span, label_span, text_span
from bot.texts import t

CARD_FURTHER_HITS = 4
MAYBE_HITS = 3
DESCRIPTION_CHARS = 400  # longer descriptions are shortened on cards, "Mehr" shows all


def shortened(text: str, limit: int = DESCRIPTION_CHARS) -> tuple[str, bool]:
    """``text`` cut at a sentence or word end under ``limit`` (with "…"), and whether it was cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    cut = cut[: end + 1] if end > limit // 2 else cut[: cut.rfind(" ")].rstrip(",;:–-") + " …"
    return cut, True


class Cards:
    """Renders items into replies (blocking: reads the database)."""

    def __init__(self, kb: KnowledgeBase, settings: Settings) -> None:
        self.kb = kb
        self.settings = settings
        self.tz = ZoneInfo(settings.timezone)

    # --- answers ---------------------------------------------------------------------------------
    def answer_card(self, reply: Reply, answer: Answer, qid: int, lang: str) -> None:
        """The best hit as a card, its passage, further hits and the answer's buttons."""
        best = answer.best
        assert best is not None
        if best.snippet:  # the answer first: the answering sentence(s) and where they stand
            reply.add(Span("💡 "), *highlighted(best.snippet, answer.highlight_terms))
            reply.add(Span(t("answer_source", lang).format(source=best.source), "i"))
            reply.blank()
        self.item_card(reply, best.item, lang)
        further = answer.hits[1 : 1 + CARD_FURTHER_HITS]
        if further:
            reply.blank().add(text_span("further_hits", lang))
            for rank, hit in enumerate(further, start=2):
                self.hit_line(reply, rank, hit, lang)
        actions = []
        if len(answer.hits) > 1 + CARD_FURTHER_HITS:
            actions.append(Button(t("button_more", lang), callback_data.build("m", qid, 1)))
        actions.extend(self.item_actions(best.kind, best.id, lang))
        reply.row(*actions)
        if len(answer.hits) > 1:
            reply.row(Button(t("button_csv", lang), callback_data.build("xq", qid)))
        reply.row(Button(t("button_helpful", lang), callback_data.build("f", qid, 1)),
                  Button(t("button_not_helpful", lang), callback_data.build("f", qid, 0)))

    def maybe(self, reply: Reply, answer: Answer, qid: int, lang: str) -> None:
        """Unsure, but with candidates: the top items to choose from, and whom to ask."""
        if answer.empty_period:  # "Ist nächste Woche was los?" and nothing is: the next events
            reply.add(text_span("period_none", lang, period=answer.empty_period))
        else:
            reply.add(text_span("maybe", lang))
        for rank, hit in enumerate(answer.hits[:MAYBE_HITS], start=1):
            self.hit_line(reply, rank, hit, lang)
            if hit.snippet and rank == 1:
                reply.add(Span("   "), Span(hit.snippet, "i"))
        reply.row(Button(t("button_helpful", lang), callback_data.build("f", qid, 1)),
                  Button(t("button_not_helpful", lang), callback_data.build("f", qid, 0)))
        reply.blank().add(text_span("maybe_contact", lang, contact=self.settings.contact_text))

    def place_note(self, reply: Reply, answer: Answer, lang: str) -> None:
        """"No project in Olfen; projects of Kreis Coesfeld instead" before the hits."""
        note = answer.place_note
        assert note is not None
        topic = t("place_topic", lang).format(topic=note.topic) if note.topic else ""
        places = " / ".join(note.places)
        if note.kreis:
            reply.add(text_span("place_none_kreis", lang, places=places, topic=topic, kreis=note.kreis))
        else:
            reply.add(text_span("place_none_elsewhere", lang, places=places, topic=topic))
        reply.blank()

    def hit_line(self, reply: Reply, rank: int, hit: SearchHit, lang: str) -> None:
        """``rank. icon title – context`` plus a button opening the hit."""
        reply.add(f"{rank}. {kind_icon(hit.kind)} ", Span(hit.title, "b"), self.hit_context(hit, lang))
        reply.row(Button(short_label(f"{rank}. {hit.title}"), callback_data.build("o", item_ref(hit.kind, hit.id))))

    def hit_context(self, hit: SearchHit, lang: str) -> str:
        item = hit.item
        if item.kind == "project" and (item.kreis or item.municipalities):
            return f" – {item.kreis or ', '.join(item.municipalities[:3])}"
        if item.kind == "event" and item.start:
            return f" – {format_when(item.start, None, lang, self.tz)}"
        return ""

    def abstain(self, reply: Reply, answer: Answer, lang: str) -> None:
        """The honest "no answer": nearest topics to browse and whom to ask."""
        reply.add(text_span("abstain", lang))
        topics = [name for name, _ in self.kb.topics()]
        nearest: list[str] = []
        for hit in answer.hits:
            if hit.item.topic in topics and hit.item.topic not in nearest:
                nearest.append(hit.item.topic)
        nearest = nearest[:3] or topics[:3]
        if nearest:
            reply.blank().add(text_span("abstain_topics", lang))
            reply.row(*[Button(short_label(f"🏷 {name}", 30), callback_data.build("t", topics.index(name), 0))
                        for name in nearest])
        reply.blank().add(text_span("abstain_contact", lang, contact=self.settings.contact_text))

    # --- items -------------------------------------------------------------------------------------
    def item_actions(self, kind: str, item_id: str, lang: str) -> list[Button]:
        """"Similar projects" and "Teilen" for projects, "send document" for documents,
        "In den Kalender" and "Anmelden" for events."""
        if kind == "project":
            return [Button(t("button_similar", lang), callback_data.build("s", item_ref("project", item_id))),
                    Button(t("button_share", lang), share=item_id)]
        if kind == "document":
            return [Button(t("button_send_document", lang), callback_data.build("d", item_ref("document", item_id)))]
        if kind == "event":
            event = self.kb.event(item_id)
            return self.event_actions(event, lang) if event is not None else []
        return []

    def event_actions(self, event: Event, lang: str) -> list[Button]:
        """📅 In den Kalender (the .ics) and, where there is one, ✍️ Anmelden."""
        buttons = [Button(t("button_calendar", lang), callback_data.build("ic", item_ref("event", event.id)))]
        if event.registration_url and event.registration_url.startswith(("https://", "http://")):
            buttons.append(Button(t("button_register", lang), url=event.registration_url))
        return buttons

    def item_card(self, reply: Reply, item: ItemInfo, lang: str, *, describe: bool = False) -> None:
        """An item's card; ``describe``: projects with their (shortened) description."""
        if item.kind == "project":
            project = self.kb.project(item.id)
            if project is not None:
                self.project_lines(reply, project, lang, describe=describe)
                return
        if item.kind == "faq":
            faq = self.kb.faq(item.id)
            if faq is not None:
                reply.add(f"{kind_icon('faq')} ", Span(faq.question, "b"))
                reply.add(faq.answer)
                if faq.topic:
                    reply.add(label_span("label_topic", lang), faq.topic)
                return
        if item.kind == "event":
            event = self.kb.event(item.id)
            if event is not None:
                self.event_lines(reply, event, lang)
                return
        reply.add(f"{kind_icon(item.kind)} ", Span(item.title, "b"), f" ({t('kind_' + item.kind, lang)})")
        if item.topic:
            reply.add(label_span("label_topic", lang), item.topic)
        if item.url:
            reply.add("🔗 ", Span(t("label_link", lang), "link", item.url))

    def project_lines(self, reply: Reply, project: Project, lang: str, *, describe: bool = False) -> bool:
        """The project's card lines; with ``describe`` its description (shortened). True when
        the description was shortened (the caller offers "Mehr")."""
        reply.add(f"{kind_icon('project')} ", Span(project.title, "b"), Span(f"  ({project.id})", "i"))
        cut = False
        if describe and project.description:
            text, cut = shortened(project.description)
            reply.add(text)
        if project.municipalities:
            reply.add(label_span("label_municipalities", lang), ", ".join(project.municipalities))
        if project.kreis:
            reply.add(label_span("label_kreis", lang), project.kreis)
        if project.legal_form:
            reply.add(label_span("label_legal_form", lang), project.legal_form)
        if project.topic:
            reply.add(label_span("label_topic", lang), project.topic)
        if project.start_year:
            reply.add(label_span("label_since", lang), str(project.start_year))
        contact = ", ".join(x for x in (project.contact_name, project.contact_email, project.contact_phone) if x)
        if contact:
            reply.add(label_span("label_contact", lang), contact)
        if project.url:
            reply.add("🔗 ", Span(t("label_link", lang), "link", project.url))
        return cut

    def event_lines(self, reply: Reply, event: Event, lang: str) -> None:
        reply.add(f"{kind_icon('event')} ", Span(event.title, "b"))
        if event.cancelled:
            reply.add(Span(t("label_cancelled", lang), "b"))
        reply.add(label_span("label_when", lang), format_when(event.start, event.end, lang, self.tz))
        if event.location:
            reply.add(label_span("label_where", lang), event.location)
        link = event.registration_url or event.online_url
        if link:
            reply.add("🔗 ", Span(t("label_registration", lang), "link", link))

    def item_info(self, kind: str, item_id: str) -> ItemInfo | None:
        """What the search index knows about an item (projects also without an index)."""
        try:
            return self.kb.snapshot().items.get((kind, item_id))
        except IndexMissing:
            project = self.kb.project(item_id) if kind == "project" else None
            return ItemInfo("project", project.id, project.title, project.url, project.topic, project.kreis,
                            tuple(project.municipalities or ())) if project else None
