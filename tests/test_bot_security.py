"""The bot against people who try things (issue 10): foreign buttons, floods, group members,
and the user's rights (/loeschen, /meine_daten) — in-process against the local fake Bot API."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from knowledge.query_log import QueryLog
from knowledge.subscriptions import Subscriber, get_subscriber
from tests.bot_harness import running_bot
from tests.fake_bot_api import BotApiError

ALICE, MALLORY = 4711, 666
GROUP = -100777


def _qid(bot, chat_id: int) -> int:
    data = [d for call in bot.api.sent_messages(chat_id) for d in call.callback_data() if d.startswith("f:")]
    return int(data[-1].split(":")[1])


async def test_foreign_question_buttons_are_refused(tiny_kb) -> None:
    async with running_bot(tiny_kb) as bot:
        await bot.text(ALICE, "Vertrauliche Frage zum gemeinsamen Standesamt")
        qid = _qid(bot, ALICE)

        for data in (f"m:{qid}:1", f"M:{qid}:1", f"f:{qid}:0"):
            await bot.press(MALLORY, data)
        answers = [c.params.get("text", "") for c in bot.api.calls("answerCallbackQuery")]
        assert len(answers) == 3 and all("gültig" in a for a in answers)
        assert not bot.api.sent_messages(MALLORY)  # nothing of Alice's question reached Mallory
        with Session(tiny_kb.engine) as session:
            assert session.get(QueryLog, qid).feedback is None

        await bot.press(ALICE, f"f:{qid}:1")  # the asker herself still can
        with Session(tiny_kb.engine) as session:
            assert session.get(QueryLog, qid).feedback == 1


async def test_a_question_flood_gets_one_notice(tiny_kb) -> None:
    async with running_bot(tiny_kb, rate_limit_per_minute=3) as bot:
        for _ in range(30):
            await bot.text(ALICE, "Standesamt")
        texts = bot.texts(ALICE)
        assert len(texts) == 4  # three answers and one "please wait"
        assert sum("Sekunden" in text for text in texts) == 1


async def test_button_presses_and_inline_queries_are_rate_limited(tiny_kb) -> None:
    async with running_bot(tiny_kb, button_rate_limit_per_minute=5) as bot:
        for _ in range(12):
            await bot.press(ALICE, "t:0:0")
        answers = [c.params.get("text") or "" for c in bot.api.calls("answerCallbackQuery")]
        assert len(answers) == 12 and sum("langsamer" in a for a in answers) == 7
        assert len(bot.api.sent_messages(ALICE)) <= 5
        for _ in range(8):
            await bot.send(bot.api.push_inline_query(ALICE, "Standesamt"))
        results = [len(c.params.get("results") or []) for c in bot.api.calls("answerInlineQuery")]
        assert len(results) == 8 and results.count(0) >= 3 + 5 - 5  # the limit is shared with presses


async def test_the_same_error_reaches_the_admins_once(tiny_kb) -> None:
    async with running_bot(tiny_kb, admin_ids=[9001, 9002]) as bot:
        def broken(turn, data):  # noqa: ANN001, ANN202
            raise KeyError("boom")

        bot.services.conversation.press = broken
        for _ in range(20):
            await bot.press(ALICE, "t:0:0")
        assert len(bot.api.sent_messages(9001)) == 1 and len(bot.api.sent_messages(9002)) == 1
        for data in ("sub:zzz", "sub:t:" + "0" * 9, "priv:del:maybe", "x" * 64):
            await bot.press(ALICE, data)  # forged data is answered politely, never an error
        assert len(bot.api.sent_messages(9001)) == 1


async def test_only_group_admins_change_the_group_subscription(tiny_kb) -> None:
    statuses = {1: "member", 2: "administrator"}

    async def get_chat_member(params, files):  # noqa: ANN001, ANN202
        user_id = int(params["user_id"])
        if user_id not in statuses:
            raise BotApiError(400, "Bad Request: user not found")
        return {"status": statuses[user_id], "user": {"id": user_id, "is_bot": False, "first_name": "T"},
                **({"can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
                    "can_delete_messages": True, "can_manage_video_chats": True, "can_restrict_members": True,
                    "can_promote_members": False, "can_change_info": True, "can_invite_users": True,
                    "can_post_stories": False, "can_edit_stories": False, "can_delete_stories": False}
                   if statuses[user_id] == "administrator" else {})}

    async with running_bot(tiny_kb) as bot:
        bot.api._methods["getChatMember"] = get_chat_member  # noqa: SLF001 - the fake has no getChatMember
        await bot.text(GROUP, "/abonnieren alle", user_id=1)
        assert "Administratoren" in bot.texts(GROUP)[-1]
        assert get_subscriber(tiny_kb.engine, chat_id=GROUP)[0] is None
        await bot.press(GROUP, "sub:a", user_id=1)
        assert "Administratoren" in bot.api.calls("answerCallbackQuery")[-1].params["text"]
        assert get_subscriber(tiny_kb.engine, chat_id=GROUP)[0] is None

        await bot.text(GROUP, "/abonnieren alle", user_id=2)
        assert get_subscriber(tiny_kb.engine, chat_id=GROUP)[0].active
        await bot.text(GROUP, "/abbestellen", user_id=1)
        assert get_subscriber(tiny_kb.engine, chat_id=GROUP)[0].active  # a member cannot end it either
        await bot.text(ALICE, "/abonnieren alle")  # private chats need no check
        assert get_subscriber(tiny_kb.engine, chat_id=ALICE)[0].active


async def test_my_data_export_and_erasure_leave_nothing(tiny_kb) -> None:
    async with running_bot(tiny_kb) as bot:
        await bot.text(ALICE, "Wer betreibt ein gemeinsames Standesamt?")
        await bot.press(ALICE, f"f:{_qid(bot, ALICE)}:0")
        await bot.text(ALICE, "/abonnieren alle")
        await bot.text(MALLORY, "Standesamt")

        await bot.text(ALICE, "/meine_daten")
        document = bot.api.calls("sendDocument", ALICE)[-1]
        export = json.loads(document.files["document"][1])
        questions = [row["question"] for row in export["tables"]["query_log"]["rows"]]
        assert questions == ["Wer betreibt ein gemeinsames Standesamt?"]
        assert export["tables"]["query_log"]["rows"][0]["feedback"] == -1
        assert export["tables"]["subscribers"]["rows"][0]["chat_id"] == ALICE

        await bot.text(ALICE, "/loeschen")
        confirm = bot.api.last_message(ALICE)
        assert "wirklich" in confirm.text.lower() and "priv:del:ok" in confirm.callback_data()
        assert get_subscriber(tiny_kb.engine, chat_id=ALICE)[0] is not None  # nothing deleted before confirming
        await bot.press(ALICE, "priv:del:ok", message_id=confirm.result["message_id"])
        assert "Gelöscht" in bot.texts(ALICE)[-1]

        await bot.text(ALICE, "/mydata")
        export = json.loads(bot.api.calls("sendDocument", ALICE)[-1].files["document"][1])
        assert all(not table["rows"] for table in export["tables"].values())
        with Session(tiny_kb.engine) as session:
            assert session.exec(select(Subscriber).where(Subscriber.chat_id == ALICE)).first() is None
            assert len(session.exec(select(QueryLog)).all()) == 1  # Mallory's question stays
        # the follow-up context is gone too: this is a new question, not a refinement
        await bot.text(ALICE, "und im Kreis Borken?")
        assert "Bezogen auf" not in bot.texts(ALICE)[-1]

        await bot.text(GROUP, "/loeschen", user_id=ALICE)
        assert "privaten Chat" in bot.texts(GROUP)[-1]


async def test_privacy_statement_is_accurate(tiny_kb) -> None:
    async with running_bot(tiny_kb, query_log_retention_days=60, subscriber_retention_days=14) as bot:
        await bot.text(ALICE, "/datenschutz")
        text = bot.texts(ALICE)[-1]
        for expected in ("Schlüssel-Hash", "HMAC", "60 Tagen", "14 Tage", "/loeschen", "/meine_daten"):
            assert expected in text, expected
        await bot.text(ALICE, "/privacy", language_code="en")
        assert "/delete" in bot.texts(ALICE)[-1] and "keyed hash" in bot.texts(ALICE)[-1]


async def test_a_question_with_a_nul_byte_is_answered(tiny_kb) -> None:
    async with running_bot(tiny_kb, admin_ids=[9001]) as bot:
        await bot.text(ALICE, "Standes\u0000amt gemeinsam")
        assert not bot.api.sent_messages(9001)
        assert "schiefgegangen" not in bot.texts(ALICE)[-1]


async def test_no_message_texts_or_names_in_the_logs_at_info(tiny_kb, caplog) -> None:
    import logging

    with caplog.at_level(logging.INFO):
        async with running_bot(tiny_kb, admin_ids=[9001]) as bot:
            await bot.text(ALICE, "Geheimprojekt Klärwerk Zwiebelhausen?")
            await bot.text(MALLORY, "/broadcast Vertrauliche Rundmail an alle")
            await bot.press(ALICE, "t:0:0")
            await bot.text(ALICE, "/loeschen")
    # our loggers and PTB's (httpx and the fake server are configured apart: bot.py keeps httpx at WARNING)
    ours = [r for r in caplog.records if r.name.split(".")[0] in ("bot", "knowledge", "jobs", "embeddings", "telegram")]
    text = "\n".join(r.getMessage() for r in ours)
    assert "Zwiebelhausen" not in text and "Vertrauliche Rundmail" not in text and "Test" not in text
    assert "refused maintainer action '/broadcast'" in text  # the command, not its text
