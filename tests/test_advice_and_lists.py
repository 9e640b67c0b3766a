"""Issue 9 end to end through the application against the local fake Bot API: the hand-off to
the advisory service (question → advisory chat → advisor's reply → user → FAQ answered on the next
ask), "meine Kommune" with a typo, paging, PDF and .ics files, CSV export, 👎 reasons."""

from __future__ import annotations

import csv
import io

import icalendar
import pypdf
from sqlmodel import Session, select

from bot.callback_data import item_ref
from knowledge import handoffs
from knowledge.feedback_reasons import FeedbackReason
from knowledge.ingest.documents import load_documents
from knowledge.ingest.records import FaqRecord
from knowledge.query_log import QueryLog
from knowledge.settings import SAMPLE_DIR
from knowledge.subscription_regions import get_region
from tests.bot_harness import running_bot
from tests.fake_bot_api import parse_entities

USER = 4711
OTHER_USER = 4712
ADVICE = -100900
ADVISOR = 9001
QUESTION = "Wer prüft die Jahresrechnung eines Zweckverbands für Friedhöfe?"


def _rows(kb) -> list[QueryLog]:
    with Session(kb.engine) as session:
        return list(session.exec(select(QueryLog).order_by(QueryLog.id)).all())


def _data(message, prefix: str) -> list[str]:
    return [d for d in message.callback_data() if d.startswith(prefix)]


def _csv(call) -> list[list[str]]:
    name, content = call.files["document"][:2]
    assert name.endswith(".csv") and content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


async def test_hand_off_to_the_advisory_service_and_back_as_faq(tiny_kb) -> None:
    async with running_bot(tiny_kb, admin_chat_id=ADVICE, admin_ids=[ADVISOR]) as bot:
        await bot.text(USER, QUESTION)
        card = bot.api.last_message(USER)
        qid = _rows(tiny_kb)[-1].id
        handoff_button = f"h:{qid}"
        if not _rows(tiny_kb)[-1].answered:  # no reliable answer: the hand-off is offered right away
            assert handoff_button in card.callback_data() and "Beratungsstelle" in card.text
        # after 👎 the user is asked why and offered the hand-off as well
        await bot.press(USER, f"f:{qid}:0", message_id=card.result["message_id"])
        why = bot.api.last_message(USER)
        assert "Was passt nicht" in why.text and handoff_button in why.callback_data()

        await bot.press(USER, handoff_button, message_id=why.result["message_id"])
        confirm = bot.api.last_message(USER)
        assert "Das wird an die Beratungsstelle gesendet" in confirm.text
        assert "Jahresrechnung eines Zweckverbands" in confirm.text and "nicht</b> mitgeschickt" in confirm.text
        draft = handoffs.open_handoffs(tiny_kb.engine) or None
        assert draft is None  # nothing is posted before the user confirms
        assert not bot.api.calls("sendMessage", ADVICE)
        name_on = _data(confirm, "hn:")[0]
        await bot.press(USER, name_on, message_id=confirm.result["message_id"])
        edited = bot.api.calls("editMessageText", USER)[-1]
        assert "Test" in edited.text
        send = _data(confirm, "hs:")[0]
        await bot.press(USER, send, message_id=confirm.result["message_id"])
        await bot.press(USER, send, message_id=confirm.result["message_id"])  # double tap
        posts = bot.api.calls("sendMessage", ADVICE)
        assert len(posts) == 1
        post = posts[0]
        assert "Anfrage #H" in post.text and "Jahresrechnung eines Zweckverbands" in post.text and "Von: Test" in post.text
        parse_entities(post.text, "HTML")
        assert "bei der Beratungsstelle" in bot.api.calls("editMessageText", USER)[-1].text
        hid = handoffs.open_handoffs(tiny_kb.engine)[0].id

        # an advisor's message in the advisory chat that replies to something else is no answer
        before = len(bot.api.sent_messages(USER))
        await bot.text(ADVICE, "Kaffee ist fertig", user_id=ADVISOR)
        assert len(bot.api.sent_messages(USER)) == before
        # the advisor replies to the post: the user gets it, marked as from the Beratungsstelle
        answer = "Die Jahresrechnung prüft der Rechnungsprüfungsausschuss der Verbandsversammlung (Beispiel)."
        await bot.text(ADVICE, answer, user_id=ADVISOR, reply_to_message=post.result["message_id"])
        delivered = bot.api.last_message(USER)
        assert "Antwort der Beratungsstelle" in delivered.text and "Rechnungsprüfungsausschuss" in delivered.text
        ack = bot.api.last_message(ADVICE)
        assert "zugestellt" in ack.text and ack.callback_data() == [f"ha:{hid}"]
        assert handoffs.get(tiny_kb.engine, hid).status == "answered"
        # the question no longer counts as a content gap
        await bot.text(ADVISOR, "/unbeantwortet", user_id=ADVISOR)
        assert "Jahresrechnung" not in bot.api.last_message(ADVISOR).text

        # only the advisory chat can adopt it as FAQ
        await bot.press(USER, f"ha:{hid}")
        assert handoffs.get(tiny_kb.engine, hid).status == "answered"
        await bot.press(ADVICE, f"ha:{hid}", message_id=ack.result["message_id"], user_id=ADVISOR)
        assert f"B{hid}" in bot.api.calls("editMessageText", ADVICE)[-1].text
        assert handoffs.get(tiny_kb.engine, hid).status == "adopted"

        # the next ask is answered from the new FAQ entry
        await bot.text(OTHER_USER, QUESTION)
        again = bot.api.last_message(OTHER_USER)
        assert "Rechnungsprüfungsausschuss" in again.text and _rows(tiny_kb)[-1].answered
        # nothing in this path reached any other chat
        chats = {call.chat_id for call in bot.api.calls("sendMessage") + bot.api.calls("editMessageText")}
        assert chats <= {USER, OTHER_USER, ADVICE, ADVISOR}
        assert not bot.api.calls("sendMessage", OTHER_USER)[0].text.startswith("🏛")


async def test_hand_off_only_from_private_chats(tiny_kb) -> None:
    async with running_bot(tiny_kb, admin_chat_id=ADVICE) as bot:
        await bot.text(USER, QUESTION)
        qid = _rows(tiny_kb)[-1].id
        await bot.press(-100555, f"h:{qid}", user_id=USER)
        assert "privaten Chat" in bot.api.last_message(-100555).text
        assert not bot.api.calls("sendMessage", ADVICE)


async def test_feedback_reasons_are_stored_and_counted(tiny_kb) -> None:
    async with running_bot(tiny_kb, admin_ids=[ADVISOR]) as bot:
        await bot.text(USER, "Gemeinsames Standesamt")
        qid = _rows(tiny_kb)[-1].id
        await bot.press(USER, f"f:{qid}:0")
        reasons = _data(bot.api.last_message(USER), "fr:")
        assert len(reasons) == 5
        await bot.press(USER, f"fr:{qid}:o")
        assert "veraltet" in bot.api.calls("answerCallbackQuery")[-1].params["text"]
        await bot.press(USER, f"fr:{qid}:x")
        assert "Schreiben Sie mir kurz" in bot.api.last_message(USER).text
        await bot.text(USER, "Die Ansprechperson ist seit 2025 eine andere")
        assert "notiert" in bot.api.last_message(USER).text
        with Session(tiny_kb.engine) as session:
            stored = session.exec(select(FeedbackReason)).all()
        assert [(r.reason, r.text) for r in stored] == [("other", "Die Ansprechperson ist seit 2025 eine andere")]
        assert len(_rows(tiny_kb)) == 1  # the own words were not taken as a question
        await bot.text(ADVISOR, "/stats 7", user_id=ADVISOR)
        caption = bot.api.calls("sendPhoto", ADVISOR)[-1].text
        assert "Gründe für 👎: eigener Text 1" in caption and " beantwortet)" in caption


async def test_meine_kommune_with_a_typo_and_its_csv(tiny_kb) -> None:
    async with running_bot(tiny_kb) as bot:
        await bot.text(USER, "/meine_kommune Havixbek")
        text = bot.api.last_message(USER).text
        assert "Gemerkt: <b>Havixbeck</b>" in text and "„Havixbek“ verstanden als Havixbeck" in text
        assert "Beteiligt an" in text and "Gemeinsames Standesamt Nottuln–Havixbeck" in text
        assert "Weitere Projekte im Kreis Coesfeld" in text and "Interkommunaler Bauhof" in text
        assert "In der Nähe" in text and "Termine in der Nähe oder online" in text and "Online-Spotlight" in text
        parse_entities(text, "HTML")
        await bot.text(USER, "/meine_kommune")
        assert "Meine Kommune: Havixbeck" in bot.api.last_message(USER).text
        await bot.text(USER, "Woran sind wir beteiligt?")
        assert "Meine Kommune: Havixbeck" in bot.api.last_message(USER).text
        await bot.press(USER, "xh")
        rows = _csv(bot.api.calls("sendDocument", USER)[-1])
        assert rows[0][0] == "ID" and rows[1][0] == "T001" and {"T003", "T006"} <= {r[0] for r in rows[1:]}
        # another user has not set one
        await bot.text(OTHER_USER, "/meine_kommune")
        assert "Nennen Sie Ihre Kommune" in bot.api.last_message(OTHER_USER).text
        await bot.text(USER, "/meine_kommune Atlantis")
        assert "finde ich nicht" in bot.api.last_message(USER).text
        # event notices limited to the Kreis of "meine Kommune"
        await bot.text(OTHER_USER, "/abonnieren mein_kreis")
        assert "/meine_kommune" in bot.api.last_message(OTHER_USER).text and get_region(tiny_kb.engine, chat_id=OTHER_USER) is None
        await bot.text(USER, "/abonnieren mein_kreis")
        assert "nur noch im <b>Kreis Coesfeld</b>" in bot.api.last_message(USER).text
        region = get_region(tiny_kb.engine, chat_id=USER)
        assert (region.scope, region.municipality, region.kreis) == ("kreis", "Havixbeck", "Kreis Coesfeld")
        await bot.text(USER, "/meine_abos")
        assert "Kreis Coesfeld" in bot.api.last_message(USER).text
        await bot.text(USER, "/abonnieren nrw")
        assert get_region(tiny_kb.engine, chat_id=USER) is None


async def test_lists_page_and_export(tiny_kb) -> None:
    extra = [FaqRecord(id=f"TX{n:02d}", question=f"Beispielfrage Nummer {n} zur Kooperation?", answer="Antwort.", topic="Test")
             for n in range(12)]
    tiny_kb.apply("faq", extra, source="test")
    async with running_bot(tiny_kb) as bot:
        await bot.text(USER, "/faq")
        first = bot.api.last_message(USER)
        assert "Seite 1 von 3" in first.text and "14 " in first.text
        nxt = _data(first, "lf:")
        assert nxt == ["lf:1"]
        await bot.press(USER, "lf:1", message_id=first.result["message_id"])
        page = bot.api.calls("editMessageText", USER)[-1]
        assert "Seite 2 von 3" in page.text and set(_data(page, "lf:")) == {"lf:0", "lf:2"}
        await bot.press(USER, "lf:9", message_id=first.result["message_id"])  # beyond the end: a notice
        # search results as CSV
        await bot.text(USER, "Zusammenarbeit von Kommunen")
        card = bot.api.last_message(USER)
        qid = _rows(tiny_kb)[-1].id
        assert f"xq:{qid}" in card.callback_data()
        await bot.press(USER, f"xq:{qid}")
        rows = _csv(bot.api.calls("sendDocument", USER)[-1])
        assert rows[0][:3] == ["Rang", "Art", "ID"] and len(rows) > 3
        # a Kreis list as CSV
        await bot.text(USER, "/kreis Coesfeld")
        kreis = bot.api.last_message(USER)
        export = _data(kreis, "xk:")[0]
        await bot.press(USER, export)
        rows = _csv(bot.api.calls("sendDocument", USER)[-1])
        assert {r[0] for r in rows[1:]} == {"T001", "T003", "T006"} and {r[3] for r in rows[1:]} == {"Kreis Coesfeld"}


async def test_project_card_description_more_share_and_name(tiny_kb) -> None:
    async with running_bot(tiny_kb) as bot:
        await bot.text(USER, "/projekt Bauhof Dülmen")
        card = bot.api.last_message(USER)
        assert "Interkommunaler Bauhof Dülmen–Lüdinghausen" in card.text and "T003" in card.text
        await bot.text(USER, "/projekt T001")
        card = bot.api.last_message(USER)
        assert "Eheschließungen" in card.text  # the description, not only metadata
        share = [b for b in card.buttons() if "switch_inline_query" in b]
        assert share and "T001" in share[0]["switch_inline_query"]
        await bot.send(bot.api.push_inline_query(USER, "T001"))
        results = bot.api.calls("answerInlineQuery")[-1].params["results"]
        assert "Gemeinsames Standesamt" in results[0]["title"]


async def test_document_as_pdf_and_event_calendar_file(tiny_kb) -> None:
    leitfaden = load_documents(SAMPLE_DIR / "documents" / "D01-leitfaden-ikz-gruendung.md")
    tiny_kb.apply("documents", leitfaden.records, source="test")
    async with running_bot(tiny_kb) as bot:
        await bot.press(USER, f"d:{item_ref('document', 'D01-leitfaden-ikz-gruendung')}")
        sent = bot.api.calls("sendDocument", USER)[-1]
        name, content = sent.files["document"][:2]
        assert name.endswith(".pdf") and content.startswith(b"%PDF")
        reader = pypdf.PdfReader(io.BytesIO(content))
        titles = [o.title for entry in reader.outline for o in (entry if isinstance(entry, list) else [entry])]
        assert "Phase 2: Partnersuche" in titles
        # a short text document is shown as a formatted message instead
        await bot.press(USER, f"d:{item_ref('document', 'TD1-foerderung')}")
        short = bot.api.last_message(USER)
        assert short.method == "sendMessage" and "<b>" in short.text
        await bot.text(USER, "/veranstaltungen")
        events = bot.api.last_message(USER)
        calendar = _data(events, "ic:")[0]
        urls = [b.get("url") for b in events.buttons()]
        assert any(u and "anmeldung" in u for u in urls)
        await bot.press(USER, calendar)
        name, content = bot.api.calls("sendDocument", USER)[-1].files["document"][:2]
        assert name.endswith(".ics")
        event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
        assert "Spotlight" in str(event["SUMMARY"]) and event["UID"] == "TE1@ikz-assistent"
