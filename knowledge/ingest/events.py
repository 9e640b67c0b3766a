"""Events from `.jsonl` (ISO 8601 with offset) or iCalendar `.ics` files/feeds.

iCalendar details handled: DTEND or DURATION; RRULE (daily, weekly, monthly, yearly) expanded to
its next occurrences (EXDATE skipped, RECURRENCE-ID overrides one occurrence), ids
``<UID>#<local start>``; times without a known zone are Europe/Berlin (an unknown TZID is
reported); a duplicate UID is reported (the later one wins); a file that is not UTF-8 is read as
Windows-1252 (reported). One broken event is a problem of that event, never of the calendar.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pydantic import ValidationError

from knowledge.ingest.limits import DEFAULT_LIMITS, IngestLimits
from knowledge.ingest.records import BERLIN, EventRecord, LoadResult, Problem, validation_message
from knowledge.ingest.tabular import load_records, read_bytes_within_limit

RECURRENCE_HORIZON = timedelta(days=366)
MAX_OCCURRENCES = 12
MAX_RULE_STEPS = 50_000
EXPANDED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}


def _decode_calendar(data: bytes, origin: str, result: LoadResult) -> bytes:
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        result.problems.append(Problem(origin, None, "not UTF-8; read as Windows-1252 (Latin-1)"))
        return data.decode("cp1252", errors="replace").encode("utf-8")


def _text(component: object, name: str, limits: IngestLimits) -> str:
    value = str(component.get(name, ""))  # type: ignore[attr-defined]
    if len(value) > limits.max_field_chars:
        raise ValueError(f"{name} longer than {limits.max_field_chars} characters")
    return value


def _when(component: object, name: str, number: int, origin: str, result: LoadResult) -> datetime | None:
    prop = component.get(name)  # type: ignore[attr-defined]
    if prop is None:
        return None
    value = component.decoded(name)  # type: ignore[attr-defined]
    if not isinstance(value, date):
        raise ValueError(f"{name} is not a valid date/time ({str(getattr(prop, 'to_ical', lambda: prop)())[:40]!r})")
    tzid = getattr(prop, "params", {}).get("TZID")
    if tzid and isinstance(value, datetime) and value.tzinfo is None:
        result.problems.append(Problem(origin, None, f"event #{number}: unknown time zone {tzid!r}, "
                                                     "taken as Europe/Berlin"))
    return _aware(value)


def parse_ics(data: bytes | str, *, origin: str = "<ics>", limits: IngestLimits = DEFAULT_LIMITS,
              now: datetime | None = None) -> LoadResult[EventRecord]:
    """Parse VEVENTs of an iCalendar document (UID = id, CATEGORIES = topic, STATUS:CANCELLED)."""
    import icalendar

    result: LoadResult[EventRecord] = LoadResult()
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data.strip():
        result.problems.append(Problem(origin, None, "empty file"))
        return result
    if len(data) > limits.max_file_bytes:
        result.problems.append(Problem(origin, None, f"calendar larger than {limits.max_file_bytes} bytes"))
        return result
    data = _decode_calendar(data, origin, result)
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception as exc:  # noqa: BLE001 - icalendar raises many types for broken files
        result.problems.append(Problem(origin, None, f"not a valid iCalendar file ({exc})"))
        return result
    now = now or datetime.now(UTC)
    events = calendar.walk("VEVENT")
    if len(events) > limits.max_elements:
        result.problems.append(Problem(origin, None, f"{len(events)} events (limit {limits.max_elements})"))
        return result
    by_id: dict[str, EventRecord] = {}
    overrides: dict[str, EventRecord] = {}
    for number, component in enumerate(events, start=1):
        try:
            records = _event_records(component, number, origin, result, limits, now)
        except ValidationError as exc:
            result.problems.append(Problem(origin, None, f"event #{number}: {validation_message(exc)}"))
            continue
        except Exception as exc:  # noqa: BLE001 - one broken event never stops the calendar
            result.problems.append(Problem(origin, None, f"event #{number}: {exc.__class__.__name__}: {exc}"))
            continue
        for record, is_override in records:
            target = overrides if is_override else by_id
            if record.id in target and not is_override:
                result.problems.append(Problem(origin, None, f"event #{number}: duplicate UID {record.id!r}; "
                                                             "the later one wins"))
            target[record.id] = record
    by_id.update(overrides)
    result.records.extend(by_id.values())
    return result


def _event_records(component: object, number: int, origin: str, result: LoadResult, limits: IngestLimits,
                   now: datetime) -> list[tuple[EventRecord, bool]]:
    start = _when(component, "DTSTART", number, origin, result)
    if start is None:
        raise ValueError("missing DTSTART")
    end = _when(component, "DTEND", number, origin, result)
    duration = component.decoded("DURATION") if component.get("DURATION") else None  # type: ignore[attr-defined]
    if end is None and isinstance(duration, timedelta):
        end = start + duration
    categories = component.get("CATEGORIES")  # type: ignore[attr-defined]
    topic = ""
    if categories is not None:
        cats = categories if isinstance(categories, list) else [categories]
        names = [str(c) for cat in cats for c in getattr(cat, "cats", [cat])]
        topic = names[0] if names else ""
    uid = _text(component, "UID", limits)
    fields = {
        "title": _text(component, "SUMMARY", limits),
        "location": _text(component, "LOCATION", limits) or None,
        "topic": topic,
        "description": _text(component, "DESCRIPTION", limits),
        "registration_url": _text(component, "URL", limits) or None,
        "cancelled": str(component.get("STATUS", "")).upper() == "CANCELLED",  # type: ignore[attr-defined]
    }
    recurrence_id = _when(component, "RECURRENCE-ID", number, origin, result)
    if recurrence_id is not None:
        record = EventRecord(id=_occurrence_id(uid, recurrence_id), start=start, end=end, **fields)
        return [(record, True)]
    rule = component.get("RRULE")  # type: ignore[attr-defined]
    if rule is None:
        return [(EventRecord(id=uid, start=start, end=end, **fields), False)]
    length = (end - start) if end is not None else None
    return [
        (EventRecord(id=_occurrence_id(uid, when), start=when, end=when + length if length else None, **fields), False)
        for when in _occurrences(component, rule, start, number, origin, result, now)
    ]


def _occurrence_id(uid: str, when: datetime) -> str:
    return f"{uid}#{when.astimezone(BERLIN):%Y%m%dT%H%M}"


def _occurrences(component: object, rule: object, start: datetime, number: int, origin: str, result: LoadResult,
                 now: datetime) -> list[datetime]:
    """The next occurrences of a recurring event (from yesterday, within a year, at most 12)."""
    from dateutil.rrule import rrulestr

    frequency = (rule.get("FREQ") or [""])[0]  # type: ignore[attr-defined]
    if frequency not in EXPANDED_FREQUENCIES:
        result.problems.append(Problem(origin, None, f"event #{number}: recurrence FREQ={frequency} not expanded; "
                                                     "only the first occurrence is used"))
        return [start]
    text = rule.to_ical().decode()  # type: ignore[attr-defined]
    try:
        expanded = rrulestr(text, dtstart=start)
    except (ValueError, TypeError) as exc:
        result.problems.append(Problem(origin, None, f"event #{number}: unusable RRULE ({exc}); "
                                                     "only the first occurrence is used"))
        return [start]
    excluded = set()
    for exdate in _as_list(component.get("EXDATE")):  # type: ignore[attr-defined]
        for value in getattr(exdate, "dts", []):
            excluded.add(_aware(value.dt).astimezone(UTC))
    begin, horizon = now - timedelta(days=1), now + RECURRENCE_HORIZON
    found: list[datetime] = []
    for steps, when in enumerate(expanded):
        if steps >= MAX_RULE_STEPS:
            result.problems.append(Problem(origin, None, f"event #{number}: recurrence too long to expand"))
            break
        if when > horizon or len(found) >= MAX_OCCURRENCES:
            break
        if when >= begin and when.astimezone(UTC) not in excluded:
            found.append(when)
    return found


def _as_list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _aware(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=BERLIN)
    return value if value.tzinfo else value.replace(tzinfo=BERLIN)


def load_events(path: Path, limits: IngestLimits = DEFAULT_LIMITS) -> LoadResult[EventRecord]:
    path = Path(path)
    if path.suffix.lower() == ".ics":
        result: LoadResult[EventRecord] = LoadResult()
        data = read_bytes_within_limit(path, result, limits)
        return result if data is None else parse_ics(data, origin=str(path), limits=limits)
    return load_records(path, EventRecord, allowed=(".jsonl", ".ics"), limits=limits)
