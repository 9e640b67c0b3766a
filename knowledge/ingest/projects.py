"""Projects from `.jsonl` (one object per line) or `.csv` (header row, municipalities `;`-separated)."""

from __future__ import annotations

from pathlib import Path

from knowledge.ingest.limits import DEFAULT_LIMITS, IngestLimits
from knowledge.ingest.records import LoadResult, ProjectRecord
from knowledge.ingest.tabular import load_records


def load_projects(path: Path, limits: IngestLimits = DEFAULT_LIMITS) -> LoadResult[ProjectRecord]:
    return load_records(Path(path), ProjectRecord, limits=limits)
