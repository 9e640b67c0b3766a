"""📅 In den Kalender: an event as a one-event .ics file (the same file subscribers get)."""

from __future__ import annotations

from datetime import datetime

from jobs.calendar_file import event_ics, ics_filename
from jobs.notices import EventInfo
from knowledge.models import Event

from bot.replies import GeneratedFile
from bot.texts import t


def event_info(event: Event) -> EventInfo:
    return EventInfo(
        id=event.id, title=event.title, start=event.start, end=event.end, location=event.location,
        online_url=event.online_url, topic=event.topic, description=event.description,
        registration_url=event.registration_url, cancelled=event.cancelled,
    )


def calendar_file(event: Event, *, now: datetime, lang: str) -> GeneratedFile:
    info = event_info(event)
    return GeneratedFile(event_ics(info, now=now), ics_filename(info), t("calendar_caption", lang, title=event.title))
