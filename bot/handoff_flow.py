"""The hand-off conversation: offer → confirmation (showing exactly what is sent) → post in the
advisory chat → an advisor's reply delivered to the user → "Als FAQ übernehmen".

Channel-independent and blocking (database); the Telegram handlers do the sending. The rules
that keep it private live in :mod:`knowledge.handoffs`: only a user's private chat can hand off,
and only replies in the advisory chat to the bot's own post are delivered, to that one user.
"""

from __future__ import annotations

import logging
from html import escape
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from knowledge import handoffs
from knowledge.advice_faq import adopt_as_faq
from knowledge.handoffs import Handoff, HandoffError
from knowledge.query_log import logged_question
from knowledge.service import KnowledgeBase
from knowledge.settings import Settings

from bot import callback_data
from bot.formatting import short_label
from bot.replies import Button, Reply, Span, html_span, text_span
from bot.texts import t

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AdvicePost:
    """What to post in the advisory chat for hand-off ``handoff_id``."""

    handoff_id: int
    chat_id: int
    reply: Reply


@dataclass(frozen=True)
class Delivery:
    """An advisor's reply: the message for the user and the acknowledgement for the advisory chat."""

    handoff_id: int
    user_chat_id: int
    user_reply: Reply
    lang: str


def ref(handoff_id: int) -> str:
    return f"H{handoff_id}"


class HandoffFlow:
    """Hand-offs for one bot instance."""

    def __init__(self, kb: KnowledgeBase, settings: Settings, clock: Callable[[], datetime]) -> None:
        self.kb = kb
        self.settings = settings
        self.clock = clock
        self.policy = handoffs.HandoffPolicy(max_question_chars=max(settings.max_question_chars, 1000))

    @property
    def advice_chat_id(self) -> int | None:
        return self.settings.resolved_advice_chat_id

    def offer(self, query_id: int, lang: str) -> Button:
        """The button under an uncertain answer, an abstention or after 👎."""
        return Button(t("button_handoff", lang), callback_data.build("h", query_id))

    # --- the user's side ----------------------------------------------------------------------------
    def start(self, *, user_chat_id: int | None, query_id: int, lang: str, sender_name: str | None) -> Reply:
        """A draft of logged question ``query_id`` and its confirmation."""
        if self.advice_chat_id is None:
            return Reply().add(text_span("handoff_unavailable", lang, contact=self.settings.contact_text))
        logged = logged_question(self.kb.engine, query_id)
        if logged is None:
            return Reply(notice=t("invalid_button", lang))
        try:
            draft = handoffs.create_draft(self.kb.engine, user_chat_id=user_chat_id or 0, question=logged.question,
                                          query_id=query_id, lang=lang, policy=self.policy, clock=self.clock)
        except HandoffError as error:
            key = "handoff_private_only" if error.reason == "private_only" else "handoff_too_many_open"
            return Reply().add(text_span(key, lang, contact=self.settings.contact_text))
        return self._confirmation(draft, lang, sender_name)

    def _confirmation(self, draft: Handoff, lang: str, sender_name: str | None, *, replace: bool = False) -> Reply:
        name = (sender_name or "").strip()
        if draft.include_name and name:
            name_line = text_span("handoff_name_on", lang, name=name)
        else:
            name_line = text_span("handoff_name_off", lang)
        reply = Reply(replace=replace).add(
            html_span(t("handoff_confirm", lang, question=escape(draft.question), name_line=name_line.text))
        )
        assert draft.id is not None
        toggle = (Button(t("button_handoff_name_off", lang), callback_data.build("hn", draft.id, 0)) if draft.include_name
                  else Button(t("button_handoff_name_on", lang), callback_data.build("hn", draft.id, 1)))
        reply.row(Button(t("button_handoff_send", lang), callback_data.build("hs", draft.id)), toggle)
        reply.row(Button(t("button_handoff_cancel", lang), callback_data.build("hx", draft.id)))
        return reply

    def toggle_name(self, *, user_chat_id: int | None, handoff_id: int, include: bool, lang: str,
                    sender_name: str | None) -> Reply:
        draft = handoffs.set_include_name(self.kb.engine, handoff_id, user_chat_id=user_chat_id or 0,
                                          include=include and bool((sender_name or "").strip()))
        if draft is None:
            return Reply(notice=t("invalid_button", lang))
        return self._confirmation(draft, lang, sender_name, replace=True)

    def cancel(self, *, user_chat_id: int | None, handoff_id: int, lang: str) -> Reply:
        if handoffs.cancel(self.kb.engine, handoff_id, user_chat_id=user_chat_id or 0) is None:
            return Reply(notice=t("invalid_button", lang))
        return Reply(replace=True).add(text_span("handoff_cancelled", lang))

    def claim(self, *, user_chat_id: int | None, handoff_id: int, lang: str,
              sender_name: str | None) -> tuple[Reply, AdvicePost | None]:
        """draft → sent; the user's confirmation and the post for the advisory chat (None: refused)."""
        chat_id = self.advice_chat_id
        if chat_id is None:
            return Reply().add(text_span("handoff_unavailable", lang, contact=self.settings.contact_text)), None
        row = handoffs.claim_for_sending(self.kb.engine, handoff_id, user_chat_id=user_chat_id or 0,
                                         sender_name=sender_name, advice_chat_id=chat_id, clock=self.clock)
        if row is None or row.id is None:
            return Reply(notice=t("invalid_button", lang)), None
        return (Reply(replace=True).add(text_span("handoff_sent", lang, ref=ref(row.id))),
                AdvicePost(row.id, chat_id, self._post(row)))

    def _post(self, row: Handoff) -> Reply:
        lang = "de"  # the advisory service works in German
        sender = (text_span("handoff_post_sender", lang, name=row.sender_name) if row.sender_name
                  else text_span("handoff_post_anonymous", lang))
        assistant = text_span("handoff_post_unanswered", lang)
        logged = logged_question(self.kb.engine, row.query_id) if row.query_id is not None else None
        if logged is not None and logged.answered and logged.top_ids:
            kind, _, item_id = logged.top_ids[0].partition(":")
            title = self._title(kind, item_id) or item_id
            assistant = text_span("handoff_post_answered", lang, best=short_label(title, 120))
        return Reply().add(html_span(t("handoff_post", lang, ref=ref(row.id or 0), sender=sender.text,
                                       question=escape(row.question), assistant=assistant.text)))

    def _title(self, kind: str, item_id: str) -> str | None:
        try:
            item = self.kb.snapshot().items.get((kind, item_id))
        except Exception:  # noqa: BLE001 - only decoration of the post
            return None
        return item.title if item else None

    def posted(self, handoff_id: int, message_id: int) -> None:
        """Remember the advisory chat's message, so replies to it find the hand-off."""
        handoffs.record_advice_message(self.kb.engine, handoff_id, message_id)

    def unsend(self, handoff_id: int) -> None:
        """The post failed: back to a draft, so "Senden" can be pressed again."""
        handoffs.release(self.kb.engine, handoff_id)

    # --- the advisory chat's side -----------------------------------------------------------------------
    def advisor_reply(self, *, chat_id: int, replied_message_id: int, text: str) -> Delivery | None:
        """An advisor replied to a message in the advisory chat: the delivery for the user, or None
        when the message is not a hand-off post (or this is not the advisory chat)."""
        if chat_id != self.advice_chat_id or not text.strip():
            return None
        row = handoffs.for_advice_message(self.kb.engine, chat_id, replied_message_id)
        if row is None or row.id is None:
            return None
        answered = handoffs.record_answer(self.kb.engine, row.id, text, clock=self.clock)
        if answered is None:
            return None
        lang = answered.lang
        user_reply = Reply().add(text_span("handoff_reply_to_user", lang, ref=ref(row.id), question=answered.question,
                                           answer=answered.answer or ""))
        return Delivery(row.id, answered.chat_id, user_reply, lang)

    def delivered(self, delivery: Delivery, ok: bool) -> Reply:
        """The acknowledgement in the advisory chat, with "Als FAQ übernehmen" when it arrived."""
        reply = Reply().add(text_span("handoff_delivered" if ok else "handoff_not_delivered", "de",
                                      ref=ref(delivery.handoff_id)))
        if ok:
            reply.row(Button(t("button_adopt_faq", "de"), callback_data.build("ha", delivery.handoff_id)))
        return reply

    def adopt(self, *, chat_id: int | None, handoff_id: int) -> Reply:
        """"Als FAQ übernehmen" — only from the advisory chat, once."""
        if chat_id is None or chat_id != self.advice_chat_id:
            return Reply(notice=t("handoff_adopt_refused", "de"))
        faq_id = adopt_as_faq(self.kb, handoff_id)
        if faq_id is None:
            return Reply(notice=t("handoff_adopt_refused", "de"))
        return Reply(replace=True, notice=t("button_adopt_faq", "de")).add(
            text_span("handoff_adopted", "de", faq_id=faq_id))

    def open_list(self, lang: str, *, limit: int = 20) -> Reply:
        """/unbeantwortet: hand-offs still waiting for the advisory service."""
        rows = handoffs.open_handoffs(self.kb.engine, limit=limit)
        if not rows:
            return Reply().add(text_span("handoffs_open_none", lang))
        reply = Reply().add(text_span("handoffs_open_title", lang, count=len(rows)))
        for row in rows:
            when = (row.sent_at or row.created_at).strftime("%d.%m. %H:%M")
            reply.add(Span(f"#{ref(row.id or 0)} ", "b"), f"({when} UTC) ", short_label(row.question, 200))
        return reply
