"""Hybrid retrieval, query understanding (filters, typos, umlauts, English), abstention, follow-ups."""

from __future__ import annotations

from knowledge.query_understanding import QueryFilters
from knowledge.service import KnowledgeBase


def ids(answer) -> list[str]:
    return [hit.id for hit in answer.hits]


def test_passage_inside_a_document_is_found_with_that_passage(tiny_kb: KnowledgeBase) -> None:
    answer = tiny_kb.ask("Bis wann muss der Verwendungsnachweis vorgelegt werden?")
    assert answer.answered and ids(answer)[0] == "TD1-foerderung"
    assert "sechs Monate" in answer.hits[0].snippet
    assert answer.hits[0].section == "Verwendungsnachweis"


def test_results_are_distinct_items(tiny_kb: KnowledgeBase) -> None:
    answer = tiny_kb.ask("Förderung Antrag Fördersatz Verwendungsnachweis", k=10)
    assert len(ids(answer)) == len(set(ids(answer)))
    assert ids(answer).count("TD1-foerderung") == 1


def test_kreis_filter_lists_projects_there(tiny_kb: KnowledgeBase) -> None:
    answer = tiny_kb.ask("Welche Projekte gibt es im Kreis Coesfeld?")
    assert answer.answered
    assert set(ids(answer)[:3]) == {"T001", "T003", "T006"}
    assert answer.filters.kreise == frozenset({"Kreis Coesfeld"})


def test_legal_form_filter_with_topic(tiny_kb: KnowledgeBase) -> None:
    answer = tiny_kb.ask("Zweckverbände für Abfall")
    assert ids(answer)[0] == "T002"
    assert set(ids(answer)[:2]) == {"T002", "T004"}


def test_town_filter_with_missing_umlauts_and_typos(tiny_kb: KnowledgeBase) -> None:
    assert set(ids(tiny_kb.ask("Kooperationen in Duelmen"))[:2]) == {"T003", "T006"}
    assert set(ids(tiny_kb.ask("projekte im kreis coesfled"))[:3]) == {"T001", "T003", "T006"}
    assert ids(tiny_kb.ask("gemeinsames standesmat nottuln"))[0] == "T001"


def test_abbreviations_and_english_questions(tiny_kb: KnowledgeBase) -> None:
    assert ids(tiny_kb.ask("OZG Umsetzung gemeinsam"))[0] == "T006"
    assert ids(tiny_kb.ask("joint drinking water supply"))[0] == "T004"
    english = tiny_kb.ask("Which projects are in the district of Borken?")
    assert set(ids(english)[:2]) == {"T002", "T005"}


def test_out_of_domain_questions_abstain(tiny_kb: KnowledgeBase) -> None:
    for question in ("Wie wird das Wetter morgen in Berlin?", "Wer hat das Fußballspiel gestern gewonnen?",
                     "Rezept für Apfelkuchen"):
        assert not tiny_kb.ask(question).answered, question


def test_place_without_matching_content_abstains(tiny_kb: KnowledgeBase) -> None:
    assert not tiny_kb.ask("Wie hoch ist die Hundesteuer in Dülmen?").answered


def test_follow_up_refines_previous_question(tiny_kb: KnowledgeBase) -> None:
    first = tiny_kb.ask("Welche Projekte gibt es im Kreis Coesfeld?")
    follow = tiny_kb.ask("und im Kreis Borken?", previous=(first.search_text, first.filters))
    assert set(ids(follow)[:2]) == {"T002", "T005"}
    only = tiny_kb.ask("nur Zweckverbände", previous=(follow.search_text, follow.filters))
    assert ids(only)[0] == "T002"


def test_filters_merge_semantics() -> None:
    previous = QueryFilters(kreise=frozenset({"Kreis Coesfeld"}), legal_forms=frozenset({"Zweckverband"}))
    new = QueryFilters(towns=frozenset({"Borken"}))
    merged = new.merged_into(previous)
    assert merged.towns == {"Borken"} and not merged.kreise and merged.legal_forms == {"Zweckverband"}


def test_ambiguous_town_names_need_a_preposition(tiny_kb: KnowledgeBase) -> None:
    gazetteer = tiny_kb.snapshot().gazetteer
    assert not gazetteer.understand("Senden Sie mir bitte Infos").filters.towns
    assert gazetteer.understand("Projekte in Senden").filters.towns == {"Senden"}
