"""Channel-independent replies: styled text lines plus buttons, rendered by bot.formatting.

The conversation logic (bot.conversation) returns these; Telegram renders them as HTML with an
inline keyboard, the console as plain text with numbered choices.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from bot.texts import t


@dataclass(frozen=True)
class Span:
    """A piece of text. ``style``: "" plain, "b" bold, "i" italic, "code", "link" (with ``url``)
    or "html" (trusted template from bot.texts whose values were escaped already)."""

    text: str
    style: str = ""
    url: str | None = None


Line = list[Span]


@dataclass(frozen=True)
class Button:
    """An inline button: ``data`` is callback data (at most 64 bytes), or ``url`` opens a link."""

    label: str
    data: str | None = None
    url: str | None = None
    share: str | None = None  # "Teilen": opens the chat picker with ``@bot <share>`` (inline mode)


@dataclass(frozen=True)
class DocumentFile:
    """A document file to send (checked to exist and to be within the size limit)."""

    path: Path
    file_name: str
    title: str


@dataclass(frozen=True)
class GeneratedFile:
    """A file made for this reply (CSV export, PDF of a text document, .ics of an event)."""

    content: bytes
    file_name: str
    title: str


@dataclass
class Reply:
    lines: list[Line] = field(default_factory=list)
    buttons: list[list[Button]] = field(default_factory=list)
    document: DocumentFile | GeneratedFile | None = None
    notice: str | None = None  # short toast for button presses (answerCallbackQuery)
    replace: bool = False  # edit the message whose button was pressed instead of sending anew
    query_id: int | None = None  # query-log id when this reply answers a question

    def add(self, *spans: Span | str) -> Reply:
        """Append one line made of spans (plain strings are plain spans)."""
        self.lines.append([s if isinstance(s, Span) else Span(s) for s in spans])
        return self

    def blank(self) -> Reply:
        if self.lines and self.lines[-1]:
            self.lines.append([])
        return self

    def row(self, *buttons: Button) -> Reply:
        if buttons:
            self.buttons.append(list(buttons))
        return self

    @property
    def all_buttons(self) -> list[Button]:
        return [button for row in self.buttons for button in row]


def html_span(template_html: str) -> Span:
    return Span(template_html, "html")


def text_span(key: str, lang: str, **values: object) -> Span:
    """The user-facing text ``key`` (bot.texts) with ``values`` HTML-escaped, as a trusted span."""
    escaped = {k: html.escape(str(v), quote=False) for k, v in values.items()}
    return html_span(t(key, lang, **escaped))


def label_span(key: str, lang: str) -> Span:
    """An italic ``Label: `` in front of a value."""
    return Span(f"{t(key, lang)}: ", "i")
