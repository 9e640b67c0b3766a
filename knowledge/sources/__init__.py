"""Where knowledge comes from: the sources file and one connector per source type.

* :mod:`knowledge.sources.config` — the sources file (TOML or YAML) and its validated model;
* :mod:`knowledge.sources.conditional_http` — GET with ETag / Last-Modified (304 = unchanged);
* :mod:`knowledge.sources.wordpress` — the portal's WordPress REST API (posts, pages, projects);
* :mod:`knowledge.sources.feeds` — ICS calendars (events) and RSS/Atom feeds (news documents);
* :mod:`knowledge.sources.fetching` — ``fetch_source()``: any source → records per kind.

Connectors are blocking (httpx.Client); async callers run them with ``asyncio.to_thread``.
"""

from knowledge.sources.config import (
    FeedSource,
    FileSource,
    IcsSource,
    Source,
    SourcesFileError,
    WordPressSource,
    load_sources,
)
from knowledge.sources.fetching import Fetched, fetch_source

__all__ = [
    "FeedSource",
    "Fetched",
    "FileSource",
    "IcsSource",
    "Source",
    "SourcesFileError",
    "WordPressSource",
    "fetch_source",
    "load_sources",
]
