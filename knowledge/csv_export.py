"""Lists as CSV files that Excel opens right: UTF-8 with BOM, ``;``-separated, CRLF line ends.

Cells that a spreadsheet would run as a formula (starting with ``= + - @`` or a tab) get a
leading apostrophe, so an exported list can never execute anything.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from knowledge.catalog import ItemInfo
from knowledge.models import Event, Project

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PROJECT_HEADER = ("ID", "Titel", "Thema", "Kreis", "Beteiligte Kommunen", "Rechtsform", "Seit",
                  "Kontakt", "E-Mail", "Telefon", "Link", "Beschreibung")
ITEM_HEADER = ("Rang", "Art", "ID", "Titel", "Thema", "Kreis", "Kommunen", "Link")
KIND_NAMES = {"project": "Projekt", "document": "Dokument", "faq": "FAQ", "event": "Veranstaltung"}


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file as bytes (UTF-8 with BOM, semicolons, quoted where needed)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue().encode("utf-8-sig")


def projects_csv(projects: Sequence[Project]) -> bytes:
    return csv_bytes(PROJECT_HEADER, (
        (p.id, p.title, p.topic, p.kreis or "", ", ".join(p.municipalities or ()), p.legal_form or "",
         p.start_year or "", p.contact_name or "", p.contact_email or "", p.contact_phone or "", p.url or "",
         p.description)
        for p in projects
    ))


def items_csv(items: Sequence[ItemInfo]) -> bytes:
    """Mixed search results (projects, documents, FAQ, events), best first."""
    return csv_bytes(ITEM_HEADER, (
        (rank, KIND_NAMES.get(item.kind, item.kind), item.id, item.title, item.topic, item.kreis or "",
         ", ".join(item.municipalities), item.url or "")
        for rank, item in enumerate(items, start=1)
    ))


def events_csv(events: Sequence[Event], *, timezone: str = "Europe/Berlin") -> bytes:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(timezone)
    return csv_bytes(("ID", "Titel", "Beginn", "Ende", "Ort", "Thema", "Anmeldung"), (
        (e.id, e.title, f"{e.start.astimezone(zone):%d.%m.%Y %H:%M}",
         f"{e.end.astimezone(zone):%d.%m.%Y %H:%M}" if e.end else "", e.location or e.online_url or "",
         e.topic, e.registration_url or "")
        for e in events
    ))
