"""The portal's WordPress REST API → document and project records.

``GET {url}/wp-json/wp/v2/{type}?per_page=100&page=N`` answers a JSON list of
``{id, link, modified_gmt, title: {rendered}, content: {rendered}, excerpt: {rendered}}`` with the
headers ``X-WP-Total`` and ``X-WP-TotalPages``. Item ids: ``wp-<source>-<post id>``.

WordPress pages of a listing cannot be revalidated one by one (an edit moves a post between
pages), so a refresh first asks, per post type, for the single most recently modified item
(``orderby=modified``, ``_fields=id,modified_gmt``) and the total count. If that fingerprint is the
one of the last successful refresh, nothing changed and no page is downloaded; any edit, new post
or deletion changes it. Sites that refuse the probe are simply fetched in full.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator

import httpx

from knowledge.ingest.records import DocumentRecord, LoadResult, Problem, ProjectRecord
from knowledge.sources.conditional_http import FetchPolicy, SourceFetchError, get
from knowledge.sources.config import WordPressSource
from knowledge.sources.text_cleaning import inline_text, portal_html_to_text

log = logging.getLogger(__name__)


def _endpoint(source: WordPressSource, post_type: str) -> str:
    return f"{source.url.rstrip('/')}/wp-json/wp/v2/{post_type.strip('/')}"


def fetch_posts(
    client: httpx.Client, source: WordPressSource, post_type: str, *, on_page: Callable[[int, int], None] | None = None,
    policy: FetchPolicy | None = None,
) -> Iterator[dict]:
    """Every item of one post type, following ``X-WP-TotalPages``."""
    url = _endpoint(source, post_type)
    policy = policy or FetchPolicy.for_source(source)
    page, total_pages = 1, 1
    while page <= total_pages and page <= source.max_pages:
        response = get(client, url, params={"per_page": source.per_page, "page": page}, policy=policy)
        try:
            items = json.loads(response.content)
        except ValueError as exc:
            raise SourceFetchError(f"{url} page {page}: not JSON ({exc})") from exc
        if not isinstance(items, list):
            raise SourceFetchError(f"{url} page {page}: expected a JSON list")
        headers = response.headers or httpx.Headers()
        try:
            total_pages = max(1, int(headers.get("X-WP-TotalPages", "1")))
        except ValueError:
            total_pages = 1
        if on_page is not None:
            on_page(page, min(total_pages, source.max_pages))
        yield from (item for item in items if isinstance(item, dict))
        page += 1


def _post_types(source: WordPressSource) -> list[str]:
    return list(source.document_types) + ([source.project_type] if source.project_type else [])


def change_fingerprint(client: httpx.Client, source: WordPressSource, policy: FetchPolicy | None = None) -> str | None:
    """A short hash of (type, total, newest modified item) per post type; None if the site refuses."""
    policy = policy or FetchPolicy.for_source(source)
    parts = []
    for post_type in _post_types(source):
        try:
            response = get(
                client,
                _endpoint(source, post_type),
                params={"per_page": 1, "orderby": "modified", "order": "desc", "_fields": "id,modified_gmt"},
                policy=policy,
            )
            items = json.loads(response.content)
        except (SourceFetchError, ValueError):
            return None
        headers = response.headers or httpx.Headers()
        newest = items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}
        parts.append(f"{post_type}:{headers.get('X-WP-Total', '?')}:{newest.get('id')}:{newest.get('modified_gmt')}")
    return "wp:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def _rendered(item: dict, field: str) -> str:
    value = item.get(field)
    if isinstance(value, dict):
        value = value.get("rendered", "")
    return value if isinstance(value, str) else ""


def item_id(source: WordPressSource, item: dict) -> str:
    return f"wp-{source.name}-{item['id']}"


def _common_fields(source: WordPressSource, item: dict, untitled: str) -> dict:
    """The fields a post gives any record: id, title (``untitled`` and the post id when it has none),
    topic, link and source name."""
    return {
        "id": item_id(source, item),
        "title": inline_text(_rendered(item, "title")) or f"{untitled} {item['id']}",
        "topic": source.topic,
        "url": item.get("link") or None,
        "source": source.name,
    }


def _body(item: dict) -> str:
    return portal_html_to_text(_rendered(item, "content")) or inline_text(_rendered(item, "excerpt"))


def to_document(source: WordPressSource, item: dict) -> DocumentRecord:
    return DocumentRecord(text=_body(item), **_common_fields(source, item, "Beitrag"))


def to_project(source: WordPressSource, item: dict) -> ProjectRecord:
    modified = str(item.get("modified_gmt") or item.get("modified") or "")[:10] or None
    return ProjectRecord(description=_body(item), updated=modified, **_common_fields(source, item, "Projekt"))


def load_wordpress(
    client: httpx.Client, source: WordPressSource, *, progress: Callable[[str, int, int], None] | None = None,
    policy: FetchPolicy | None = None,
) -> dict[str, LoadResult]:
    """Documents (posts, pages) and, if configured, projects of a WordPress site."""
    policy = policy or FetchPolicy.for_source(source)
    results: dict[str, LoadResult] = {"documents": LoadResult()}
    plan = [(post_type, "documents") for post_type in source.document_types]
    if source.project_type:
        results["projects"] = LoadResult()
        plan.append((source.project_type, "projects"))
    for post_type, kind in plan:
        on_page = (lambda done, total, _t=post_type: progress(f"{source.name}/{_t}", done, total)) if progress else None
        for item in fetch_posts(client, source, post_type, on_page=on_page, policy=policy):
            origin = f"{_endpoint(source, post_type)}#{item.get('id')}"
            if "id" not in item:
                results[kind].problems.append(Problem(origin, None, "item without id"))
                continue
            try:
                record = to_document(source, item) if kind == "documents" else to_project(source, item)
            except ValueError as exc:
                results[kind].problems.append(Problem(origin, None, str(exc)))
                continue
            if kind == "documents" and not record.text.strip():
                results[kind].problems.append(Problem(origin, None, "empty content"))
                continue
            results[kind].records.append(record)
    return results
