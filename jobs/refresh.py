"""Refresh knowledge sources: fetch, upsert, remove what disappeared, re-embed changed chunks only.

One failing source never stops the others: every source runs in its own try, and its outcome
(result or error) is stored in :class:`knowledge.source_state.SourceState`. The index is rebuilt
only when something changed; ``KnowledgeBase`` swaps it atomically, so the bot keeps answering
from the previous index meanwhile. Blocking: call from async code with ``asyncio.to_thread``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from knowledge.clock import Clock, utc_now
from knowledge.ingest.records import Problem
from knowledge.service import KnowledgeBase, Progress
from knowledge.source_state import (
    STATUS_ERROR,
    STATUS_NOT_MODIFIED,
    STATUS_OK,
    get_state,
    save_state,
)
from knowledge.sources.conditional_http import SourceFetchError, make_client
from knowledge.sources.config import find_source, load_sources
from knowledge.sources.fetching import fetch_source
from knowledge.store import UpsertCounts

log = logging.getLogger(__name__)



@dataclass
class SourceRunResult:
    """The outcome of refreshing one source."""

    name: str
    status: str
    counts: dict[str, UpsertCounts] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None
    duration_ms: float = 0.0
    embedded: int = 0

    @property
    def ok(self) -> bool:
        return self.status != STATUS_ERROR

    @property
    def changed(self) -> bool:
        return any(c.added or c.updated or c.removed for c in self.counts.values())

    def summary(self) -> str:
        if self.status == STATUS_ERROR:
            return f"error: {self.error}"
        if self.status == STATUS_NOT_MODIFIED:
            return "not modified (HTTP 304)"
        parts = [f"{kind}: {counts}" for kind, counts in self.counts.items()]
        if self.problems:
            parts.append(f"{len(self.problems)} skipped")
        if self.embedded:
            parts.append(f"{self.embedded} chunks embedded")
        return "; ".join(parts) or "no items"


def refresh_source(
    kb: KnowledgeBase,
    source: object,
    *,
    clock: Clock = utc_now,
    progress: Progress | None = None,
    client_factory: Callable[[float], httpx.Client] = make_client,
) -> SourceRunResult:
    """Refresh one source; never raises for problems of the source (they are stored and returned)."""
    name = source.name  # type: ignore[attr-defined]
    state = get_state(kb.engine, name)
    started = time.perf_counter()
    result = SourceRunResult(name, STATUS_OK)
    try:
        validators = state.validators if state.last_success_at is not None else None
        location = str(getattr(source, "location", ""))
        if validators and state.location not in (None, location):
            # the validators belong to the old URL: a 304 from the new one would keep stale items
            log.info("source %s: its URL changed; fetching in full without the old ETag/Last-Modified", name)
            validators = None
        with client_factory(source.timeout_s) as client:  # type: ignore[attr-defined]
            if progress:
                progress(f"{name}: fetch", 0, 1)
            fetched = fetch_source(source, client=client, validators=validators, progress=progress,
                                   limits=kb.ingest_limits)
        result.problems = fetched.problems
        if fetched.not_modified:
            result.status = STATUS_NOT_MODIFIED
        else:
            total = sum(len(records) for records in fetched.records.values())
            if total == 0 and state.item_count > 0:
                raise SourceFetchError("source returned no items; the previous items are kept")
            kinds = dict(fetched.records)
            for stale_kind in set(state.item_ids or {}) - set(kinds):
                kinds[stale_kind] = []  # the source no longer delivers this kind: remove its items
            item_ids: dict[str, list[str]] = {}
            for kind, records in kinds.items():
                report = kb.apply(kind, records, source=name, remove_others_of_source=True, update_index=False)
                result.counts[kind] = report.counts
                if records:
                    item_ids[kind] = sorted(r.id for r in records)
            if result.changed or not kb.has_index():
                result.embedded = kb.reindex(progress=progress).embedded
            state.item_ids = item_ids
            state.etag = fetched.validators.get("etag")
            state.last_modified = fetched.validators.get("last_modified")
        state.last_success_at = clock()
        state.last_error = None
        state.location = location
    except Exception as exc:  # noqa: BLE001 - one failing source must never stop the others
        log.warning("refreshing source %s failed: %s", name, exc, exc_info=not isinstance(exc, SourceFetchError))
        result.status = STATUS_ERROR
        result.error = str(exc) or exc.__class__.__name__
        state.last_error = result.error
    result.duration_ms = (time.perf_counter() - started) * 1000
    state.last_run_at = clock()
    state.last_status = result.status
    state.last_result = result.summary()
    state.duration_ms = result.duration_ms
    save_state(kb.engine, state)
    log.info("source %s: %s (%.0f ms)", name, state.last_result, result.duration_ms)
    return result


def refresh_sources(kb: KnowledgeBase, sources: list, **options: Any) -> list[SourceRunResult]:
    """Refresh several sources one after another (``options`` as for `refresh_source`); each one's
    failure stays its own."""
    return [
        refresh_source(kb, source, **options)
        for source in sources
        if getattr(source, "enabled", True)
    ]


class RefreshAlreadyRunning(RuntimeError):
    """A refresh is already in progress in this process."""


class UnknownSource(LookupError):
    """No source with that name in the sources file."""


class RefreshRunner:
    """Runs refreshes for the bot and the scheduler, one at a time (a second one is refused, not queued).

    Async callers reserve on the event loop (``try_reserve()``, instant) and then run the blocking
    work with ``asyncio.to_thread(runner.run_reserved, ...)``, releasing in ``finally``.
    """

    def __init__(self, kb: KnowledgeBase, sources_file: Path | None, *, clock: Clock = utc_now,
                 client_factory: Callable[[float], httpx.Client] = make_client) -> None:
        self.kb = kb
        self.sources_file = sources_file
        self.clock = clock
        self.client_factory = client_factory
        self._lock = threading.Lock()

    def sources(self) -> list:
        """The sources file, read again on every call so edits apply without a restart."""
        return load_sources(self.sources_file)

    def select(self, name: str | None) -> list:
        """All sources, or the one called ``name`` (UnknownSource otherwise)."""
        sources = self.sources()
        if name is None:
            return sources
        source = find_source(sources, name)
        if source is None:
            raise UnknownSource(name)
        return [source]

    @property
    def running(self) -> bool:
        return self._lock.locked()

    def try_reserve(self) -> bool:
        """Claim the runner without blocking; False when a refresh is already running."""
        return self._lock.acquire(blocking=False)

    def release(self) -> None:
        self._lock.release()

    def run_reserved(self, sources: list, *, progress: Progress | None = None) -> list[SourceRunResult]:
        """Refresh ``sources`` (the caller holds the reservation)."""
        return refresh_sources(self.kb, sources, clock=self.clock, progress=progress,
                               client_factory=self.client_factory)

    def rebuild_index_reserved(self, *, progress: Progress | None = None) -> tuple[int, int]:
        """Without sources: rebuild the index (embeds only chunks without a cached vector)."""
        report = self.kb.reindex(progress=progress)
        return report.embedded, report.chunks

    def run(self, name: str | None = None, *, progress: Progress | None = None, wait: bool = False
            ) -> list[SourceRunResult]:
        """Refresh one source (by name) or all; raises RefreshAlreadyRunning unless ``wait``."""
        sources = self.select(name)
        if not self._lock.acquire(blocking=wait):
            raise RefreshAlreadyRunning()
        try:
            return self.run_reserved(sources, progress=progress)
        finally:
            self._lock.release()
