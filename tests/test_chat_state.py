"""No per-process state that matters: two 'replicas' (two Conversation objects, two rate limiters)
on one database take turns on the same chat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.conversation import Conversation, Turn
from bot.rate_limit import UserRateLimiter
from jobs.personal_data import Person, apply_retention, erase_person, export_person
from knowledge.chat_state import (
    AnswerContext,
    ChatContext,
    RateEvent,
    filters_from_json,
    filters_to_json,
    put_pending_broadcast,
    remember_context,
    store_answer_context,
    take_pending_broadcast,
)
from knowledge.db import create_db_and_tables, make_engine
from knowledge.query_understanding import QueryFilters
from tests.conftest import make_settings

NOW = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)


def test_filters_survive_json() -> None:
    filters = QueryFilters(kreise=frozenset({"Kreis Borken", "Kreis Coesfeld"}), list_intent=True, year_min=2019)
    assert filters_from_json(filters_to_json(filters)) == filters
    assert filters_from_json({}) == QueryFilters()


def test_follow_up_and_buttons_work_on_another_replica(tiny_kb) -> None:
    clock = [NOW]
    first = Conversation(tiny_kb, tiny_kb.settings, lambda: clock[0])
    second = Conversation(tiny_kb, tiny_kb.settings, lambda: clock[0])
    turn = Turn(chat_key=555, user_id=555)
    first.ask(turn, "gemeinsames Standesamt")
    follow_up = second.ask(turn, "und im Kreis Borken?")
    text = " ".join(span.text for line in follow_up.lines for span in line)
    assert "gemeinsames Standesamt" in text  # the note quotes the question asked on the other replica
    qid = follow_up.query_id
    # a third replica that never saw the answer derives the same one for the "more results" button
    third = Conversation(tiny_kb, tiny_kb.settings, lambda: clock[0])
    assert [h.id for h in third.answers.get(qid).hits] == [h.id for h in second.answers.get(qid).hits]
    assert third.answers.get(qid).filters == second.answers.get(qid).filters
    # after the follow-up window the context is gone everywhere
    clock[0] = NOW + timedelta(seconds=tiny_kb.settings.follow_up_seconds + 1)
    assert first.follow_ups.previous(555) is None


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):  # noqa: ANN001, ANN201
    url = f"sqlite:///{tmp_path / 's.sqlite3'}" if request.param == "sqlite" else request.getfixturevalue("pg_database")
    engine = make_engine(url)
    create_db_and_tables(engine)
    yield engine
    engine.dispose()


def test_rate_limit_holds_across_replicas(engine) -> None:
    clock = [NOW]
    replicas = [UserRateLimiter(3, lambda: clock[0], engine), UserRateLimiter(3, lambda: clock[0], engine)]
    assert [replicas[i % 2].check(42) for i in range(3)] == [0, 0, 0]
    assert replicas[1].check(42) == 60 and replicas[0].retry_after_s(42) == 60
    assert replicas[0].check(43) == 0  # other users are not affected
    clock[0] = NOW + timedelta(seconds=61)
    assert replicas[1].check(42) == 0


def test_a_pending_broadcast_is_confirmed_once_on_any_replica(engine) -> None:
    put_pending_broadcast(engine, "tok", text="Hallo alle", admin_id=7, now=NOW)
    assert take_pending_broadcast(engine, "tok", admin_id=8) is None  # another admin cannot confirm it
    assert take_pending_broadcast(engine, "tok", admin_id=7) == "Hallo alle"
    assert take_pending_broadcast(engine, "tok", admin_id=7) is None


def test_conversation_state_is_personal_data_erased_and_expired(engine) -> None:
    """/loeschen removes a user's conversation state on every replica; retention removes old state."""
    def state(user_id: int) -> dict[str, int]:
        with Session(engine) as session:
            return {
                "chat_contexts": len(session.exec(select(ChatContext).where(ChatContext.user_id == user_id)).all()),
                "answer_contexts": len(session.exec(
                    select(AnswerContext).where(AnswerContext.user_hash == f"p{user_id}")).all()),
                "rate_events": len(session.exec(select(RateEvent).where(RateEvent.user_hash == f"p{user_id}")).all()),
            }

    for user_id in (71, 72):
        remember_context(engine, f"-100:{user_id}", user_id=user_id, search_text="Standesamt", question="Standesamt?",
                         filters=QueryFilters(), now=NOW)
        store_answer_context(engine, 1000 + user_id, user_hash=f"p{user_id}", previous_search_text="Standesamt",
                             previous_filters=QueryFilters(), now=NOW)
        assert UserRateLimiter(3, lambda: NOW, engine, pseudonym=lambda u: f"p{u}").check(user_id) == 0
    put_pending_broadcast(engine, "tok71", text="Hallo", admin_id=71, now=NOW)
    me = Person(chat_id=71, user_id=71, pseudonym="p71")
    assert set(export_person(engine, me, now=NOW)["tables"]) >= {"chat_contexts", "answer_contexts", "rate_events",
                                                                  "pending_broadcasts"}
    counts = erase_person(engine, me)
    assert counts["chat_contexts"] == counts["answer_contexts"] == counts["rate_events"] == 1
    assert counts["pending_broadcasts"] == 1 and take_pending_broadcast(engine, "tok71", admin_id=71) is None
    assert state(71) == {"chat_contexts": 0, "answer_contexts": 0, "rate_events": 0}
    assert state(72) == {"chat_contexts": 1, "answer_contexts": 1, "rate_events": 1}  # others are spared
    settings = make_settings(Path("/nonexistent"))
    apply_retention(engine, settings, now=NOW + timedelta(hours=23))
    assert state(72)["chat_contexts"] == 1  # within conversation_state_retention_days (1)
    apply_retention(engine, settings, now=NOW + timedelta(days=1, minutes=1))
    assert state(72) == {"chat_contexts": 0, "answer_contexts": 0, "rate_events": 0}
