"""Loaders that turn files (and, through sources, feeds) into validated records."""

from knowledge.ingest.records import DocumentRecord, EventRecord, FaqRecord, LoadResult, Problem, ProjectRecord

__all__ = ["DocumentRecord", "EventRecord", "FaqRecord", "LoadResult", "Problem", "ProjectRecord"]
