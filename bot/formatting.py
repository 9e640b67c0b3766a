"""Rendering replies: Telegram HTML (escaped, split under 4096) and plain console text."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from knowledge.answers import highlight_spans

from bot.callback_data import MAX_CALLBACK_BYTES
from bot.replies import Button, Line, Reply, Span

MAX_MESSAGE_CHARS = 4096
MAX_BUTTON_LABEL = 60


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


# --- HTML --------------------------------------------------------------------------------------
def span_html(span: Span) -> str:
    if span.style == "html":
        return span.text
    text = html.escape(span.text, quote=False)
    if span.style in ("b", "i", "code"):
        return f"<{span.style}>{text}</{span.style}>"
    if span.style == "link" and span.url and re.match(r"^(https?|tg|mailto):", span.url):
        return f'<a href="{html.escape(span.url, quote=True)}">{text}</a>'
    return text


def line_html(line: Line) -> str:
    return "".join(span_html(span) for span in line)


def _split_long_line(line: Line, limit: int) -> list[str]:
    """A line too long for one message, cut into pieces of plain escaped text (markup dropped)."""
    plain = line_plain(line)
    pieces, current = [], ""
    for word in re.split(r"(\s+)", plain):
        while word:
            room = limit - utf16_len(html.escape(current, quote=False)) - 8
            if utf16_len(html.escape(current + word, quote=False)) <= limit - 8:
                current += word
                word = ""
            elif not current.strip():
                take = max(1, room // 6)  # worst case: every character escapes to 5-6 chars
                current, word = current + word[:take], word[take:]
            else:
                pieces.append(current)
                current = ""
    if current:
        pieces.append(current)
    return [html.escape(piece, quote=False) for piece in pieces]


def render_html(reply: Reply, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """The reply as one or more HTML messages, each at most ``limit`` characters long."""
    rendered: list[str] = []
    for line in reply.lines:
        text = line_html(line)
        if utf16_len(text) > limit:
            rendered.extend(_split_long_line(line, limit))
        else:
            rendered.append(text)
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for text in rendered:
        extra = utf16_len(text) + (1 if current else 0)
        if current and size + extra > limit:
            messages.append("\n".join(current).strip("\n") or "…")
            current, size = [], 0
            extra = utf16_len(text)
        current.append(text)
        size += extra
    if current or not messages:
        messages.append("\n".join(current).strip("\n") or "…")
    return messages


# --- plain text (console) --------------------------------------------------------------------------
_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)


def html_to_plain(text: str) -> str:
    text = _LINK.sub(lambda m: f"{m.group(2)} ({html.unescape(m.group(1))})", text)
    return html.unescape(_TAG.sub("", text))


def span_plain(span: Span) -> str:
    if span.style == "html":
        return html_to_plain(span.text)
    if span.style == "link" and span.url and span.url != span.text:
        return f"{span.text} ({span.url})"
    return span.text


def line_plain(line: Line) -> str:
    return "".join(span_plain(span) for span in line)


def render_plain(reply: Reply) -> str:
    """The reply as console text; buttons become numbered choices."""
    out = [line_plain(line) for line in reply.lines]
    buttons = reply.all_buttons
    if buttons:
        out.append("")
        for number, button in enumerate(buttons, start=1):
            target = f" ({button.url})" if button.url else (f" (@bot {button.share})" if button.share else "")
            out.append(f"  [{number}] {button.label}{target}")
    return "\n".join(out).strip("\n")


# --- highlighting -------------------------------------------------------------------------------------
def highlighted(text: str, terms: Sequence[str]) -> list[Span]:
    """``text`` as spans with the words matching ``terms`` in bold."""
    spans: list[Span] = []
    position = 0
    for start, end in highlight_spans(text, list(terms)):
        if start > position:
            spans.append(Span(text[position:start]))
        spans.append(Span(text[start:end], "b"))
        position = end
    if position < len(text):
        spans.append(Span(text[position:]))
    return spans


def short_label(text: str, limit: int = MAX_BUTTON_LABEL) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- Telegram keyboards --------------------------------------------------------------------------------
def is_valid_button(button: Button) -> bool:
    if button.url or button.share:
        return True
    return button.data is not None and 0 < len(button.data.encode("utf-8")) <= MAX_CALLBACK_BYTES


def inline_keyboard(rows: Sequence[Sequence[Button]]):  # noqa: ANN201 - InlineKeyboardMarkup | None
    """Telegram inline keyboard for the buttons (invalid ones are dropped, never sent)."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    keyboard = []
    for row in rows:
        buttons = [
            InlineKeyboardButton(short_label(b.label), url=b.url) if b.url
            else InlineKeyboardButton(short_label(b.label), switch_inline_query=b.share) if b.share
            else InlineKeyboardButton(short_label(b.label), callback_data=b.data)
            for b in row
            if is_valid_button(b)
        ]
        if buttons:
            keyboard.append(buttons)
    return InlineKeyboardMarkup(keyboard) if keyboard else None
