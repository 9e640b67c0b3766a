"""Subscriptions limited to "meine Kommune" or "mein Kreis": which announced events reach a
subscriber who chose a region. Online events always do; events whose place the municipal register
recognises do when they lie in the subscriber's Kreis ("kreis") or within ``NEARBY_KM`` of the
subscriber's municipality ("kommune"). Events without a recognisable place are not held back."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from knowledge.clock import utc_now as utcnow
from knowledge.models import aware_column

KOMMUNE, KREIS = "kommune", "kreis"
NEARBY_KM = 30.0
ONLINE = re.compile(r"\b(online|zoom|webex|teams|webinar|virtuell|lernplattform)\b", re.IGNORECASE)


class SubscriberRegion(SQLModel, table=True):
    """The region a subscriber limited event notices to (no row: all of NRW)."""

    __tablename__ = "subscriber_regions"

    chat_id: int = Field(
        sa_column=sa.Column(sa.BigInteger, sa.ForeignKey("subscribers.chat_id", ondelete="CASCADE"), primary_key=True)
    )
    scope: str = Field(max_length=10)
    municipality: str = Field(max_length=200)
    kreis: str = Field(max_length=200)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=aware_column())


class PlaceFinder(Protocol):
    """The part of ``knowledge.places.MunicipalRegister`` used here."""

    def find_in_text(self, text: str) -> list: ...
    def distance_km(self, a: str, b: str) -> float | None: ...


def set_region(engine: Engine, *, chat_id: int, scope: str, municipality: str, kreis: str,
               now: datetime | None = None) -> SubscriberRegion:
    if scope not in (KOMMUNE, KREIS):
        raise ValueError(f"unknown scope {scope!r}")
    with Session(engine, expire_on_commit=False) as session:
        row = session.get(SubscriberRegion, chat_id) or SubscriberRegion(chat_id=chat_id, scope=scope,
                                                                          municipality=municipality, kreis=kreis)
        row.scope, row.municipality, row.kreis, row.updated_at = scope, municipality, kreis, now or utcnow()
        session.add(row)
        session.commit()
        return row


def clear_region(engine: Engine, *, chat_id: int) -> bool:
    with Session(engine) as session:
        result = session.exec(sa.delete(SubscriberRegion).where(col(SubscriberRegion.chat_id) == chat_id))  # type: ignore[call-overload]
        session.commit()
        return bool(result.rowcount)


def get_region(engine: Engine, *, chat_id: int) -> SubscriberRegion | None:
    with Session(engine, expire_on_commit=False) as session:
        return session.get(SubscriberRegion, chat_id)


def regions(session: Session) -> dict[int, SubscriberRegion]:
    return {row.chat_id: row for row in session.exec(select(SubscriberRegion)).all()}


def event_in_region(region: SubscriberRegion | None, *, location: str | None, online_url: str | None,
                    places: PlaceFinder) -> bool:
    """Whether an event at ``location`` reaches a subscriber limited to ``region``."""
    if region is None or online_url or ONLINE.search(location or ""):
        return True
    for mention in places.find_in_text(location or ""):
        town = mention.municipality
        if region.scope == KREIS:
            kreis = town.kreis if town is not None else mention.kreis
            if kreis is not None:
                return kreis == region.kreis
        elif town is not None:
            distance = places.distance_km(region.municipality, town.name)
            if distance is not None:
                return distance <= NEARBY_KM
    return True  # no recognisable place: do not hold it back
