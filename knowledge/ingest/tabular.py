"""JSON Lines and CSV reading with per-line problems."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from knowledge.ingest.limits import DEFAULT_LIMITS, IngestLimits, strip_control_chars
from knowledge.ingest.records import LoadResult, Problem, validation_message

R = TypeVar("R", bound=BaseModel)


def read_bytes_within_limit(path: Path, result: LoadResult, limits: IngestLimits = DEFAULT_LIMITS) -> bytes | None:
    """The file's bytes; None (and a problem in ``result``) when it is too large or cannot be read."""
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            result.problems.append(Problem(str(path), None, f"file larger than {limits.max_file_bytes} bytes ({size})"))
            return None
        return path.read_bytes()
    except OSError as exc:
        result.problems.append(Problem(str(path), None, f"cannot read file: {exc.strerror or exc}"))
        return None


def _read_text(path: Path, result: LoadResult, limits: IngestLimits = DEFAULT_LIMITS) -> str | None:
    raw = read_bytes_within_limit(path, result, limits)
    if raw is None:
        return None
    if not raw.strip():
        result.problems.append(Problem(str(path), None, "empty file"))
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def iter_jsonl(path: Path, result: LoadResult, limits: IngestLimits = DEFAULT_LIMITS) -> Iterator[tuple[int, dict]]:
    """Yield (line number, object); malformed lines become problems."""
    text = _read_text(path, result, limits)
    if text is None:
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            result.problems.append(Problem(str(path), number, f"malformed JSON ({exc.msg})"))
            continue
        if not isinstance(obj, dict):
            result.problems.append(Problem(str(path), number, "expected a JSON object"))
            continue
        yield number, obj


def iter_csv(path: Path, result: LoadResult, limits: IngestLimits = DEFAULT_LIMITS) -> Iterator[tuple[int, dict]]:
    """Yield (line number, row dict) from a CSV with a header row (',' or ';' separated).

    Quoted fields may contain newlines; the line number is where the row starts. A row that the
    csv module cannot read (e.g. a field over the limit) is a problem of that row only.
    """
    text = _read_text(path, result, limits)
    if text is None:
        return
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    # the field size limit is process-wide; ours (checked per field below) must fit under it
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_field_chars * 4))
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            result.problems.append(Problem(str(path), reader.line_num, f"unreadable CSV row ({exc})"))
            start = reader.line_num + 1
            continue
        number, start = max(start, 2), reader.line_num + 1
        extra = row.pop(None, None)
        if extra:
            result.problems.append(Problem(str(path), number, f"{len(extra)} value(s) beyond the header's columns ignored"))
        yield number, {(k or "").strip(): v for k, v in row.items() if k}


def _clean(value: object, limits: IngestLimits, where: str = "") -> object:
    """Strings without control characters (NUL breaks PostgreSQL); over-long strings refused."""
    if isinstance(value, str):
        if len(value) > limits.max_field_chars:
            raise ValueError(f"field {where or '?'} longer than {limits.max_field_chars} characters ({len(value)})")
        return strip_control_chars(value)
    if isinstance(value, list):
        return [_clean(item, limits, where) for item in value]
    if isinstance(value, dict):
        return {strip_control_chars(str(k)): _clean(v, limits, str(k)) for k, v in value.items()}
    return value


def load_records(path: Path, model: type[R], *, allowed: tuple[str, ...] = (".jsonl", ".csv"),
                 limits: IngestLimits = DEFAULT_LIMITS) -> LoadResult[R]:
    """Validate every line/row of a JSONL or CSV file into ``model``; bad ones become problems."""
    result: LoadResult[R] = LoadResult()
    suffix = path.suffix.lower()
    if not path.exists():
        result.problems.append(Problem(str(path), None, "file not found"))
        return result
    if suffix not in allowed:
        result.problems.append(
            Problem(str(path), None, f"unsupported file type '{suffix or path.name}' (expected {', '.join(allowed)})")
        )
        return result
    rows: Callable[[Path, LoadResult], Iterator[tuple[int, dict]]] = partial(
        iter_csv if suffix == ".csv" else iter_jsonl, limits=limits)
    seen: dict[str, int] = {}
    for number, row in rows(path, result):
        try:
            record = model.model_validate(_clean(row, limits))
        except ValidationError as exc:
            result.problems.append(Problem(str(path), number, validation_message(exc)))
            continue
        except (ValueError, TypeError) as exc:
            result.problems.append(Problem(str(path), number, str(exc)))
            continue
        record_id = getattr(record, "id")
        if record_id in seen:
            result.problems.append(
                Problem(str(path), number, f"duplicate id {record_id!r} (first on line {seen[record_id]}); later line wins")
            )
            result.records = [r for r in result.records if getattr(r, "id") != record_id]
        seen[record_id] = number
        result.records.append(record)
    return result
