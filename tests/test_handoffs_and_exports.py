"""Knowledge-layer services of issue 9: hand-off state machine (SQLite and PostgreSQL), FAQ
adoption answered on the next ask, feedback reasons, CSV export and PDF rendering."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pypdf
import pytest

from knowledge import feedback_reasons, handoffs, home_municipality
from knowledge.advice_faq import adopt_as_faq
from knowledge.csv_export import items_csv, projects_csv
from knowledge.db import create_db_and_tables, make_engine
from knowledge.document_pdf import document_pdf, needs_conversion, pdf_filename
from knowledge.query_log import log_question

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def _engine(url: str):
    engine = make_engine(url)
    create_db_and_tables(engine)
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path, pg_url):
    url = f"sqlite:///{tmp_path / 'h.sqlite3'}" if request.param == "sqlite" else pg_url
    engine = _engine(url)
    yield engine
    if request.param == "postgresql":
        with engine.begin() as conn:
            for table in ("handoffs", "home_municipalities", "feedback_reasons"):
                conn.exec_driver_sql(f"DELETE FROM {table}")
    engine.dispose()


def test_handoff_state_machine(engine) -> None:
    with pytest.raises(handoffs.HandoffError) as group:
        handoffs.create_draft(engine, user_chat_id=-100123, question="Frage")
    assert group.value.reason == "private_only"
    with pytest.raises(handoffs.HandoffError):
        handoffs.create_draft(engine, user_chat_id=5, question="   ")
    draft = handoffs.create_draft(engine, user_chat_id=5, question="Wie  teilen wir  Kosten?", query_id=None)
    assert draft.status == "draft" and draft.question == "Wie teilen wir Kosten?"
    # another user can neither toggle nor send this draft
    assert handoffs.set_include_name(engine, draft.id, user_chat_id=6, include=True) is None
    assert handoffs.claim_for_sending(engine, draft.id, user_chat_id=6, sender_name="X", advice_chat_id=-1) is None
    # without consent the name is not stored
    sent = handoffs.claim_for_sending(engine, draft.id, user_chat_id=5, sender_name="Anna", advice_chat_id=-100900)
    assert sent is not None and sent.status == "sent" and sent.sender_name is None
    # a double tap does not send twice
    assert handoffs.claim_for_sending(engine, draft.id, user_chat_id=5, sender_name="Anna", advice_chat_id=-100900) is None
    handoffs.record_advice_message(engine, draft.id, 77)
    assert handoffs.for_advice_message(engine, -100900, 77).id == draft.id
    assert handoffs.for_advice_message(engine, -100901, 77) is None
    assert [h.id for h in handoffs.open_handoffs(engine)] == [draft.id]
    assert handoffs.mark_adopted(engine, draft.id, "B1") is None  # not answered yet
    answered = handoffs.record_answer(engine, draft.id, "  Nach Einwohnern.  ", clock=lambda: NOW)
    assert answered.status == "answered" and answered.answer == "Nach Einwohnern." and answered.answered_at == NOW
    assert handoffs.open_handoffs(engine) == []
    assert handoffs.record_answer(engine, draft.id, "Nachtrag: oder nach Fallzahlen.").answer.startswith("Nachtrag")
    assert handoffs.mark_adopted(engine, draft.id, "B1").status == "adopted"
    assert handoffs.record_answer(engine, draft.id, "zu spät") is None
    # consent: the name goes with the hand-off only when the user agreed
    other = handoffs.create_draft(engine, user_chat_id=5, question="Zweite Frage")
    assert handoffs.set_include_name(engine, other.id, user_chat_id=5, include=True).include_name
    assert handoffs.claim_for_sending(engine, other.id, user_chat_id=5, sender_name="Anna B.", advice_chat_id=1).sender_name == "Anna B."
    cancelled = handoffs.create_draft(engine, user_chat_id=5, question="Dritte")
    assert handoffs.cancel(engine, cancelled.id, user_chat_id=5).status == "cancelled"
    assert handoffs.claim_for_sending(engine, cancelled.id, user_chat_id=5, sender_name=None, advice_chat_id=1) is None
    assert handoffs.delete_for_user(engine, 5) == 3 and handoffs.get(engine, draft.id) is None


def test_handoff_limit_of_open_questions(engine) -> None:
    policy = handoffs.HandoffPolicy(max_open_per_user=2)
    for n in range(2):
        draft = handoffs.create_draft(engine, user_chat_id=9, question=f"Frage {n}", policy=policy)
        handoffs.claim_for_sending(engine, draft.id, user_chat_id=9, sender_name=None, advice_chat_id=1)
    with pytest.raises(handoffs.HandoffError) as too_many:
        handoffs.create_draft(engine, user_chat_id=9, question="Frage 3", policy=policy)
    assert too_many.value.reason == "too_many_open"
    assert handoffs.create_draft(engine, user_chat_id=10, question="Frage", policy=policy)  # others unaffected
    assert handoffs.purge_older_than(engine, days=1, now=datetime.now(UTC) + timedelta(days=2)) == 3


def test_home_municipality_and_feedback_reasons(engine) -> None:
    assert home_municipality.recall(engine, "u1") is None
    home_municipality.remember(engine, "u1", ags="05558016", name="Havixbeck", kreis="Kreis Coesfeld")
    home_municipality.remember(engine, "u1", ags="05558036", name="Nottuln", kreis="Kreis Coesfeld")
    assert home_municipality.recall(engine, "u1").name == "Nottuln"
    assert home_municipality.forget(engine, "u1") == 1 and home_municipality.recall(engine, "u1") is None

    qid = log_question(engine, user_id_hash="u2", question="Frage", answer=None, asked_at=NOW)
    assert feedback_reasons.record_reason(engine, qid, "outdated", clock=lambda: NOW)
    assert feedback_reasons.record_reason(engine, qid, "other", text="  Die  Zahl ist von 2019 ", clock=lambda: NOW)
    assert not feedback_reasons.record_reason(engine, 999_999, "wrong")
    with pytest.raises(ValueError):
        feedback_reasons.record_reason(engine, qid, "boring")
    counts = feedback_reasons.reason_counts(engine, since=NOW - timedelta(days=1))
    assert counts == {"wrong": 0, "outdated": 0, "incomplete": 0, "off_topic": 0, "other": 1}
    assert feedback_reasons.own_texts(engine, since=NOW - timedelta(days=1)) == ["Die Zahl ist von 2019"]
    assert feedback_reasons.delete_for_user(engine, "u2") == 1


def test_adopted_answer_is_an_faq_answered_on_the_next_ask(tiny_kb) -> None:
    question = "Wie viele Tage Urlaub haben Standesbeamte im Verbund?"
    first = tiny_kb.ask(question)
    qid = log_question(tiny_kb.engine, user_id_hash="u", question=question, answer=first)
    draft = handoffs.create_draft(tiny_kb.engine, user_chat_id=42, question=question, query_id=qid)
    handoffs.claim_for_sending(tiny_kb.engine, draft.id, user_chat_id=42, sender_name=None, advice_chat_id=-1)
    assert adopt_as_faq(tiny_kb, draft.id) is None  # no answer yet
    handoffs.record_answer(tiny_kb.engine, draft.id, "Das regelt der Tarifvertrag: 30 Tage, unabhängig vom Verbund.")
    faq_id = adopt_as_faq(tiny_kb, draft.id)
    assert faq_id == f"B{draft.id}"
    assert adopt_as_faq(tiny_kb, draft.id) is None  # only once
    faq = tiny_kb.faq(faq_id)
    assert faq.question == question and "30 Tage" in faq.answer and faq.origin == "beratungsstelle"
    again = tiny_kb.ask("Urlaubstage Standesbeamte Verbund")
    assert again.answered and again.best.kind == "faq" and again.best.id == faq_id


def test_csv_export_opens_as_excel_expects(tiny_kb) -> None:
    projects, _ = tiny_kb.projects(kreis="Kreis Coesfeld", limit=50)
    data = projects_csv(projects)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["ID", "Titel", "Thema", "Kreis"]
    assert len(rows) == len(projects) + 1 and all(r[3] == "Kreis Coesfeld" for r in rows[1:])
    by_id = {r[0]: r for r in rows[1:]}
    assert len(rows) == 4 and by_id["T001"][4] == "Nottuln, Havixbeck" and "Nottuln" in by_id["T001"][1]
    answer = tiny_kb.ask("Zusammenarbeit von Kommunen", k=8)
    rows = list(csv.reader(io.StringIO(items_csv([h.item for h in answer.hits]).decode("utf-8-sig")), delimiter=";"))
    assert [r[2] for r in rows[1:]] == [h.id for h in answer.hits] and rows[1][0] == "1"


def test_csv_cells_cannot_become_formulas() -> None:
    from knowledge.csv_export import csv_bytes

    data = csv_bytes(("a", "b"), [("=HYPERLINK(\"x\")", "Müller; Söhne \"GmbH\"")])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["'=HYPERLINK(\"x\")", "Müller; Söhne \"GmbH\""]


def _sample_document(name: str):
    from knowledge.ingest.documents import load_documents
    from knowledge.settings import SAMPLE_DIR

    return load_documents(SAMPLE_DIR / "documents" / name).records[0]


def test_document_pdf_keeps_headings_and_text() -> None:
    document = _sample_document("D01-leitfaden-ikz-gruendung.md")
    assert needs_conversion("D01.md") and not needs_conversion("x.PDF") and not needs_conversion("a.docx")
    pdf = document_pdf(document.title, document.text, source_note="Quelle: Beispiel")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert len(reader.pages) >= 3
    assert "Interkommunale Zusammenarbeit gründen" in text and "Partnersuche" in text
    assert "„etwas abzugeben“" in text
    outline = [item.title for item in reader.outline[0:1]] + [
        item.title for group in reader.outline[1:] for item in (group if isinstance(group, list) else [group])
    ]
    assert document.title in outline
    assert "Phase 2: Partnersuche" in outline and "Warum interkommunale Zusammenarbeit?" in outline
    assert pdf_filename("D01-leitfaden.md", "D01") == "D01-leitfaden.pdf"
    checklist = _sample_document("D13-checkliste-datenschutz-ikz.txt")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(document_pdf(checklist.title, checklist.text))).pages)
    assert "DSGVO" in text and "<b>" not in text


def test_release_after_a_failed_post(engine) -> None:
    draft = handoffs.create_draft(engine, user_chat_id=7, question="Frage")
    handoffs.claim_for_sending(engine, draft.id, user_chat_id=7, sender_name=None, advice_chat_id=1)
    assert handoffs.release(engine, draft.id).status == "draft"
    assert handoffs.claim_for_sending(engine, draft.id, user_chat_id=7, sender_name=None, advice_chat_id=1)
    handoffs.record_advice_message(engine, draft.id, 5)
    assert handoffs.release(engine, draft.id) is None  # posted: stays sent


def test_retention_removes_reasons_and_handoffs_with_the_questions(tmp_path) -> None:
    from jobs.retention import enforce_retention
    from tests.conftest import make_settings

    engine = _engine(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    old = NOW - timedelta(days=100)
    qid = log_question(engine, user_id_hash="u", question="alt", answer=None, asked_at=old)
    feedback_reasons.record_reason(engine, qid, "wrong", clock=lambda: old)
    handoffs.create_draft(engine, user_chat_id=3, question="alt", query_id=qid, clock=lambda: old)
    fresh = handoffs.create_draft(engine, user_chat_id=3, question="neu", clock=lambda: NOW)
    counts = enforce_retention(engine, make_settings(tmp_path / "data", query_log_retention_days=90), now=NOW)
    assert counts["query_log"] == 1 and counts["feedback_reasons"] == 1 and counts["handoffs"] == 1
    assert feedback_reasons.reason_counts(engine, since=old - timedelta(days=1))["wrong"] == 0
    assert [h.id for h in handoffs.open_handoffs(engine)] == [] and handoffs.get(engine, fresh.id) is not None
    assert handoffs.delete_for_user(engine, 3) == 1
