"""The command-line contract, run as real processes: ingest, ask (argument, stdin, --json), eval."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, TEST_BACKEND

ROOT = Path(__file__).resolve().parent.parent


def run_cli(args: list[str], data_dir: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IKZ_", "TELEGRAM_"))}
    env["IKZ_DATA_DIR"] = str(data_dir)
    if data_dir in CLI_DATABASES:  # a knowledge base copy on the PostgreSQL backend: its database too
        env["IKZ_DATABASE_URL"] = CLI_DATABASES[data_dir]
    return subprocess.run(
        [sys.executable, "bot.py", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True,
        timeout=300,
    )


CLI_DATABASES: dict[Path, str] = {}


@pytest.fixture
def cli_data_dir(tiny_kb) -> Path:
    """A private copy of the tiny knowledge base (on the PostgreSQL backend with its own database)."""
    data_dir = Path(tiny_kb.settings.data_dir)
    if TEST_BACKEND == "postgresql":
        CLI_DATABASES[data_dir] = tiny_kb.settings.resolved_database_url
    return data_dir


def test_ingest_reports_problems_and_summary(tmp_path: Path) -> None:
    bad = tmp_path / "projects.jsonl"
    lines = (FIXTURES / "tiny_projects.jsonl").read_text(encoding="utf-8").splitlines()[:2]
    bad.write_text("\n".join([lines[0], "{oops", lines[1]]), encoding="utf-8")
    data_dir = tmp_path / "fresh"
    result = run_cli(["ingest", "projects", str(bad)], data_dir)
    assert result.returncode == 0, result.stderr
    assert f"{bad}:2: malformed JSON" in result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("Ingested projects: 2 added") and "2 chunks embedded" in summary

    again = run_cli(["ingest", "projects", str(bad)], data_dir)
    assert "0 chunks embedded" in again.stdout.strip().splitlines()[-1]
    assert "2 unchanged" in again.stdout


def test_ingest_documents_folder_via_option_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "docs-data"
    env_dir = tmp_path / "ignored"
    result = run_cli(["--data-dir", str(data_dir), "ingest", "documents", str(FIXTURES / "docs")], env_dir)
    assert result.returncode == 0, result.stderr
    assert "Ingested documents: 1 added" in result.stdout
    assert (data_dir / "ikz.sqlite3").exists() and not env_dir.exists()


def test_ask_json_shape(cli_data_dir: Path) -> None:
    result = run_cli(["ask", "Bis wann muss der Verwendungsnachweis vorliegen?", "--json", "--k", "3"], cli_data_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    obj = json.loads(lines[0])
    assert set(obj) == {"question", "answered", "confidence", "intent", "answer", "place_note", "empty_period", "results"}
    assert obj["question"] == "Bis wann muss der Verwendungsnachweis vorliegen?" and obj["answered"] is True
    assert obj["confidence"] == "high" and obj["intent"] == "question"
    assert "sechs Monate" in obj["answer"]["text"] and obj["answer"]["source"].startswith("Förder")
    assert 1 <= len(obj["results"]) <= 3
    for item in obj["results"]:
        assert set(item) == {"id", "kind", "title", "score", "section", "source", "snippet", "url"}
        assert item["kind"] in {"project", "document", "faq", "event"}
    assert obj["results"][0]["id"] == "TD1-foerderung" and "sechs Monate" in obj["results"][0]["snippet"]
    scores = [item["score"] for item in obj["results"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_reads_questions_from_stdin_in_order(cli_data_dir: Path) -> None:
    questions = ["Gemeinsames Standesamt", "Wie wird das Wetter morgen?", "Trinkwasser Zweckverband"]
    result = run_cli(["ask", "--json"], cli_data_dir, stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    objs = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [o["question"] for o in objs] == questions
    assert objs[0]["results"][0]["id"] == "T001"
    assert objs[1]["answered"] is False
    assert objs[2]["results"][0]["id"] == "T004"


def test_ask_on_empty_data_dir_works_on_nothing(tmp_path: Path) -> None:
    result = run_cli(["ask", "Standesamt", "--json"], tmp_path / "empty")
    assert result.returncode == 2 and "reindex" in result.stderr


def test_eval_reports_metrics(cli_data_dir: Path, tmp_path: Path) -> None:
    cases = tmp_path / "eval.jsonl"
    cases.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in [
        {"q": "Wo ist das gemeinsame Standesamt?", "gold": ["T001"], "type": "paraphrase"},
        {"q": "Projekte im Kreis Borken", "gold": ["T002", "T005"], "type": "filter"},
        {"q": "Wetter in Berlin morgen", "gold": [], "type": "ood"},
    ]), encoding="utf-8")
    result = run_cli(["eval", str(cases), "--json"], cli_data_dir)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["overall"]["hit@1"] == 1.0 and summary["overall"]["recall@5"] == 1.0
    assert summary["overall"]["ood_abstained"] == 1.0
    assert set(summary["by_type"]) == {"paraphrase", "filter", "ood"}
