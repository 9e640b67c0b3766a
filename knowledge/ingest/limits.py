"""Limits that keep one hostile or broken input from hanging or exhausting ingestion.

Every loader checks them; an item (file, line, event) that breaks one is reported as a
:class:`~knowledge.ingest.records.Problem` and skipped, the rest is ingested. The defaults suit a
municipal knowledge base; `IKZ_INGEST_*` settings change them (see docs/SECURITY.md).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

# Control characters other than tab, newline and carriage return: PostgreSQL refuses NUL in text,
# and none of them belongs in a knowledge base or a question.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG = re.compile(rb"<[A-Za-z!/?]")


def strip_control_chars(text: str) -> str:
    """``text`` without NUL and other C0 control characters (tab and newlines stay)."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


@dataclass(frozen=True)
class IngestLimits:
    max_file_bytes: int = 50 * 1024 * 1024
    max_unpacked_bytes: int = 100 * 1024 * 1024
    max_elements: int = 200_000
    max_field_chars: int = 100_000
    max_document_chars: int = 2_000_000
    time_budget_s: float = 60.0

    @classmethod
    def from_settings(cls, settings: object) -> IngestLimits:
        return cls(
            max_file_bytes=settings.ingest_max_file_bytes,  # type: ignore[attr-defined]
            max_unpacked_bytes=settings.ingest_max_unpacked_bytes,  # type: ignore[attr-defined]
            max_elements=settings.ingest_max_elements,  # type: ignore[attr-defined]
            max_field_chars=settings.ingest_max_field_chars,  # type: ignore[attr-defined]
            max_document_chars=settings.ingest_max_document_chars,  # type: ignore[attr-defined]
            time_budget_s=settings.ingest_time_budget_s,  # type: ignore[attr-defined]
        )

    def count_tags(self, raw: bytes) -> int:
        return len(_TAG.findall(raw))


DEFAULT_LIMITS = IngestLimits()


class LimitExceeded(ValueError):
    """An input breaks one of the :class:`IngestLimits` (the message says which)."""


class TimeBudget:
    """Raises LimitExceeded from :meth:`check` once ``seconds`` have passed since creation."""

    def __init__(self, seconds: float, what: str) -> None:
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds
        self.what = what

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(f"{self.what} took longer than {self.seconds:g} s (ingest time budget)")
