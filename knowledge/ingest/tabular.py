"""JSON Lines and CSV reading with per-line problems."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from knowledge.ingest.records import LoadResult, Problem, validation_message

R = TypeVar("R", bound=BaseModel)


def _read_text(path: Path, result: LoadResult) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        result.problems.append(Problem(str(path), None, f"cannot read file: {exc.strerror or exc}"))
        return None
    if not raw.strip():
        result.problems.append(Problem(str(path), None, "empty file"))
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def iter_jsonl(path: Path, result: LoadResult) -> Iterator[tuple[int, dict]]:
    """Yield (line number, object); malformed lines become problems."""
    text = _read_text(path, result)
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


def iter_csv(path: Path, result: LoadResult) -> Iterator[tuple[int, dict]]:
    """Yield (line number, row dict) from a CSV with a header row (',' or ';' separated)."""
    text = _read_text(path, result)
    if text is None:
        return
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    for row in reader:
        yield reader.line_num, {(k or "").strip(): v for k, v in row.items() if k}


def load_records(path: Path, model: type[R], *, allowed: tuple[str, ...] = (".jsonl", ".csv")) -> LoadResult[R]:
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
    rows: Callable[[Path, LoadResult], Iterator[tuple[int, dict]]] = iter_csv if suffix == ".csv" else iter_jsonl
    seen: dict[str, int] = {}
    for number, row in rows(path, result):
        try:
            record = model.model_validate(row)
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
