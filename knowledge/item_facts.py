"""An item's own structured facts that a question asks for, put before its snippet: a project's start
year, legal form, contact and members ("Seit wann …?", "Wer macht mit?"), an event's date and place
(always: an event answer needs both). The description need not state them; the catalogue does."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from embeddings.lexical import fold
from knowledge.catalog import ItemInfo
from knowledge.snippets import asked_facts

_LEGAL_FORM_CUES = ("rechtsform", "organisationsform", "legal form", "wie organisiert", "als was")
_START = re.compile(r"\b(?:seit (?:wann|welchem)|gegruendet|gestartet|startete|begonnen|begann|angefangen|entstanden"
                    r"|in welchem jahr|welches jahr|startjahr|ins leben gerufen|wann (?:wurde|hat|start\w*|begann)"
                    r"|since when|founded|started|wie lange (?:gibt|schon))\b")
_MEMBERS = re.compile(r"\b(?:wer macht|welche (?:kommunen|gemeinden|staedte|orte)|wer ist (?:beteiligt|dabei)|beteiligt"
                      r"|mitgemacht|macht mit|machen mit|who takes part|which municipalities)\b")
_WEEKDAYS = ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So.")


def project_facts(question: str, *, legal_form: str | None, start_year: int | None, contact: str,
                  municipalities: tuple[str, ...] = (), kreis: str | None = None) -> str:
    """The project's own facts that the question asks for, as a sentence ("Seit 2019. Kontakt: …")."""
    folded = f" {fold(question)} "
    parts = []
    if start_year and _START.search(folded):
        parts.append(f"Seit {start_year}.")
    if legal_form and any(cue in folded for cue in _LEGAL_FORM_CUES):
        parts.append(f"Rechtsform: {legal_form}.")
    if contact and "contact" in asked_facts(question):
        parts.append(f"Kontakt: {contact}.")
    if municipalities and _MEMBERS.search(folded):
        in_kreis = f" ({kreis})" if kreis and kreis not in municipalities else ""
        parts.append(f"Beteiligt: {', '.join(municipalities)}{in_kreis}.")
    return " ".join(parts)


def event_facts(item: ItemInfo, timezone: str) -> str:
    """"Termin: Mi., 15.09.2027, 09:30 Uhr, Bielefeld, …": whatever is asked of an event ("Gibt es
    einen Workshop zur Gewerbesteuer?", "is it online?"), its answer needs the date and the place."""
    if item.start is None:
        return ""
    local = item.start.astimezone(ZoneInfo(timezone))
    where = f", {item.location}" if item.location else ""
    return f"Termin: {_WEEKDAYS[local.weekday()]}, {local:%d.%m.%Y, %H:%M} Uhr{where}."


def item_facts(item: ItemInfo, question: str, timezone: str) -> str:
    """The facts of ``item`` that ``question`` asks for ('' when none)."""
    if item.kind == "project":
        return project_facts(question, legal_form=item.legal_form, start_year=item.start_year, contact=item.contact,
                             municipalities=item.municipalities, kreis=item.kreis)
    if item.kind == "event":
        return event_facts(item, timezone)
    return ""
