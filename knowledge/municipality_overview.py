""""Meine Kommune": what the knowledge base holds for one municipality — the projects it takes
part in, other projects in its Kreis, the nearest comparable projects elsewhere and coming events
nearby or online. Distances come from the municipal register (centres of municipalities)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from embeddings.lexical import fold
from knowledge.models import Event, Project

if TYPE_CHECKING:
    from knowledge.places import Municipality

EVENT_RADIUS_KM = 60.0
NEARBY_LIMIT = 5
EVENT_LIMIT = 5
ONLINE_WORDS = re.compile(r"\b(online|zoom|webex|teams|webinar|digital|virtuell)\b", re.IGNORECASE)


class Register(Protocol):
    """The part of ``knowledge.places.MunicipalRegister`` used here."""

    def get(self, name: str) -> Municipality | None: ...
    def find_in_text(self, text: str) -> list: ...
    def distance_km(self, a: str, b: str) -> float | None: ...


@dataclass(frozen=True)
class NearbyProject:
    project: Project
    municipality: str  # the participating municipality closest to the user's
    km: float


@dataclass(frozen=True)
class NearbyEvent:
    event: Event
    online: bool
    place: str | None = None
    km: float | None = None


@dataclass
class MunicipalityOverview:
    municipality: Municipality
    own_projects: list[Project] = field(default_factory=list)
    kreis_projects: list[Project] = field(default_factory=list)
    nearby_projects: list[NearbyProject] = field(default_factory=list)
    events: list[NearbyEvent] = field(default_factory=list)

    @property
    def all_projects(self) -> list[Project]:
        """Every project of the overview, in display order (for the CSV export)."""
        return self.own_projects + self.kreis_projects + [n.project for n in self.nearby_projects]


def _takes_part(project: Project, folded_name: str) -> bool:
    return any(fold(name) == folded_name for name in project.municipalities or ())


def municipality_overview(
    engine: Engine, register: Register, municipality: Municipality, *, now: datetime,
    nearby_limit: int = NEARBY_LIMIT, event_limit: int = EVENT_LIMIT, radius_km: float = EVENT_RADIUS_KM,
) -> MunicipalityOverview:
    """The overview for ``municipality`` (blocking: reads projects and events)."""
    with Session(engine, expire_on_commit=False) as session:
        projects = list(session.exec(select(Project).order_by(Project.title)).all())
        events = list(session.exec(
            select(Event).where(Event.start >= now, Event.cancelled == False).order_by(col(Event.start))  # noqa: E712
        ).all())
    home = fold(municipality.name)
    overview = MunicipalityOverview(municipality)
    others: list[Project] = []
    for project in projects:
        if _takes_part(project, home):
            overview.own_projects.append(project)
        elif project.kreis == municipality.kreis:
            overview.kreis_projects.append(project)
        else:
            others.append(project)
    nearby: list[NearbyProject] = []
    for project in others:
        best: tuple[float, str] | None = None
        for name in project.municipalities or ():
            km = register.distance_km(municipality.name, name)
            if km is not None and (best is None or km < best[0]):
                best = (km, name)
        if best is not None:
            nearby.append(NearbyProject(project, best[1], round(best[0], 1)))
    nearby.sort(key=lambda n: (n.km, n.project.title))
    overview.nearby_projects = nearby[:nearby_limit]
    in_person: list[NearbyEvent] = []
    online_events: list[NearbyEvent] = []
    for event in events:
        online = bool(event.online_url) or bool(ONLINE_WORDS.search(event.location or ""))
        place, km = None, None
        for mention in register.find_in_text(event.location or ""):
            target = mention.municipality
            distance = register.distance_km(municipality.name, target.name) if target is not None else None
            if distance is not None:
                place, km = target.name, round(distance, 1)
                break
        if km is not None and km <= radius_km:
            in_person.append(NearbyEvent(event, False, place, km))
        elif online and km is None:
            online_events.append(NearbyEvent(event, True))
    # nearby events first (they are rarer), the rest of the room for online ones, in time order
    chosen = in_person[: max(event_limit - 2, 1)]
    chosen += online_events[: event_limit - len(chosen)]
    overview.events = sorted(chosen, key=lambda e: e.event.start)
    return overview
