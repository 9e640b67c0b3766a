"""``fetch_source()``: any configured source → validated records per kind (or "not modified")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from knowledge.ingest.limits import DEFAULT_LIMITS, IngestLimits
from knowledge.ingest.records import LoadResult, Problem
from knowledge.kinds import ingest_kind
from knowledge.sources.conditional_http import FetchPolicy, SourceFetchError
from knowledge.sources.config import FeedSource, FileSource, IcsSource, WordPressSource
from knowledge.sources.feeds import fetch_calendar_or_feed
from knowledge.sources.wordpress import change_fingerprint, load_wordpress

@dataclass
class Fetched:
    """What a source delivered: records per kind, problems, and the HTTP validators to keep."""

    records: dict[str, list] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    not_modified: bool = False
    validators: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, result: LoadResult) -> None:
        self.records.setdefault(kind, []).extend(result.records)
        self.problems.extend(result.problems)


def fetch_source(
    source: object,
    *,
    client: httpx.Client,
    validators: dict[str, str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    limits: IngestLimits = DEFAULT_LIMITS,
) -> Fetched:
    """Fetch one source. Raises SourceFetchError when the source as a whole is unusable."""
    fetched = Fetched()
    if isinstance(source, FileSource):
        if not source.path.exists():
            raise SourceFetchError(f"file or folder not found: {source.path}")
        result = ingest_kind(source.kind).load(source.path, limits)
        for record in result.records:
            record.source = source.name
        if not result.records and result.problems:
            raise SourceFetchError("; ".join(str(p) for p in result.problems[:3]))
        fetched.add(source.kind, result)
    elif isinstance(source, WordPressSource):
        policy = FetchPolicy.for_source(source)  # one deadline for every request of this refresh
        fingerprint = change_fingerprint(client, source, policy)
        if fingerprint is not None:
            fetched.validators = {"etag": fingerprint}
            if validators and validators.get("etag") == fingerprint:
                fetched.not_modified = True
                return fetched
        for kind, result in load_wordpress(client, source, progress=progress, policy=policy).items():
            fetched.add(kind, result)
    elif isinstance(source, IcsSource | FeedSource):
        response, result = fetch_calendar_or_feed(client, source, validators, limits=limits)
        fetched.validators = response.validators
        fetched.not_modified = response.not_modified
        if not response.not_modified:
            fetched.add("events" if isinstance(source, IcsSource) else "documents", result)
    else:
        raise TypeError(f"unknown source type {type(source).__name__}")
    return fetched
