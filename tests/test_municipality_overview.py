""""Meine Kommune" overview over the tiny knowledge base with the real municipal register."""

from __future__ import annotations

from datetime import UTC, datetime

from knowledge.municipality_overview import municipality_overview
from knowledge.places import MunicipalRegister

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def test_overview_of_a_municipality_typed_with_a_typo(tiny_kb) -> None:
    register = MunicipalRegister.load()
    havixbeck = register.resolve("Havixbek")
    assert havixbeck is not None and havixbeck.name == "Havixbeck" and havixbeck.kreis == "Kreis Coesfeld"
    overview = municipality_overview(tiny_kb.engine, register, havixbeck, now=NOW)
    assert [p.id for p in overview.own_projects] == ["T001"]
    assert {p.id for p in overview.kreis_projects} == {"T003", "T006"}
    nearby = overview.nearby_projects
    assert [n.project.id for n in nearby][:2] in (["T002", "T005"], ["T005", "T002"])
    assert nearby[-1].project.id == "T004" and nearby[0].km < 50 < nearby[-1].km
    assert [e.event.id for e in overview.events] == ["TE1"] and overview.events[0].online
    assert [p.id for p in overview.all_projects][:3] == ["T001", "T003", "T006"] or overview.all_projects[0].id == "T001"
    # a municipality without own projects still sees its Kreis and the nearest ones
    borken_area = municipality_overview(tiny_kb.engine, register, register.resolve("Rhede"), now=NOW)
    assert borken_area.own_projects == [] and {p.id for p in borken_area.kreis_projects} == {"T002", "T005"}
