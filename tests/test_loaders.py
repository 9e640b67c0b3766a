"""Every loader, and bad input: a clear message naming file and line, the rest ingested."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from knowledge.ingest.documents import load_documents
from knowledge.ingest.events import load_events
from knowledge.ingest.faq import load_faq
from knowledge.ingest.projects import load_projects

PROJECT = {
    "id": "X1", "title": "Gemeinsamer Bauhof", "description": "Maschinen teilen.", "topic": "Bauhof",
    "municipalities": ["Olfen", "Selm"], "kreis": "Kreis Coesfeld", "legal_form": "Zweckverband",
    "start_year": 2020, "contact_name": "A. B.", "contact_email": "a@beispiel.de", "contact_phone": "0 000",
    "url": "https://example.org/x1", "source": "Test", "updated": "2026-01-02",
}


def test_projects_jsonl_with_malformed_line_and_missing_id(tmp_path: Path) -> None:
    path = tmp_path / "projects.jsonl"
    lines = [json.dumps(PROJECT, ensure_ascii=False), "{not json", json.dumps({"title": "ohne Id"}),
             "", json.dumps({**PROJECT, "id": "X2", "municipalities": "Olfen; Selm"})]
    path.write_text("\n".join(lines), encoding="utf-8")
    result = load_projects(path)
    assert [r.id for r in result.records] == ["X1", "X2"]
    assert result.records[1].municipalities == ["Olfen", "Selm"]
    assert result.records[0].updated.isoformat() == "2026-01-02"
    messages = [str(p) for p in result.problems]
    assert messages[0].startswith(f"{path}:2: malformed JSON")
    assert messages[1].startswith(f"{path}:3:") and "id" in messages[1] and "missing" in messages[1]


def test_projects_csv_semicolon_municipalities_and_row_without_id(tmp_path: Path) -> None:
    path = tmp_path / "projects.csv"
    path.write_text(
        "id,title,topic,municipalities,kreis,legal_form,start_year\n"
        "C1,Gemeinsames Standesamt,Standesamt,Nottuln;Havixbeck,Kreis Coesfeld,Zweckverband,2019\n"
        ",Ohne Id,Bauhof,Olfen,Kreis Coesfeld,,\n"
        "C2,Vergabestelle,Vergabe,\"Borken; Heiden\",Kreis Borken,,\n",
        encoding="utf-8",
    )
    result = load_projects(path)
    assert [r.id for r in result.records] == ["C1", "C2"]
    assert result.records[0].municipalities == ["Nottuln", "Havixbeck"]
    assert result.records[0].start_year == 2019
    assert result.records[1].municipalities == ["Borken", "Heiden"]
    assert len(result.problems) == 1 and result.problems[0].line == 3 and "missing id" in result.problems[0].message


def test_empty_file_and_unknown_extension_are_reported(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("   \n", encoding="utf-8")
    assert "empty file" in str(load_projects(empty).problems[0])
    odd = tmp_path / "projects.xml"
    odd.write_text("<x/>", encoding="utf-8")
    assert "unsupported file type '.xml'" in str(load_projects(odd).problems[0])


def test_faq_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "faq.jsonl"
    path.write_text(
        json.dumps({"id": "F1", "question": "Was ist IKZ?", "answer": "Zusammenarbeit.", "topic": "Allgemein"}) + "\n"
        + json.dumps({"id": "F2", "question": "", "answer": "x"}) + "\n",
        encoding="utf-8",
    )
    result = load_faq(path)
    assert [r.id for r in result.records] == ["F1"]
    assert result.problems[0].line == 2 and "question" in result.problems[0].message


def test_events_jsonl_offsets_and_bad_dates(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    good = {"id": "E1", "title": "Spotlight", "start": "2027-03-27T10:00:00+01:00", "end": "2027-03-27T11:00:00+01:00",
            "location": "https://meet.example.org/x", "topic": "Digitalisierung", "description": "d",
            "registration_url": "https://example.org/r"}
    path.write_text(
        json.dumps(good) + "\n"
        + json.dumps({**good, "id": "E2", "start": "nächsten Dienstag"}) + "\n"
        + json.dumps({**good, "id": "E3", "end": "2027-03-26T10:00:00+01:00"}) + "\n",
        encoding="utf-8",
    )
    result = load_events(path)
    assert [r.id for r in result.records] == ["E1"]
    event = result.records[0]
    assert event.start.astimezone(UTC) == datetime(2027, 3, 27, 9, 0, tzinfo=UTC)
    assert event.online_url == "https://meet.example.org/x"
    assert {p.line for p in result.problems} == {2, 3}
    assert "end is before start" in str(result.problems[1])


def test_events_ics_with_timezone_and_cancellation(tmp_path: Path) -> None:
    path = tmp_path / "events.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:ICS1\r\nSUMMARY:IKZ-Jahreskonferenz\r\n"
        "DTSTART;TZID=Europe/Berlin:20270615T093000\r\nDTEND;TZID=Europe/Berlin:20270615T170000\r\n"
        "LOCATION:Düsseldorf\r\nCATEGORIES:Konferenz\r\nDESCRIPTION:Jährliche Konferenz\r\n"
        "URL:https://example.org/anmeldung\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:ICS2\r\nSUMMARY:Abgesagt\r\nDTSTART:20270101T100000Z\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n",
        encoding="utf-8",
    )
    result = load_events(path)
    assert not result.problems
    first, second = result.records
    assert first.id == "ICS1" and first.topic == "Konferenz" and first.location == "Düsseldorf"
    assert first.start.astimezone(UTC) == datetime(2027, 6, 15, 7, 30, tzinfo=UTC)  # CEST = UTC+2
    assert first.registration_url == "https://example.org/anmeldung"
    assert second.cancelled is True


def test_broken_ics_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "broken.ics"
    path.write_text("BEGIN:VCALENDAR\nthis is not ical", encoding="utf-8")
    result = load_events(path)
    assert not result.records and "broken.ics" in str(result.problems[0])


def _make_pdf(path: Path, title: str | None, pages: list[str], encrypt: str | None = None) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    if title:
        c.setTitle(title)
    for text in pages:
        y = 800
        for line in text.split("\n"):
            c.drawString(50, y, line)
            y -= 16
        c.showPage()
    c.save()


def _make_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Leitfaden Shared Service Center", level=1)
    document.add_paragraph("Einleitung zum gemeinsamen Dienstleistungszentrum.")
    document.add_heading("Personalüberleitung", level=2)
    document.add_paragraph("Beschäftigte wechseln nach § 613a BGB analog in das Service Center.")
    document.save(str(path))


def test_documents_folder_all_formats_and_bad_files(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    (root / "recht").mkdir(parents=True)
    (root / "D03-foerderung.md").write_text("# Förderrichtlinie\n\n## Fördersatz\nBis zu 80 Prozent.\n", encoding="utf-8")
    (root / "notiz.txt").write_text("Checkliste Datenschutz\n\nVerzeichnis der Verarbeitungstätigkeiten anlegen.\n",
                                    encoding="utf-8")
    (root / "recht" / "seite.html").write_text(
        "<html><head><title>GkG NRW &amp; IKZ</title><script>alert(1)</script></head><body><h1>GkG</h1>"
        "<h2>Zweckverband</h2><p>Ein Zweckverband ist eine K&ouml;rperschaft.</p></body></html>",
        encoding="utf-8",
    )
    _make_docx(root / "ssc.docx")
    _make_pdf(root / "richtlinie.pdf", "Richtlinie IKZ 2027", ["Seite eins Text zur Foerderung", "Seite zwei Antrag"])
    _make_pdf(root / "geheim.pdf", "Geheim", ["vertraulich"], encrypt="secret")
    (root / "kaputt.pdf").write_bytes(b"%PDF-1.4\n this is not really a pdf")
    (root / "leer.md").write_text("", encoding="utf-8")
    (root / "bild.png").write_bytes(b"\x89PNG....")

    result = load_documents(root)
    docs = {d.id: d for d in result.records}
    assert set(docs) == {"D03-foerderung", "notiz", "recht/seite", "ssc", "richtlinie"}
    assert docs["D03-foerderung"].title == "Förderrichtlinie"
    assert "## Fördersatz" in docs["D03-foerderung"].text
    assert docs["notiz"].title == "Checkliste Datenschutz"
    assert docs["recht/seite"].title == "GkG NRW & IKZ"
    assert "Körperschaft" in docs["recht/seite"].text and "alert" not in docs["recht/seite"].text
    assert "## Zweckverband" in docs["recht/seite"].text
    assert docs["ssc"].title == "Leitfaden Shared Service Center"
    assert "## Personalüberleitung" in docs["ssc"].text
    assert docs["richtlinie"].title == "Richtlinie IKZ 2027"
    assert "Seite zwei Antrag" in docs["richtlinie"].text
    problems = {Path(p.file).name: p.message for p in result.problems}
    assert "encrypted" in problems["geheim.pdf"]
    assert "corrupt PDF" in problems["kaputt.pdf"]
    assert problems["leer.md"] == "empty file"
    assert "unsupported file type '.png'" in problems["bild.png"]


def test_single_document_file_id_is_stem(tmp_path: Path) -> None:
    path = tmp_path / "D07-mustervertrag.md"
    path.write_text("Kein Titel hier, nur Text über Verträge.", encoding="utf-8")
    result = load_documents(path)
    assert result.records[0].id == "D07-mustervertrag"
    assert result.records[0].title == "Mustervertrag"  # from the file name


@pytest.mark.parametrize("name", ["missing.jsonl"])
def test_missing_file(tmp_path: Path, name: str) -> None:
    assert "not found" in str(load_projects(tmp_path / name).problems[0])
