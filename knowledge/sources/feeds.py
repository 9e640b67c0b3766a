"""ICS calendars (events) and RSS/Atom feeds (news as documents), fetched conditionally."""

from __future__ import annotations

import hashlib

import httpx

from knowledge.ingest.events import parse_ics
from knowledge.ingest.limits import DEFAULT_LIMITS, IngestLimits
from knowledge.ingest.records import DocumentRecord, LoadResult, Problem
from knowledge.sources.conditional_http import ConditionalResponse, FetchPolicy, SourceFetchError, get
from knowledge.sources.config import FeedSource, IcsSource
from knowledge.sources.text_cleaning import inline_text, portal_html_to_text


def _calendar_events(source: IcsSource, content: bytes, limits: IngestLimits) -> LoadResult:
    """The events of a fetched calendar, tagged with the source (and its topic where they have none)."""
    result = parse_ics(content, origin=source.url, limits=limits)
    fatal = next((p for p in result.problems if "valid iCalendar" in p.message), None)
    if not result.records and fatal is not None:
        raise SourceFetchError(str(fatal))
    for record in result.records:
        record.source = source.name
        if source.topic and not record.topic:
            record.topic = source.topic
    return result


def _entry_id(source: FeedSource, entry: dict) -> str:
    key = entry.get("id") or entry.get("link") or entry.get("title") or ""
    return f"rss-{source.name}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}"


def parse_feed(source: FeedSource, content: bytes) -> LoadResult[DocumentRecord]:
    import feedparser

    parsed = feedparser.parse(content)
    result: LoadResult[DocumentRecord] = LoadResult()
    if parsed.bozo and not parsed.entries:
        raise SourceFetchError(f"{source.url}: not an RSS/Atom feed ({parsed.get('bozo_exception')})")
    for number, entry in enumerate(parsed.entries, start=1):
        html = ""
        if entry.get("content"):
            html = entry["content"][0].get("value", "")
        html = html or entry.get("summary", "")
        title = inline_text(entry.get("title", ""))
        text = portal_html_to_text(html)
        if not title or not text:
            result.problems.append(Problem(source.url, None, f"entry #{number}: missing title or text"))
            continue
        result.records.append(
            DocumentRecord(
                id=_entry_id(source, entry), title=title, text=text, topic=source.topic,
                url=entry.get("link") or None, source=source.name,
            )
        )
    return result


def fetch_calendar_or_feed(
    client: httpx.Client, source: IcsSource | FeedSource, validators: dict[str, str] | None,
    policy: FetchPolicy | None = None, *, limits: IngestLimits = DEFAULT_LIMITS,
) -> tuple[ConditionalResponse, LoadResult]:
    """Events of an ICS calendar or documents of an RSS/Atom feed; nothing when unchanged since ``validators``."""
    response = get(client, source.url, validators=validators, policy=policy or FetchPolicy.for_source(source))
    if response.not_modified:
        return response, LoadResult()
    if isinstance(source, IcsSource):
        return response, _calendar_events(source, response.content, limits)
    return response, parse_feed(source, response.content)
