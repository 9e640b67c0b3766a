"""The bundled illustrative sample knowledge base (``data/sample``), and loading any folder laid
out like it: one file or folder per ingest kind."""

from __future__ import annotations

from pathlib import Path

from knowledge.service import IngestReport, KnowledgeBase, Progress
from knowledge.settings import SAMPLE_DIR

SAMPLE_FILES: dict[str, str] = {
    "projects": "projects.jsonl", "documents": "documents", "faq": "faq.jsonl", "events": "events.jsonl",
}


def load_base(kb: KnowledgeBase, folder: Path = SAMPLE_DIR, *, files: dict[str, str] | None = None,
              source: str = "sample", progress: Progress | None = None) -> list[IngestReport]:
    """Ingest every kind's file of ``folder`` (unchanged items are skipped, nothing re-embedded)."""
    return [kb.ingest(kind, folder / name, source=source, progress=progress)
            for kind, name in (files or SAMPLE_FILES).items()]
