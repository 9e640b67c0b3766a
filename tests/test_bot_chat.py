"""The chat handlers in-process: every command, button and inline query through
``Application.process_update`` against the local fake Bot API, with the real tiny knowledge base."""

from __future__ import annotations

import html

import pytest
from sqlmodel import Session, select

from bot.callback_data import item_ref
from knowledge.query_log import QueryLog
from tests.bot_harness import running_bot
from tests.fake_bot_api import parse_entities

CHAT = 4711


def _all_callback_data(api) -> list[str]:
    return [d for call in api.sent_messages() for d in call.callback_data()]


def _query_rows(kb) -> list[QueryLog]:
    with Session(kb.engine) as session:
        return list(session.exec(select(QueryLog).order_by(QueryLog.id)).all())


async def test_question_gets_typing_then_answer_card_with_highlight_and_buttons(tiny_kb) -> None:
    async with running_bot(tiny_kb) as bot:
        await bot.text(CHAT, "Wer hat ein gemeinsames Standesamt?")
        actions = bot.api.calls("sendChatAction", CHAT)
        assert actions and actions[0].params["action"] == "typing"
        message = bot.api.last_message(CHAT)
        text = message.text
        assert "<b>Gemeinsames Standesamt Nottuln–Havixbeck</b>" in text
        assert "Nottuln, Havixbeck" in text and "Kreis Coesfeld" in text
        assert "öffentlich-rechtliche Vereinbarung" in text and "standesamt@beispiel-nottuln.de" in text
        assert 'href="https://www.interkommunales.nrw/beispiel/projekt-t001"' in text
        assert "<b>Standesamt</b>" in text  # the question's word highlighted in the passage
        assert "Weitere Treffer" in text
        data = message.callback_data()
        rows = _query_rows(tiny_kb)
        assert len(rows) == 1 and rows[0].answered and rows[0].top_ids[0] == "project:T001"
        qid = rows[0].id
        assert f"f:{qid}:1" in data and f"f:{qid}:0" in data and f"s:{item_ref('project', 'T001')}" in data
        assert rows[0].user_hash and str(CHAT) not in rows[0].user_hash and len(rows[0].user_hash) == 32
        assert rows[0].latency_ms is not None and rows[0].channel == "telegram"
        assert all(len(d.encode()) <= 64 for d in _all_callback_data(bot.api))
        parse_entities(text, "HTML")  # valid Telegram HTML


async def test_feedback_buttons_store_feedback_with_the_question(tiny_kb) -> None:
    async with running_bot(tiny_kb) as bot:
        await bot.text(CHAT, "Müllabfuhr im Kreis Borken")
        qid = _query_rows(tiny_kb)[0].id
        await bot.press(CHAT, f"f:{qid}:0")
        answer = bot.api.calls("answerCallbackQuery")[-1]
        assert "Danke" in answer.params["text"]
        row = _query_rows(tiny_kb)[0]
        assert row.feedback == -1 and row.feedback_at is not None
        await bot.press(CHAT, f"f:{qid}:1")
        assert _query_rows(tiny_kb)[0].feedback == 1


async def test_user_html_is_escaped(tiny_kb) -> None:
    async with running_bot(tiny_kb) as bot:
        await bot.text(CHAT, "<b>fett</b> <script>alert(1)</script> Standesamt & Co")
        text = bot.api.last_message(CHAT).text
        assert "<script>" not in text
        assert bot.api.calls("sendMessage", CHAT, ok=True)
        # follow-up note quotes the question only on refinements; the stored question is raw
        assert _query_rows(tiny_kb)[0].question.startswith("<b>fett</b>")
        await bot.text(CHAT, "und <script>x</script> im Kreis Borken")
        text = bot.api.last_message(CHAT).text
        assert "&lt;script&gt;" in text and "<script>" not in text
        assert not bot.api.calls("sendMessage", CHAT, ok=False)


async def test_abstain_is_honest_with_topics_and_contact(tiny_kb) -> None:
    async with running_bot(tiny_kb, contact_text="Beratung <Team> & Co: 0211 1") as bot:
        await bot.text(CHAT, "Wie wird das Wetter morgen?")
        message = bot.api.last_message(CHAT)
        assert "nichts Verlässliches" in message.text
        assert "Beratung &lt;Team&gt; &amp; Co: 0211 1" in message.text
        topic_buttons = [d for d in message.callback_data() if d.startswith("t:")]
        assert topic_buttons
        assert not _query_rows(tiny_kb)[0].answered
        await bot.press(CHAT, topic_buttons[0])
        assert "Projekte zum Thema" in bot.api.last_message(CHAT).text


async def test_follow_up_refines_previous_question_for_a_while(tiny_kb) -> None:
    async with running_bot(tiny_kb, follow_up_seconds=600) as bot:
        await bot.text(CHAT, "Wer kümmert sich gemeinsam um Müllabfuhr?")
        await bot.text(CHAT, "und im Kreis Borken?")
        text = bot.api.last_message(CHAT).text
        assert "Bezogen auf Ihre vorige Frage" in text
        assert "Abfallzweckverband Westmünsterland" in text.split("Weitere Treffer")[0]  # the answer's card
        assert "Bezogen auf" in await bot.reply_to(CHAT, "nur Zweckverbände")
        bot.clock.advance(seconds=601)
        assert "Bezogen auf" not in await bot.reply_to(CHAT, "und im Kreis Coesfeld?")
        # another chat never refines this chat's question
        await bot.text(CHAT + 1, "Müllabfuhr")
        await bot.text(CHAT + 2, "und im Kreis Borken?")
        assert "Bezogen auf" not in bot.api.last_message(CHAT + 2).text


async def test_more_results_pages_and_similar_projects(tiny_kb) -> None:
    async with running_bot(tiny_kb) as bot:
        await bot.text(CHAT, "Zusammenarbeit von Kommunen")
        card = bot.api.last_message(CHAT)
        qid = _query_rows(tiny_kb)[0].id
        assert f"m:{qid}:1" in card.callback_data()
        await bot.press(CHAT, f"m:{qid}:1")
        page = bot.api.last_message(CHAT)
        assert page.method == "sendMessage" and "Weitere Ergebnisse" in page.text and "6." in page.text
        # a page beyond the end: polite notice, no crash
        await bot.press(CHAT, f"M:{qid}:9", message_id=page.result["message_id"])
        assert "Keine weiteren" in bot.api.calls("answerCallbackQuery")[-1].params["text"]
        await bot.press(CHAT, f"s:{item_ref('project', 'T002')}")
        similar = bot.api.last_message(CHAT)
        assert "Ähnliche Projekte" in similar.text and "Abfallzweckverband" in similar.text.split("\n")[0]
        assert "T002" not in "".join(similar.callback_data())


async def test_start_help_and_example_buttons(tiny_kb) -> None:
    async with running_bot(tiny_kb) as bot:
        await bot.text(CHAT, "/start")
        welcome = bot.api.last_message(CHAT)
        assert "Willkommen" in welcome.text and welcome.callback_data()[0] == "e:0"
        await bot.press(CHAT, "e:0")
        assert "Gemeinsames Standesamt Nottuln" in bot.api.last_message(CHAT).text
        assert "Zweckverband Wasserversorgung Hochsauerland" in await bot.reply_to(CHAT, "/start projekt_T004")
        assert "/themen" in await bot.reply_to(CHAT, "/hilfe")
        assert "How to ask" in await bot.reply_to(CHAT, "/help", language_code="en")


async def test_topics_kreise_and_projects(tiny_kb) -> None:
    async with running_bot(tiny_kb) as bot:
        await bot.text(CHAT, "/themen")
        menu = bot.api.last_message(CHAT)
        assert "Abfallwirtschaft (1)" in menu.button_texts()
        await bot.press(CHAT, "t:0:0", message_id=menu.result["message_id"])
        assert "Abfallzweckverband Westmünsterland" in bot.api.last_message(CHAT).text
        await bot.text(CHAT, "/kreis Borken")
        text = bot.api.last_message(CHAT).text
        assert "Kreis Borken" in text and "Abfallzweckverband" in text and "Vergabestelle" in text
        assert "Standesamt" not in text
        await bot.text(CHAT, "/kreis")
        menu = bot.api.last_message(CHAT)
        assert "Kreis Coesfeld (3)" in menu.button_texts()
        assert "Atlantis" in await bot.reply_to(CHAT, "/kreis Atlantis")
        assert "Interkommunaler Bauhof" in await bot.reply_to(CHAT, "/projekt T003")
        assert "&lt;nope&gt;" in await bot.reply_to(CHAT, "/projekt <nope>")
        assert "/projekt T00" in await bot.reply_to(CHAT, "/projekt")


async def test_documents_are_sent_as_files_within_the_size_limit(tiny_kb, tmp_path) -> None:
    from knowledge.document_pdf import document_pdf

    pdf = tmp_path / "upload" / "TP1-vereinbarung.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes(document_pdf("Mustervereinbarung Bauhof", "## Zweck\nGemeinsamer Bauhof der Gemeinden."))
    tiny_kb.ingest("documents", pdf.parent, source="test")
    async with running_bot(tiny_kb) as bot:
        await bot.text(CHAT, "/dokumente")
        listing = bot.api.last_message(CHAT)
        data = f"d:{item_ref('document', 'TP1-vereinbarung')}"
        assert data in listing.callback_data()
        await bot.press(CHAT, data)
        sent = (await bot.api.wait_for_calls("sendDocument", 1, chat_id=CHAT))[0]
        name, content = next(iter(sent.files.values()))
        assert name == "TP1-vereinbarung.pdf" and content == pdf.read_bytes()  # a PDF goes unchanged
        # a short text document is shown as a formatted message
        await bot.press(CHAT, f"d:{item_ref('document', 'TD1-foerderung')}")
        shown = bot.api.last_message(CHAT)
        assert shown.method == "sendMessage" and "Förder" in shown.text and len(bot.api.calls("sendDocument")) == 1
    async with running_bot(tiny_kb, max_document_bytes=10) as bot:
        await bot.press(CHAT, data)
        assert not bot.api.calls("sendDocument")
        assert "zu groß" in bot.api.last_message(CHAT).text


async def test_faq_events_privacy(tiny_kb) -> None:
    async with running_bot(tiny_kb) as bot:
        await bot.text(CHAT, "/faq")
        faq = bot.api.last_message(CHAT)
        assert "Umsatzsteuer" in faq.text
        await bot.press(CHAT, f"o:{item_ref('faq', 'TF2')}")
        assert "§ 2b UStG" in bot.api.last_message(CHAT).text
        await bot.text(CHAT, "/veranstaltungen")
        events = bot.api.last_message(CHAT).text
        # the same weekday and time as the event notices, in the configured time zone
        assert "Online-Spotlight" in events and "So, 10.03.2030, 10:00–11:30 Uhr" in events
        await bot.text(CHAT, "/veranstaltungen", language_code="en")
        english = bot.api.last_message(CHAT).text
        assert "Upcoming events" in english and "Sun, 10 Mar 2030, 10:00–11:30" in english and "Uhr" not in english
        assert "Pseudonym" in await bot.reply_to(CHAT, "/datenschutz")


async def test_english_user_gets_english_texts(tiny_kb) -> None:
    async with running_bot(tiny_kb) as bot:
        assert "Welcome" in await bot.reply_to(CHAT, "/start", language_code="en-GB")
        assert "found nothing reliable" in await bot.reply_to(CHAT, "How is the weather tomorrow?", language_code="en")


@pytest.mark.parametrize(
    "push", ["sticker", "photo", "voice", "location"],
)
async def test_other_message_types_get_a_friendly_reply(tiny_kb, push: str) -> None:
    async with running_bot(tiny_kb) as bot:
        if push == "photo":
            update = bot.api.push_photo(CHAT, b"\x89PNG fake")
        elif push == "location":
            update = bot.api.push_location(CHAT, 51.9, 7.6)
        else:
            update = getattr(bot.api, f"push_{push}")(CHAT)
        await bot.send(update)
        assert "als Text" in bot.api.last_message(CHAT).text
        assert not bot.api.calls("sendMessage", ok=False)


async def test_edited_unknown_and_overlong_messages(tiny_kb) -> None:
    async with running_bot(tiny_kb, max_question_chars=50) as bot:
        await bot.text(CHAT, "Standesamt")
        message_id = bot.api.calls("sendMessage")[-1].result["message_id"]
        await bot.send(bot.api.push_edited_text(CHAT, message_id, "Standesamt?"))
        assert "Geänderte Nachrichten" in bot.api.last_message(CHAT).text
        assert "/hilfe" in await bot.reply_to(CHAT, "/gibtsnicht")
        assert "höchstens 50 Zeichen" in await bot.reply_to(CHAT, "Standesamt " * 20)
        assert len(_query_rows(tiny_kb)) == 1


async def test_rate_limit_per_user_with_injected_clock(tiny_kb) -> None:
    async with running_bot(tiny_kb, rate_limit_per_minute=2) as bot:
        await bot.text(CHAT, "Standesamt")
        await bot.text(CHAT, "Bauhof")
        assert "Bitte warten Sie" in await bot.reply_to(CHAT, "Vergabe")
        await bot.text(CHAT + 5, "Vergabe")  # other users are not affected
        assert "Vergabestelle" in bot.api.last_message(CHAT + 5).text
        bot.clock.advance(seconds=61)
        assert "Vergabestelle" in await bot.reply_to(CHAT, "Vergabe")
        assert len(_query_rows(tiny_kb)) == 4


@pytest.mark.parametrize(
    "data",
    ["zz:evil", "o:pNOPE", "m:999999:1", "f:999999:1", "t:99:0", "k:-1:0", "d:pT001", "s:dTD1-foerderung",
     "o:#0123456789ab", "e:77", "x" * 70, "", "m:1:<b>"],
)
async def test_forged_callback_data_gets_a_polite_answer(tiny_kb, data: str) -> None:
    async with running_bot(tiny_kb, admin_chat_id=-100999) as bot:
        await bot.press(CHAT, data)
        answers = bot.api.calls("answerCallbackQuery")
        assert len(answers) == 1 and "nicht (mehr) gültig" in answers[0].params["text"]
        assert not bot.api.calls("sendMessage")  # no apology, no admin alarm


async def test_inline_query_returns_shareable_project_cards(tiny_kb) -> None:
    async with running_bot(tiny_kb) as bot:
        await bot.send(bot.api.push_inline_query(77, "Standesamt"))
        call = bot.api.calls("answerInlineQuery")[-1]
        results = call.params["results"]
        assert results[0]["type"] == "article" and results[0]["title"].startswith("Gemeinsames Standesamt")
        content = results[0]["input_message_content"]
        parse_entities(content["message_text"], content["parse_mode"])
        assert "Kreis Coesfeld" in content["message_text"]
        assert results[0]["reply_markup"]["inline_keyboard"][0][0]["url"].endswith("?start=projekt_T001")
        assert len({r["id"] for r in results}) == len(results)
        await bot.send(bot.api.push_inline_query(77, ""))
        assert len(bot.api.calls("answerInlineQuery")[-1].params["results"]) == 6


async def test_groups_answer_mentions_and_replies_only(tiny_kb) -> None:
    group = -100123
    async with running_bot(tiny_kb) as bot:
        await bot.text(group, "Standesamt ist toll", user_id=5)
        assert not bot.api.sent_messages(group)
        await bot.text(group, "@someone_else Standesamt", user_id=5)
        assert not bot.api.sent_messages(group)
        await bot.text(group, f"@{bot.api.bot_username} Standesamt", user_id=5)
        answer = bot.api.last_message(group)
        assert "Gemeinsames Standesamt" in answer.text
        await bot.text(group, "und im Kreis Borken?", user_id=5, reply_to_message=answer.result["message_id"])
        assert len(bot.api.sent_messages(group)) == 2
        await bot.send(bot.api.push_sticker(group, user_id=5))
        await bot.text(group, "/gibtsnicht", user_id=5)
        assert len(bot.api.sent_messages(group)) == 2
        await bot.text(group, f"/hilfe@{bot.api.bot_username}", user_id=5)
        assert "/themen" in bot.api.last_message(group).text


def _break(conversation, method: str, error: Exception) -> None:  # noqa: ANN001
    """Make ``conversation.<method>`` raise ``error`` (as a bug would)."""

    def broken(*args: object) -> None:
        raise error

    setattr(conversation, method, broken)


async def test_errors_are_apologised_for_and_reported_to_admins(tiny_kb) -> None:
    async with running_bot(tiny_kb, admin_chat_id=-100555) as bot:
        _break(bot.services.conversation, "ask", RuntimeError("index <exploded>"))
        await bot.text(CHAT, "Standesamt")
        await bot.api.wait_for_calls("sendMessage", 2)
        assert "schiefgegangen" in bot.api.last_message(CHAT).text
        report = bot.api.last_message(-100555).text
        assert "RuntimeError" in report and html.escape("<exploded>") in report


async def test_errors_in_button_presses_reach_the_admins_privately(tiny_kb) -> None:
    async with running_bot(tiny_kb, admin_ids=[9001, 9002]) as bot:
        _break(bot.services.conversation, "press", KeyError("boom"))
        await bot.press(CHAT, "t:0:0")
        await bot.api.wait_for_calls("sendMessage", 2)
        assert "schiefgegangen" in bot.api.calls("answerCallbackQuery")[-1].params["text"]
        for admin in (9001, 9002):
            assert "KeyError" in bot.api.last_message(admin).text
        assert not bot.api.sent_messages(CHAT)
