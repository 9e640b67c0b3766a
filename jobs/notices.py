"""The notices the jobs send, as channel-independent data, and how they are rendered (injected).

Texts live in the bot layer (``bot.texts``); the jobs hand a `Notice` to a `Renderer` the bot
layer provides and send what comes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from jobs.ledger import NoticeKind
from jobs.sender import OutgoingMessage
from knowledge.store import schedule_hash


@dataclass(frozen=True)
class EventInfo:
    id: str
    title: str
    start: datetime
    end: datetime | None = None
    location: str | None = None
    online_url: str | None = None
    topic: str = ""
    description: str = ""
    registration_url: str | None = None
    cancelled: bool = False
    removed: bool = False  # disappeared from its source

    @property
    def schedule_hash(self) -> str:
        return schedule_hash(self.start, self.end, self.location, self.online_url)


@dataclass(frozen=True)
class ProjectInfo:
    id: str
    title: str
    topic: str
    url: str | None = None


@dataclass(frozen=True)
class Notice:
    """One message for one chat."""

    kind: NoticeKind
    chat_id: int
    language: str
    timezone: str  # settings.timezone: times are shown there
    event: EventInfo | None = None
    days: int | None = None  # reminders: days before the event
    text: str | None = None  # broadcasts: the maintainers' text (plain text, to be escaped)
    projects: list[ProjectInfo] = field(default_factory=list)  # digests
    calendar: bytes | None = None  # .ics for reminders and change notices


class Renderer(Protocol):
    def __call__(self, notice: Notice) -> OutgoingMessage: ...
