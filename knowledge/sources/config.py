"""The sources file: which sources feed the knowledge base and how often they are refreshed.

TOML (or YAML with the same structure), one ``[[sources]]`` table per source::

    [[sources]]
    name = "projekte"            # unique; stored with every item of the source
    type = "file"                # file | wordpress | ics | rss
    kind = "projects"            # file sources: projects | documents | faq | events
    path = "projects.jsonl"      # relative to the sources file
    interval = "6h"              # 90s, 15m, 6h, 1d (or seconds as a number)

URL sources (wordpress, ics, rss) also take ``timeout_s`` (one request, default 30),
``deadline_s`` (the whole refresh, default 300), ``max_bytes`` (largest answer, default 20 MB)
and ``allow_private_network`` (default false: hosts on private or loopback addresses are refused).

Relative paths are resolved against the folder of the sources file.
"""

from __future__ import annotations

import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from knowledge.kinds import INGEST_KINDS

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


class SourcesFileError(ValueError):
    """The sources file is missing, unreadable or invalid (message says where)."""


def parse_interval(value: object) -> timedelta:
    """``"15m"``, ``"6h"``, ``"1d"``, ``"90s"`` or a number of seconds → timedelta (at least 60 s)."""
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str) and (match := _INTERVAL.match(value)):
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
    else:
        raise ValueError(f"invalid interval {value!r} (use e.g. 15m, 6h, 1d)")
    if seconds < 60:
        raise ValueError("interval must be at least 60 seconds")
    return timedelta(seconds=seconds)


class _SourceBase(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$")
    interval: timedelta = timedelta(hours=6)
    enabled: bool = True
    timeout_s: float = Field(30.0, gt=0, le=600)
    topic: str = ""

    @field_validator("interval", mode="before")
    @classmethod
    def _interval(cls, value: object) -> timedelta:
        return parse_interval(value)

    @property
    def location(self) -> str:
        raise NotImplementedError


class FileSource(_SourceBase):
    """A local file or folder, loaded with the knowledge-base loaders."""

    type: Literal["file"]
    kind: Literal[INGEST_KINDS]  # type: ignore[valid-type]  # the registry's ingest kinds
    path: Path

    @property
    def location(self) -> str:
        return str(self.path)


class _UrlSource(_SourceBase):
    url: str = Field(pattern=r"^https?://")
    max_bytes: int = Field(20 * 1024 * 1024, ge=1024, description="Largest answer accepted (unpacked).")
    deadline_s: float = Field(300.0, gt=0, le=3600, description="Whole refresh of the source, all requests.")
    allow_private_network: bool = Field(
        False, description="Allow hosts on private/loopback addresses (intranet sources, tests); off by default."
    )

    @property
    def location(self) -> str:
        return self.url


class WordPressSource(_UrlSource):
    """The portal's WordPress REST API: posts and pages → documents, a custom post type → projects."""

    type: Literal["wordpress"]
    document_types: list[str] = Field(default_factory=lambda: ["posts", "pages"])
    project_type: str | None = Field(None, description="REST base of the project post type, e.g. 'projekte'.")
    per_page: int = Field(100, ge=1, le=100)
    max_pages: int = Field(50, ge=1)


class IcsSource(_UrlSource):
    """An iCalendar feed of events."""

    type: Literal["ics"]


class FeedSource(_UrlSource):
    """An RSS or Atom feed; entries become documents (news)."""

    type: Literal["rss"]


Source = Annotated[FileSource | WordPressSource | IcsSource | FeedSource, Field(discriminator="type")]
_SOURCES = TypeAdapter(list[Source])


def _read(path: Path) -> dict:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourcesFileError(f"{path}: cannot read sources file ({exc.strerror or exc})") from exc
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(raw) or {}
        except yaml.YAMLError as exc:
            raise SourcesFileError(f"{path}: invalid YAML ({exc})") from exc
    else:
        try:
            data = tomllib.loads(raw.decode("utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SourcesFileError(f"{path}: invalid TOML ({exc})") from exc
    if not isinstance(data, dict):
        raise SourcesFileError(f"{path}: expected a table with a 'sources' list")
    return data


def parse_sources(data: dict, *, base_dir: Path, origin: str = "<sources>") -> list:
    """Validate the ``sources`` list; relative file paths are resolved against ``base_dir``."""
    entries = data.get("sources", data.get("source", []))
    if not isinstance(entries, list):
        raise SourcesFileError(f"{origin}: 'sources' must be a list of tables ([[sources]])")
    try:
        sources = _SOURCES.validate_python(entries)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = list(error.get("loc", ()))
            where = f"sources[{loc[0]}]" if loc else "sources"
            name = entries[loc[0]].get("name") if loc and isinstance(entries[loc[0]], dict) else None
            if name:
                where += f" ({name})"
            field = ".".join(str(p) for p in loc[2:]) or ".".join(str(p) for p in loc[1:2])
            problems.append(f"{where} {field}: {str(error.get('msg', 'invalid')).removeprefix('Value error, ')}")
        raise SourcesFileError(f"{origin}: " + "; ".join(problems)) from exc
    seen: set[str] = set()
    for source in sources:
        if source.name in seen:
            raise SourcesFileError(f"{origin}: duplicate source name {source.name!r}")
        seen.add(source.name)
        if isinstance(source, FileSource) and not source.path.is_absolute():
            source.path = (base_dir / source.path).resolve()
    return sources


def load_sources(path: Path | None) -> list:
    """The sources of a sources file (empty list when no file is configured)."""
    if path is None:
        return []
    path = Path(path)
    return parse_sources(_read(path), base_dir=path.resolve().parent, origin=str(path))


def find_source(sources: list, name: str) -> object | None:
    """The source called ``name`` (case-insensitive), or None."""
    wanted = name.strip().lower()
    return next((s for s in sources if s.name.lower() == wanted), None)
