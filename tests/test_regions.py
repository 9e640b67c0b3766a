"""Questions about another Land than the one a knowledge base covers."""

from __future__ import annotations

from datetime import UTC, datetime

from knowledge.regions import about_other_land, covered_laender, laender_named
from knowledge.service import KnowledgeBase

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_laender_are_recognised_by_name_adjective_and_statute() -> None:
    assert laender_named("Gibt es eine Förderung auch in Bayern?") == {"Bayern"}
    assert laender_named("Wie funktioniert das bayerische KommZG?") == {"Bayern"}
    assert laender_named("Was regelt das GkG NRW zur Zweckvereinbarung?") == {"Nordrhein-Westfalen"}
    assert laender_named("hessische Kommunen und Niedersachsen") == {"Hessen", "Niedersachsen"}
    assert laender_named("Kooperation in Sachsen-Anhalt") == {"Sachsen-Anhalt"}
    assert laender_named("Is there funding in Bavaria or Lower Saxony?") == {"Bayern", "Niedersachsen"}
    assert laender_named("Wie gründe ich einen Zweckverband?") == frozenset()


def test_a_base_covers_the_laender_its_passages_name() -> None:
    texts = ["Förderung in NRW", "nach dem GkG NRW", "Kommunen in Nordrhein-Westfalen", "wie in Bayern üblich"]
    assert covered_laender(texts) == {"Nordrhein-Westfalen"}
    assert covered_laender(["§ 1 Der Umsatzsteuer unterliegen …"]) is None  # federal law only: any Land
    large = ["Kooperation in Hessen", "Bauhof", "Kasse", "Standesamt"] * 5_000  # read as an even sample
    assert covered_laender(large) == {"Hessen"}
    assert about_other_land("Förderung in Bayern?", frozenset({"Nordrhein-Westfalen"}))
    assert not about_other_land("Kooperation zwischen NRW und Niedersachsen?", frozenset({"Nordrhein-Westfalen"}))


def test_the_askers_own_land_is_not_what_the_question_is_about() -> None:
    """"Gibt es in Bayern andere Regeln als bei uns in NRW?" asks about Bayern; NRW is where the asker is."""
    nrw = frozenset({"Nordrhein-Westfalen"})
    assert about_other_land("Wie funktioniert ein Zweckverband in Bayern, gibts da andere Regeln als bei uns in NRW?", nrw)
    assert about_other_land("Wir hier in NRW fragen uns: wie läuft das in Bayern?", nrw)
    assert not about_other_land("Wir hier in NRW wollen einen Zweckverband gründen, geht das auch mit Kommunen "
                                "in Bayern und in NRW?", nrw)
    assert not about_other_land("Wie gründen wir bei uns in NRW einen Zweckverband?", nrw)
    assert not about_other_land("Förderung in Bayern?", None)


def test_a_question_about_another_land_is_not_answered_with_confidence(sample_kb: KnowledgeBase) -> None:
    snapshot = sample_kb.snapshot()
    assert snapshot.laender == {"Nordrhein-Westfalen"}
    other = sample_kb.ask("Gibt es eine Förderung für interkommunale Zusammenarbeit auch in Bayern?", now=NOW)
    assert not other.answered and other.level == "low" and other.hits  # candidates, honestly marked unsure
    own = sample_kb.ask("Gibt es eine Förderung für interkommunale Zusammenarbeit in NRW?", now=NOW)
    assert own.answered
