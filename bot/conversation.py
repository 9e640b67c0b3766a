"""The conversation shared by Telegram and the console: questions, commands and button presses
in, channel-independent :class:`~bot.replies.Reply` objects out.

It wires the parts that each own one job: :mod:`bot.follow_ups` (the previous question per chat),
:mod:`bot.answer_cache`, :mod:`bot.question_log`, :mod:`bot.cards` (rendering items),
:mod:`bot.browsing` (lists and item pages), :mod:`bot.inline_mode`; commands come from
:mod:`bot.commands` and button data is parsed by :mod:`bot.callback_data`.

Blocking (search, database): Telegram handlers call it through ``asyncio.to_thread``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot import callback_data
from bot.answer_cache import AnswerCache
from bot.browsing import Browsing, invalid_button
from bot.cards import Cards
from bot.commands import chat_command
from bot.feedback_flow import FeedbackFlow
from bot.follow_ups import FollowUps
from bot.handoff_flow import AdvicePost, HandoffFlow
from bot.inline_mode import InlineCard, inline_cards
from bot.list_exports import ListExports
from bot.my_municipality import MyMunicipality, is_own_question
from bot.question_log import QuestionLog
from bot.replies import Button, Reply, text_span
from bot.texts import t
from embeddings.vector_index import IndexMissing
from knowledge.answers import Answer
from knowledge.chat_state import answer_context, store_answer_context
from knowledge.places import default_register
from knowledge.service import KnowledgeBase
from knowledge.settings import Settings
from knowledge.small_talk import small_talk_kind

log = logging.getLogger(__name__)

SEARCH_K = 20


@dataclass(frozen=True)
class Turn:
    """Who is talking: a chat (for follow-ups), a user (for the log) and a language."""

    chat_key: int | str
    user_id: int | str | None
    lang: str = "de"
    channel: str = "telegram"
    chat_id: int | None = None  # the Telegram chat (None in the console)
    private: bool = False  # a private chat with the bot (only these can hand off to the advisory service)
    display_name: str | None = None  # the Telegram name, sent to the advisory service only with consent


class Conversation:
    """Answers questions, commands and buttons for one bot instance (any number of chats)."""

    def __init__(self, kb: KnowledgeBase, settings: Settings, clock: Callable[[], datetime]) -> None:
        self.kb = kb
        self.settings = settings
        self.clock = clock
        self.follow_ups = FollowUps(settings.follow_up_seconds, clock, kb.engine)
        self.question_log = QuestionLog(kb.engine, settings, clock)
        self.answers = AnswerCache(self._reask)
        self.cards = Cards(kb, settings)
        self.browsing = Browsing(kb, settings, self.cards, self.answers, clock)
        self.handoffs = HandoffFlow(kb, settings, clock)
        self.feedback = FeedbackFlow(kb.engine, clock)
        self.my_municipality = MyMunicipality(kb, settings, default_register(), self.cards, clock)
        self.exports = ListExports(kb, settings, self.answers, clock)

    # --- questions ---------------------------------------------------------------------------
    def ask(self, turn: Turn, text: str) -> Reply:
        """Answer a free-text question (or refine the previous one of this chat)."""
        lang = turn.lang
        question = " ".join(text.split())
        if not question:
            return Reply().add(text_span("empty_question", lang))
        if len(question) > self.settings.max_question_chars:
            return Reply().add(text_span("too_long", lang, max=self.settings.max_question_chars))
        own_words = self.feedback.own_text(turn.chat_key, question, lang)
        if own_words is not None:  # the reason for a 👎 the user was asked to write
            return own_words
        small_talk = small_talk_kind(question)
        if small_talk is not None:  # a friendly word back; not a question, not logged as unanswered
            return Reply().add(text_span(f"smalltalk_{small_talk}", lang))
        if is_own_question(question):
            home = self.my_municipality.remembered(turn.user_id)
            if home is not None:  # "woran sind wir beteiligt?"
                return self.my_municipality.overview(home, lang)
        previous = self.follow_ups.previous(turn.chat_key)
        try:  # the knowledge base decides whether the question refines the previous one
            answer = self.kb.ask(question, k=SEARCH_K, now=self.clock(),
                                 previous=(previous.search_text, previous.filters) if previous else None)
            follow_up = answer.follow_up
        except IndexMissing:
            log.warning("question asked but the search index is missing")
            return Reply().add(text_span("index_missing", lang))
        qid = self.question_log.log(user_id=turn.user_id, question=question, answer=answer, channel=turn.channel)
        self.answers.put(qid, answer)
        if follow_up and previous:  # so that any replica re-derives this answer for its buttons
            user_hash = self.question_log.pseudonym(turn.user_id) if turn.user_id is not None else None
            store_answer_context(self.kb.engine, qid, user_hash=user_hash, previous_search_text=previous.search_text,
                                 previous_filters=previous.filters, now=self.clock())
        self.follow_ups.remember(turn.chat_key, user_id=turn.user_id, search_text=answer.search_text or question,
                                 question=question, filters=answer.filters)
        reply = Reply(query_id=qid)
        if follow_up and previous:
            reply.add(text_span("follow_up_note", lang, previous=previous.question)).blank()
        if answer.place_note is not None:
            self.cards.place_note(reply, answer, lang)
        if answer.level == "high" and answer.best:
            self.cards.answer_card(reply, answer, qid, lang)
        elif answer.level == "low" and answer.best:
            self.cards.maybe(reply, answer, qid, lang)
        else:
            self.cards.abstain(reply, answer, lang)
        if answer.level != "high" and self.can_hand_off(turn):
            reply.row(self.handoffs.offer(qid, lang))
        return reply

    def can_hand_off(self, turn: Turn) -> bool:
        """Hand-offs go from a private Telegram chat to a configured advisory chat."""
        return turn.channel == "telegram" and turn.private and self.handoffs.advice_chat_id is not None

    def _reask(self, qid: int) -> Answer | None:
        """The answer of a logged question that is no longer cached (e.g. after a restart)."""
        question = self.question_log.question(qid)
        if question is None:
            return None
        return self.kb.ask(question, k=SEARCH_K, previous=answer_context(self.kb.engine, qid), now=self.clock())

    # --- commands ----------------------------------------------------------------------------------
    def command(self, turn: Turn, name: str, args: str = "", *, bot_name: str = "IKZ_Assistent_bot") -> Reply:
        """Run a chat command (German or English name, without the slash)."""
        command = chat_command(name)
        if command is None:
            return Reply().add(text_span("unknown_command", turn.lang))
        return command.run(self, turn, args.strip(), bot_name)

    def welcome(self, lang: str) -> Reply:
        reply = Reply().add(text_span("welcome", lang))
        for i, example in enumerate(self.examples(lang)):
            reply.row(Button(f"💡 {example}", callback_data.build("e", i)))
        return reply

    def examples(self, lang: str) -> list[str]:
        return [x for x in t("examples", lang).split("|") if x]

    def privacy(self, lang: str) -> Reply:
        if self.settings.privacy_text:
            return Reply().add(self.settings.privacy_text)
        return Reply().add(text_span(
            "privacy_statement", lang, days=self.settings.query_log_retention_days,
            sub_days=self.settings.subscriber_retention_days, follow_up=max(1, self.settings.follow_up_seconds // 60),
            contact=self.settings.contact_text,
        ))

    def forget(self, user_id: int | str, erased_question_ids: set[int]) -> None:
        """After /loeschen: nothing of the user stays in memory either (follow-ups, cached answers)."""
        self.follow_ups.forget_user(user_id)
        self.answers.discard(erased_question_ids)

    # --- buttons -------------------------------------------------------------------------------------
    def press(self, turn: Turn, data: str | None) -> Reply:
        """Handle a button press; forged or outdated data gets a polite notice."""
        lang = turn.lang
        parsed = callback_data.parse(data)
        if parsed is None:
            return invalid_button(lang)
        action, args = parsed
        if callback_data.is_owner_bound(action) and not self.question_log.asked_by(int(args[0]), turn.user_id):
            return invalid_button(lang)  # somebody else's question (or forged, or erased)
        if action in ("m", "M"):
            return self.browsing.more_results(int(args[0]), int(args[1]), lang, replace=action == "M")
        if action == "f":
            helpful = args[1] == "1"
            if not self.question_log.feedback(int(args[0]), helpful):
                return invalid_button(lang)
            if helpful:
                return Reply(notice=t("feedback_thanks_up", lang))
            offer = self.handoffs.offer(int(args[0]), lang) if self.can_hand_off(turn) else None
            return self.feedback.ask_why(int(args[0]), lang, offer)
        if action == "fr":
            return self.feedback.reason(turn.chat_key, int(args[0]), args[1], lang)
        if action in ("h", "hn", "hx", "hs", "ha"):
            return self._handoff_button(turn, action, int(args[0]), args[1:])
        if action in ("xq", "xt", "xk", "xe", "xh"):
            return self._export(turn, action, args) or invalid_button(lang)
        if action in ("lf", "ld", "le"):
            lists = {"lf": self.browsing.faq_list, "ld": self.browsing.documents, "le": self.browsing.events}
            return lists[action](lang, int(args[0]), replace=True)
        if action in ("t", "k"):
            return self.browsing.projects_page(action, int(args[0]), int(args[1]), lang, replace=args[1] != "0")
        if action == "e":
            examples = self.examples(lang)
            index = int(args[0])
            if index >= len(examples):
                return invalid_button(lang)
            return self.ask(turn, examples[index])
        if action not in ("o", "s", "d", "ic", "pm"):
            return invalid_button(lang)  # another area's button
        target = self.browsing.resolve_ref(args[0])
        if target is None:
            return invalid_button(lang)
        kind, item_id = target
        if action == "o":
            return self.browsing.open_item(kind, item_id, lang)
        if action == "s" and kind == "project":
            return self.browsing.similar(item_id, lang)
        if action == "d" and kind == "document":
            return self.browsing.send_document(item_id, lang)
        if action == "ic" and kind == "event":
            return self.browsing.event_calendar(item_id, lang)
        if action == "pm" and kind == "project":
            return self.browsing.project_description(item_id, lang)
        return invalid_button(lang)

    def _handoff_button(self, turn: Turn, action: str, number: int, rest: tuple[str, ...]) -> Reply:
        lang = turn.lang
        if action == "ha":  # pressed by an advisor in the advisory chat
            return self.handoffs.adopt(chat_id=turn.chat_id, handoff_id=number)
        if turn.channel != "telegram":
            return Reply().add(text_span("handoff_unavailable", lang, contact=self.settings.contact_text))
        user_chat = turn.chat_id if turn.private else None
        if action == "h":
            return self.handoffs.start(user_chat_id=user_chat, query_id=number, lang=lang, sender_name=turn.display_name)
        if action == "hn":
            return self.handoffs.toggle_name(user_chat_id=user_chat, handoff_id=number, include=rest[0] == "1",
                                             lang=lang, sender_name=turn.display_name)
        if action == "hx":
            return self.handoffs.cancel(user_chat_id=user_chat, handoff_id=number, lang=lang)
        return invalid_button(lang)  # "hs" needs the channel to post: see send_handoff

    def send_handoff(self, turn: Turn, handoff_id: int) -> tuple[Reply, AdvicePost | None]:
        """"Senden": the user's confirmation and what to post in the advisory chat (None: refused)."""
        return self.handoffs.claim(user_chat_id=turn.chat_id if turn.private else None, handoff_id=handoff_id,
                                   lang=turn.lang, sender_name=turn.display_name)

    def _export(self, turn: Turn, action: str, args: tuple[str, ...]) -> Reply | None:
        if action == "xq":
            return self.exports.results(int(args[0]), turn.lang)
        if action in ("xt", "xk"):
            return self.exports.projects(action[1], int(args[0]), turn.lang)
        if action == "xe":
            return self.exports.events(turn.lang)
        return self.my_municipality.export(turn.user_id, turn.lang)

    # --- inline mode and small replies --------------------------------------------------------------
    def inline(self, query: str, lang: str, *, limit: int = 10) -> list[InlineCard]:
        """Shareable project (and other) cards for ``@bot query``."""
        return inline_cards(self.kb, self.settings, self.cards, query, lang, limit=limit)

    def invalid_button(self, lang: str) -> Reply:
        return invalid_button(lang)

    def simple(self, key: str, lang: str, **values: object) -> Reply:
        return Reply().add(text_span(key, lang, **values))
