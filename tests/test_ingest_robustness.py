"""Hostile and broken inputs (issue 10, defects 4, 5, 7, 11): limits, per-record errors, control
characters, symbolic links and the iCalendar/CSV details that used to be lost silently."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from knowledge.indexing import MAX_EMBED_CHARS
from knowledge.ingest.documents import load_documents
from knowledge.ingest.events import parse_ics
from knowledge.ingest.faq import load_faq
from knowledge.ingest.limits import IngestLimits
from knowledge.ingest.projects import load_projects
from knowledge.ingest.records import BERLIN

NOW = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)


def _messages(result) -> str:
    return " | ".join(str(p) for p in result.problems)


# --- defect 4: limits ------------------------------------------------------------------------------
def test_html_with_too_many_elements_is_skipped_and_long_pages_parse_linearly(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bomb.html").write_text("<div>" * 30_000 + "x" + "</div>" * 30_000, encoding="utf-8")
    # 20 000 paragraphs: bs4's insert_after made this quadratic (30 s); now one linear pass
    (docs / "lang.html").write_text("<h1>Lang</h1>" + "<p>Absatz über Kooperation.</p>" * 20_000, encoding="utf-8")
    (docs / "gut.md").write_text("# Gut\n\nText über Zweckverbände.", encoding="utf-8")

    result = load_documents(docs, IngestLimits(max_elements=50_000))

    assert sorted(r.id for r in result.records) == ["gut", "lang"]
    long_page = next(r for r in result.records if r.id == "lang")
    assert long_page.text.count("Absatz über Kooperation.") == 20_000 and "\n" in long_page.text
    assert "bomb.html" in _messages(result) and "60000 HTML elements (limit 50000)" in _messages(result)


def _docx_bytes(padding: int) -> bytes:
    """A minimal DOCX whose document.xml is padded with ``padding`` spaces (compresses to almost nothing)."""
    content_types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                     'package/2006/content-types"><Default Extension="rels" ContentType="application/'
                     'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
                     '"application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
                     'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    document = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Kooperation im Bauhof</w:t></w:r></w:p>'
                + " " * padding + "</w:body></w:document>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def test_docx_that_unpacks_beyond_the_limit_is_skipped(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "klein.docx").write_bytes(_docx_bytes(0))
    bomb = _docx_bytes(8 * 1024 * 1024)
    (docs / "bombe.docx").write_bytes(bomb)
    assert len(bomb) < 64 * 1024  # small on disk, 8 MB unpacked

    result = load_documents(docs, IngestLimits(max_unpacked_bytes=1024 * 1024))

    assert [r.id for r in result.records] == ["klein"] and "Kooperation im Bauhof" in result.records[0].text
    assert "bombe.docx" in _messages(result) and "unpacks to" in _messages(result)


def test_oversized_files_and_fields_are_reported_and_skipped(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "gross.txt").write_text("Titel\n" + "Wort " * 5000, encoding="utf-8")
    (docs / "klein.txt").write_text("Titel\nKurzer Text", encoding="utf-8")
    result = load_documents(docs, IngestLimits(max_file_bytes=4096))
    assert [r.id for r in result.records] == ["klein"] and "file larger than 4096 bytes" in _messages(result)

    projects = tmp_path / "projects.jsonl"
    projects.write_text(
        json.dumps({"id": "P1", "title": "Riesig", "description": "x" * 150_000}) + "\n"
        + json.dumps({"id": "P2", "title": "Normal", "description": "Bauhof-Kooperation"}) + "\n", encoding="utf-8")
    result = load_projects(projects)
    assert [r.id for r in result.records] == ["P2"]
    assert "projects.jsonl:1" in _messages(result) and "longer than 100000 characters" in _messages(result)


class RecordingEncoder:
    """The real encoder, recording the longest text it was given."""

    def __init__(self, inner) -> None:
        self.inner, self.longest = inner, 0
        self.model_id, self.dim = inner.model_id, inner.dim

    def encode_passages(self, texts):
        self.longest = max([self.longest, *(len(t) for t in texts)])
        return self.inner.encode_passages(texts)

    def encode_queries(self, texts):
        self.longest = max([self.longest, *(len(t) for t in texts)])
        return self.inner.encode_queries(texts)


def test_embed_text_is_capped(tmp_path: Path, encoder) -> None:
    from knowledge.ingest.records import ProjectRecord
    from knowledge.service import KnowledgeBase
    from tests.conftest import make_settings

    recording = RecordingEncoder(encoder)
    kb = KnowledgeBase(make_settings(tmp_path / "data"), encoder=recording)
    try:
        long_description = "Die Gemeinden betreiben gemeinsam einen Bauhof. " * 1500  # 72 000 characters
        kb.apply("projects", [ProjectRecord(id="LANG", title="Bauhof", description=long_description)], source="t")
        kb.ask("Bauhof " * 5000)
        assert 0 < recording.longest <= MAX_EMBED_CHARS
        assert kb.ask("gemeinsamer Bauhof").hits[0].id == "LANG"
    finally:
        kb.close()


# --- defect 5: one bad record never aborts a file ---------------------------------------------------------
def test_a_csv_field_over_128_kib_costs_only_its_row(tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text("id,question,answer\nF1,Wer hilft?,Die Beratungsstelle.\n"
                    f'F2,Riesig?,"{"y" * 140_000}"\nF3,Was kostet es?,Nichts.\n', encoding="utf-8")
    result = load_faq(path)
    assert [r.id for r in result.records] == ["F1", "F3"]
    assert "faq.csv:3" in _messages(result)


def test_a_broken_ics_event_costs_only_itself() -> None:
    calendar = (b"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:kaputt\nSUMMARY:Kaputt\n"
                b"DTSTART:2030-13-45T99:00\nEND:VEVENT\nBEGIN:VEVENT\nUID:gut\nSUMMARY:Gut\n"
                b"DTSTART:20300301T090000Z\nEND:VEVENT\nEND:VCALENDAR\n")
    result = parse_ics(calendar, origin="feed.ics", now=NOW)
    assert [r.id for r in result.records] == ["gut"]
    assert "event #1" in _messages(result) and "DTSTART" in _messages(result)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_nul_and_control_characters_are_cleaned_at_the_boundary(tmp_path: Path, encoder, request, backend) -> None:
    from knowledge.db import make_engine
    from knowledge.service import KnowledgeBase
    from tests.conftest import make_settings

    path = tmp_path / "projects.jsonl"
    rows = [{"id": f"NUL{i}-{backend}", "title": f"Projekt\u0000 {i}", "description": "Bau\u0000hof\u0007 Text\tmit Tab",
             "municipalities": ["A\u0000"]} for i in range(3)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    engine = make_engine(request.getfixturevalue("pg_url")) if backend == "postgresql" else None
    kb = KnowledgeBase(make_settings(tmp_path / "data"), engine=engine, encoder=encoder)
    try:
        loaded = kb.load("projects", path)
        report = kb.apply("projects", loaded.records, source=f"nul-{backend}", update_index=False)
        assert report.counts.added == 3
        project = kb.project(f"NUL0-{backend}")
        assert project.title == "Projekt 0" and project.description == "Bauhof Text\tmit Tab"
        assert project.municipalities == ["A"]
    finally:
        kb.close()


# --- defect 7: symbolic links -----------------------------------------------------------------------------
def test_symbolic_links_in_a_documents_folder_are_reported_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / ".env"
    secret.parent.mkdir()
    secret.write_text("TELEGRAM_BOT_TOKEN=123:secret\n", encoding="utf-8")
    (tmp_path / "outside" / "sub").mkdir()
    (tmp_path / "outside" / "sub" / "intern.txt").write_text("Intern\nVertraulich", encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "echt.txt").write_text("Echt\nLeitfaden Kooperation", encoding="utf-8")
    (docs / "x.txt").symlink_to(secret)
    (docs / "weg.txt").symlink_to(tmp_path / "gibt-es-nicht.txt")
    (docs / "ordner").symlink_to(tmp_path / "outside" / "sub", target_is_directory=True)

    result = load_documents(docs)

    assert [r.id for r in result.records] == ["echt"]
    messages = _messages(result)
    assert "x.txt: symbolic link skipped" in messages
    assert "weg.txt: dangling symbolic link skipped" in messages
    assert "ordner: symbolic link to a folder skipped" in messages
    assert all("secret" not in r.text and "Vertraulich" not in r.text for r in result.records)


# --- defect 11: silent data-quality loss --------------------------------------------------------------------
def test_ics_rrule_duration_tzid_duplicates_and_latin1() -> None:
    calendar = (
        "BEGIN:VCALENDAR\nVERSION:2.0\n"
        "BEGIN:VEVENT\nUID:jour-fixe\nSUMMARY:Jour fixe IKZ\nDTSTART;TZID=Europe/Berlin:20300122T100000\n"
        "DURATION:PT1H30M\nRRULE:FREQ=WEEKLY;COUNT=4\nEXDATE;TZID=Europe/Berlin:20300129T100000\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:mars\nSUMMARY:Zeitzone unbekannt\nDTSTART;TZID=Mars/Olympus:20300301T090000\n"
        "END:VEVENT\n"
        "BEGIN:VEVENT\nUID:doppelt\nSUMMARY:Erste Fassung\nDTSTART:20300401T090000Z\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:doppelt\nSUMMARY:Zweite Fassung für Gemeindeverbände\nDTSTART:20300402T090000Z\n"
        "END:VEVENT\nEND:VCALENDAR\n"
    ).encode("cp1252")

    result = parse_ics(calendar, origin="kal.ics", now=NOW)

    by_id = {r.id: r for r in result.records}
    weekly = sorted(i for i in by_id if i.startswith("jour-fixe#"))
    assert weekly == ["jour-fixe#20300122T1000", "jour-fixe#20300205T1000", "jour-fixe#20300212T1000"]
    first = by_id["jour-fixe#20300122T1000"]
    assert first.start == datetime(2030, 1, 22, 10, 0, tzinfo=BERLIN) and first.end - first.start == timedelta(minutes=90)
    assert by_id["doppelt"].title == "Zweite Fassung für Gemeindeverbände"  # Windows-1252 decoded, not garbled
    messages = _messages(result)
    assert "not UTF-8" in messages and "unknown time zone 'Mars/Olympus'" in messages
    assert "duplicate UID 'doppelt'" in messages


def test_csv_extra_columns_are_reported_and_quoted_newlines_kept(tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text('id;question;answer\nF1;Wie gründen?;"Erstens beschließen.\nZweitens vereinbaren."\n'
                    "F2;Wer hilft?;Die Beratungsstelle.;überzählig\n", encoding="utf-8")
    result = load_faq(path)
    answers = {r.id: r.answer for r in result.records}
    assert answers["F1"] == "Erstens beschließen.\nZweitens vereinbaren."
    assert answers["F2"] == "Die Beratungsstelle."
    assert "faq.csv:4" in _messages(result) and "beyond the header" in _messages(result)


def test_pdf_warnings_name_the_file(tmp_path: Path, caplog) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    broken = data[: data.rindex(b"startxref")] + b"startxref\n99\n%%EOF\n"
    (tmp_path / "kaputt.pdf").write_bytes(broken)
    with caplog.at_level(logging.WARNING):
        load_documents(tmp_path / "kaputt.pdf")
    assert any("kaputt.pdf" in r.getMessage() and "startxref" in r.getMessage() for r in caplog.records)
    assert not any(r.name.startswith("pypdf") for r in caplog.records)


def test_changed_source_url_drops_the_old_validators(tiny_kb) -> None:
    from jobs.refresh import refresh_source
    from knowledge.source_state import STATUS_OK
    from knowledge.sources.config import IcsSource
    from tests.local_http_server import LocalHttpServer, Reply

    calendar = b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:u1\nSUMMARY:Termin\nDTSTART:20300301T090000Z\nEND:VEVENT\nEND:VCALENDAR\n"
    with LocalHttpServer() as server:
        def answer(request):
            if request.headers.get("if-none-match") == '"same"':
                return Reply(304, headers={"ETag": '"same"'})
            return Reply(200, calendar, {"ETag": '"same"'})

        server.routes["/alt.ics"] = answer
        server.routes["/neu.ics"] = answer
        old = IcsSource(type="ics", name="kal", url=f"{server.url}/alt.ics", allow_private_network=True)
        assert refresh_source(tiny_kb, old, clock=lambda: NOW).status == STATUS_OK
        new = IcsSource(type="ics", name="kal", url=f"{server.url}/neu.ics", allow_private_network=True)
        assert refresh_source(tiny_kb, new, clock=lambda: NOW).status == STATUS_OK
        assert "if-none-match" not in server.requests_to("/neu.ics")[0].headers
