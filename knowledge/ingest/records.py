"""Validated records produced by the loaders, and the problems they report."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Generic, TypeVar
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from knowledge.ingest.limits import strip_control_chars
BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Problem:
    """Something in an input file that was skipped, with where it is."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


T = TypeVar("T")


@dataclass
class LoadResult(Generic[T]):
    records: list[T] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def extend(self, other: "LoadResult[T]") -> None:
        self.records.extend(other.records)
        self.problems.extend(other.problems)


def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _non_empty(message: str) -> AfterValidator:
    """A field check that refuses an empty value (after stripping) with ``message``."""

    def check(value: str) -> str:
        if not value:
            raise ValueError(message)
        return value

    return AfterValidator(check)


class _Record(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    id: str

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_chars(cls, value: object) -> object:
        """NUL and other control characters are dropped at the boundary (PostgreSQL refuses NUL)."""
        if isinstance(value, str):
            return strip_control_chars(value)
        if isinstance(value, list):
            return [strip_control_chars(v) if isinstance(v, str) else v for v in value]
        return value

    @field_validator("id", mode="before")
    @classmethod
    def _id_required(cls, value: object) -> str:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError("missing id")
        return str(value).strip()


class ProjectRecord(_Record):
    title: Annotated[str, _non_empty("missing title")]
    description: str = ""
    topic: str = ""
    municipalities: list[str] = []
    kreis: str | None = None
    legal_form: str | None = None
    start_year: int | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    url: str | None = None
    source: str | None = None
    updated: date | None = None

    @field_validator(
        "kreis", "legal_form", "start_year", "contact_name", "contact_email", "contact_phone", "url", "updated",
        "source", mode="before",
    )
    @classmethod
    def _blank(cls, value: object) -> object:
        return _blank_to_none(value)

    @field_validator("updated", mode="before")
    @classmethod
    def _date_prefix(cls, value: object) -> object:
        if isinstance(value, str) and len(value) > 10 and value[4] == "-":
            return value[:10]
        return value

    @field_validator("municipalities", mode="before")
    @classmethod
    def _split_municipalities(cls, value: object) -> object:
        if value is None:
            return []
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(";") if part.strip()]
        return value


class FaqRecord(_Record):
    question: Annotated[str, _non_empty("must not be empty")]
    answer: Annotated[str, _non_empty("must not be empty")]
    topic: str = ""
    source: str | None = None


def parse_datetime(value: object) -> datetime:
    """ISO 8601 with offset; a value without offset is taken as Europe/Berlin local time."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip():
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    else:
        raise ValueError("missing date/time")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=BERLIN)
    return parsed


class EventRecord(_Record):
    title: str
    start: datetime
    end: datetime | None = None
    location: str | None = None
    online_url: str | None = None
    topic: str = ""
    description: str = ""
    registration_url: str | None = None
    cancelled: bool = False
    source: str | None = None

    @field_validator("start", mode="before")
    @classmethod
    def _start(cls, value: object) -> datetime:
        return parse_datetime(value)

    @field_validator("end", mode="before")
    @classmethod
    def _end(cls, value: object) -> datetime | None:
        value = _blank_to_none(value)
        return None if value is None else parse_datetime(value)

    @field_validator("location", "online_url", "registration_url", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        return _blank_to_none(value)

    @model_validator(mode="after")
    def _end_after_start(self) -> "EventRecord":
        if self.end is not None and self.end < self.start:
            raise ValueError("end is before start")
        if self.online_url is None and self.location and self.location.startswith(("http://", "https://")):
            self.online_url = self.location
        return self


class DocumentRecord(_Record):
    title: str
    text: str
    topic: str = ""
    url: str | None = None
    path: Path | None = None
    source: str | None = None


def validation_message(exc: ValidationError) -> str:
    """A short human message from a pydantic error: 'title: missing; start: invalid datetime'."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ())) or "record"
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        if error.get("type") == "missing":
            message = "missing"
        parts.append(f"{where}: {message}")
    return "; ".join(parts)
