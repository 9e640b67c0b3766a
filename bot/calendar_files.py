"""📅 In den Kalender: an event as a one-event .ics file (the same file subscribers get)."""

from __future__ import annotations

from datetime import datetime

from jobs.calendar_file import event_ics, ics_filename
from knowledge.models import Event

from bot.replies import GeneratedFile
from bot.texts import t


def calendar_file(event: Event, *, now: datetime, lang: str) -> GeneratedFile:
    return GeneratedFile(event_ics(event, now=now), ics_filename(event), t("calendar_caption", lang, title=event.title))
