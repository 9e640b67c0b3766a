"""Events from `.jsonl` (ISO 8601 with offset) or iCalendar `.ics` files/feeds."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from pydantic import ValidationError

from knowledge.ingest.records import BERLIN, EventRecord, LoadResult, Problem, validation_message
from knowledge.ingest.tabular import load_records


def parse_ics(data: bytes | str, *, origin: str = "<ics>") -> LoadResult[EventRecord]:
    """Parse VEVENTs of an iCalendar document (UID = id, CATEGORIES = topic, STATUS:CANCELLED)."""
    import icalendar

    result: LoadResult[EventRecord] = LoadResult()
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data.strip():
        result.problems.append(Problem(origin, None, "empty file"))
        return result
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as exc:
        result.problems.append(Problem(origin, None, f"not a valid iCalendar file ({exc})"))
        return result
    for number, component in enumerate(calendar.walk("VEVENT"), start=1):
        try:
            start = component.decoded("DTSTART")
            end = component.decoded("DTEND") if component.get("DTEND") else None
            categories = component.get("CATEGORIES")
            topic = ""
            if categories is not None:
                cats = categories if isinstance(categories, list) else [categories]
                names = [str(c) for cat in cats for c in getattr(cat, "cats", [cat])]
                topic = names[0] if names else ""
            location = str(component.get("LOCATION", "")) or None
            record = EventRecord(
                id=str(component.get("UID", "")),
                title=str(component.get("SUMMARY", "")),
                start=_aware(start),
                end=_aware(end) if end is not None else None,
                location=location,
                topic=topic,
                description=str(component.get("DESCRIPTION", "")),
                registration_url=str(component.get("URL", "")) or None,
                cancelled=str(component.get("STATUS", "")).upper() == "CANCELLED",
            )
        except ValidationError as exc:
            result.problems.append(Problem(origin, None, f"event #{number}: {validation_message(exc)}"))
            continue
        except (KeyError, ValueError, TypeError) as exc:
            result.problems.append(Problem(origin, None, f"event #{number}: {exc}"))
            continue
        result.records.append(record)
    return result


def _aware(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=BERLIN)
    return value if value.tzinfo else value.replace(tzinfo=BERLIN)


def load_events(path: Path) -> LoadResult[EventRecord]:
    path = Path(path)
    if path.suffix.lower() == ".ics":
        try:
            data = path.read_bytes()
        except OSError as exc:
            result: LoadResult[EventRecord] = LoadResult()
            result.problems.append(Problem(str(path), None, f"cannot read file: {exc.strerror or exc}"))
            return result
        return parse_ics(data, origin=str(path))
    return load_records(path, EventRecord, allowed=(".jsonl", ".ics"))
