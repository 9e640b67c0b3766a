"""The notices the jobs send, as channel-independent data, and how they are rendered (injected).

Texts live in the bot layer (``bot.texts``); the jobs hand a `Notice` to a `Renderer` the bot
layer provides and send what comes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from jobs.ledger import NoticeKind
from jobs.sender import OutgoingMessage
from knowledge.models import Event, Project


@dataclass(frozen=True)
class Notice:
    """One message for one chat."""

    kind: NoticeKind
    chat_id: int
    language: str
    timezone: str  # settings.timezone: times are shown there
    event: Event | None = None  # a removed event: rebuilt from its snapshot, marked cancelled
    event_removed: bool = False  # cancel notices: the event disappeared from its source
    days: int | None = None  # reminders: days before the event
    text: str | None = None  # broadcasts: the maintainers' text (plain text, to be escaped)
    projects: list[Project] = field(default_factory=list)  # digests
    calendar: bytes | None = None  # .ics for reminders and change notices


class Renderer(Protocol):
    def __call__(self, notice: Notice) -> OutgoingMessage: ...
