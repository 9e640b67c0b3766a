"""The bundled illustrative sample knowledge base is complete, consistent and ingests cleanly."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from knowledge.ingest.documents import load_documents
from knowledge.ingest.events import load_events
from knowledge.ingest.faq import load_faq
from knowledge.ingest.projects import load_projects
from knowledge.service import KnowledgeBase
from knowledge.settings import SAMPLE_DIR


def test_sample_files_load_without_problems() -> None:
    projects = load_projects(SAMPLE_DIR / "projects.jsonl")
    documents = load_documents(SAMPLE_DIR / "documents")
    faq = load_faq(SAMPLE_DIR / "faq.jsonl")
    events = load_events(SAMPLE_DIR / "events.jsonl")
    ics = load_events(SAMPLE_DIR / "events.ics")
    for result in (projects, documents, faq, events, ics):
        assert not result.problems, result.problems
    assert len(projects.records) >= 120
    assert len({p.topic for p in projects.records}) >= 40
    assert len({p.kreis for p in projects.records}) >= 20
    long_documents = [d for d in documents.records if len(d.text.split()) >= 1200]
    assert len(long_documents) >= 10
    assert len(faq.records) >= 25
    assert {e.id for e in ics.records} == {e.id for e in events.records}
    ids = [r.id for r in projects.records + documents.records + faq.records + events.records]
    assert len(ids) == len(set(ids)), "ids are unique across kinds"


def test_sample_data_is_marked_illustrative() -> None:
    readme = (SAMPLE_DIR / "README.md").read_text(encoding="utf-8").lower()
    assert "illustrativ" in readme or "illustrative" in readme
    first = json.loads((SAMPLE_DIR / "projects.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert "illustrativ" in first["source"].lower()


def test_sample_kb_has_upcoming_events_and_answers(sample_kb: KnowledgeBase) -> None:
    counts = sample_kb.counts()
    assert counts["projects"] >= 120 and counts["documents"] >= 10 and counts["faq"] >= 25
    upcoming = sample_kb.upcoming_events(now=datetime(2026, 11, 25, tzinfo=UTC))
    assert len(upcoming) >= 8
    answer = sample_kb.ask("Welche Projekte gibt es im Kreis Coesfeld?", k=10)
    assert answer.answered and all(hit.item.kreis == "Kreis Coesfeld" for hit in answer.hits[:5])
    assert not sample_kb.ask("Wer hat gestern das Bundesligaspiel gewonnen?").answered


@pytest.mark.parametrize("split", ["dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9", "dev10", "dev11",
                                   "dev12", "dev13", "dev14"])
def test_the_later_blind_development_sets_keep_every_question_as_written(split: str) -> None:
    """The labelled dev2 … dev14 sets hold the blind questions unchanged, in order, all for fitting (dev)."""
    from bench.bases import QUESTIONS_DIR, questions

    for name in ("sample", "base_b"):
        blind = [json.loads(line)["q"] for line in (QUESTIONS_DIR / f"{name}_{split}.blind.jsonl").open(encoding="utf-8")]
        labelled = questions(name, split)
        assert [case.q for case in labelled] == blind
        assert all(case.split == "dev" for case in labelled)
        assert all(case.gold or case.type in ("ood", "smalltalk", "no_answer_in_base") for case in labelled)
