"""Subscriptions limited to "meine Kommune" / "mein Kreis": which announcements are planned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from jobs.planning import plan_announcements
from knowledge.db import create_db_and_tables, make_engine
from knowledge.models import Event
from knowledge.subscription_regions import KOMMUNE, KREIS, clear_region, get_region, set_region
from jobs.ledger import Delivery
from knowledge.subscriptions import subscribe

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
EVENTS = {
    "online": "Online (Zoom)",
    "coesfeld": "Kreishaus, Beispielplatz 1, 48653 Coesfeld",
    "muenster": "Tagungszentrum am Aasee, Beispielweg 12, 48149 Münster",
    "dortmund": "Digitalzentrum Beispielhof, Beispielstraße 5, 44137 Dortmund",
    "nowhere": "Raum 4",
}


def test_region_limits_announcements(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    create_db_and_tables(engine)
    with Session(engine) as session:
        for n, (event_id, location) in enumerate(EVENTS.items()):
            session.add(Event(id=event_id, title=event_id, start=NOW + timedelta(days=10 + n), location=location))
        session.commit()
    for chat in (1, 2, 3):
        subscribe(engine, chat_id=chat, all_topics=True, now=NOW)
    set_region(engine, chat_id=2, scope=KREIS, municipality="Havixbeck", kreis="Kreis Coesfeld", now=NOW)
    set_region(engine, chat_id=3, scope=KOMMUNE, municipality="Havixbeck", kreis="Kreis Coesfeld", now=NOW)
    assert get_region(engine, chat_id=3).scope == KOMMUNE
    plan_announcements(engine, now=NOW)
    with Session(engine) as session:
        planned = {(d.chat_id, d.ref) for d in session.exec(select(Delivery)).all()}
    assert {ref for chat, ref in planned if chat == 1} == set(EVENTS)
    assert {ref for chat, ref in planned if chat == 2} == {"online", "coesfeld", "nowhere"}
    assert {ref for chat, ref in planned if chat == 3} == {"online", "coesfeld", "muenster", "nowhere"}
    assert clear_region(engine, chat_id=3) and get_region(engine, chat_id=3) is None
