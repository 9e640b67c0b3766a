"""What the delivery loop needs from a messenger, and the errors it understands.

The bot layer adapts ``telegram.Bot`` to this protocol (``bot.telegram_sender``); tests can use
the same adapter against the fake Bot API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class DeliveryError(Exception):
    """Base class of the errors a `Sender` raises."""


class Blocked(DeliveryError):
    """The user blocked the bot or the chat is gone (Telegram 403): deactivate the subscriber."""


class RetryLater(DeliveryError):
    """Flood control (Telegram 429): nothing was delivered; wait ``seconds`` before any send."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = float(seconds)


class TransientError(DeliveryError):
    """Network trouble or a server error: retry later with backoff."""


class PermanentError(DeliveryError):
    """The request itself is wrong (Telegram 400): retrying will not help."""


@dataclass(frozen=True)
class OutgoingMessage:
    """A rendered notice: HTML text, and optionally a file sent with the text as caption."""

    html: str
    document: tuple[str, bytes] | None = None  # (file name, content)


class Sender(Protocol):
    async def send_message(self, chat_id: int, html_text: str) -> int:
        """Send an HTML message; returns the message id."""

    async def send_document(self, chat_id: int, filename: str, data: bytes, caption: str | None = None) -> int:
        """Send a file with an optional HTML caption; returns the message id."""


async def send(sender: Sender, chat_id: int, message: OutgoingMessage) -> int:
    """Send a rendered notice with the right method."""
    if message.document is not None:
        filename, data = message.document
        return await sender.send_document(chat_id, filename, data, message.html)
    return await sender.send_message(chat_id, message.html)
