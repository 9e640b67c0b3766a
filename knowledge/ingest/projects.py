"""Projects from `.jsonl` (one object per line) or `.csv` (header row, municipalities `;`-separated)."""

from __future__ import annotations

from pathlib import Path

from knowledge.ingest.records import LoadResult, ProjectRecord
from knowledge.ingest.tabular import load_records


def load_projects(path: Path) -> LoadResult[ProjectRecord]:
    return load_records(Path(path), ProjectRecord)
