"""FAQ entries from `.jsonl` with `id, question, answer, topic`."""

from __future__ import annotations

from pathlib import Path

from knowledge.ingest.limits import DEFAULT_LIMITS, IngestLimits
from knowledge.ingest.records import FaqRecord, LoadResult
from knowledge.ingest.tabular import load_records


def load_faq(path: Path, limits: IngestLimits = DEFAULT_LIMITS) -> LoadResult[FaqRecord]:
    return load_records(Path(path), FaqRecord, allowed=(".jsonl", ".csv"), limits=limits)
