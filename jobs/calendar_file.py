"""iCalendar (.ics) files for events, so subscribers can add them to their calendars."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import icalendar

from knowledge.models import Event

PRODID = "-//IKZ-Assistent//Veranstaltungen//DE"


def event_ics(event: Event, *, now: datetime, sequence: int = 0) -> bytes:
    """A one-event calendar; cancelled events get STATUS:CANCELLED (same UID, higher SEQUENCE)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if event.cancelled else "PUBLISH")
    vevent = icalendar.Event()
    vevent.add("uid", f"{event.id}@ikz-assistent")
    vevent.add("summary", event.title)
    vevent.add("dtstamp", now.astimezone(UTC))
    vevent.add("dtstart", event.start.astimezone(UTC))
    if event.end is not None:
        vevent.add("dtend", event.end.astimezone(UTC))
    location = event.location or event.online_url
    if location:
        vevent.add("location", location)
    description = event.description or ""
    if event.registration_url:
        description = f"{description}\n\n{event.registration_url}".strip()
    if description:
        vevent.add("description", description)
    url = event.registration_url or event.online_url
    if url:
        vevent.add("url", url)
    if event.topic:
        vevent.add("categories", [event.topic])
    vevent.add("sequence", sequence)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    calendar.add_component(vevent)
    return calendar.to_ical()


def ics_filename(event: Event) -> str:
    """A safe file name such as ``TE1-online-spotlight.ics``."""
    slug = re.sub(r"[^a-z0-9]+", "-", event.title.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})))
    slug = slug.strip("-")[:40].strip("-")
    ident = re.sub(r"[^A-Za-z0-9_-]+", "-", event.id)[:40]
    return f"{ident}-{slug}.ics" if slug else f"{ident}.ics"
