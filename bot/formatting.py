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


# --- URLs ----------------------------------------------------------------------------------------
_SAFE_URL = re.compile(r"^(?:https?://[^\s/?#]+|mailto:|tg://)\S*$", re.IGNORECASE)
MAX_URL_CHARS = 2000


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) (with a host), mailto or tg link without spaces or control
    characters; None otherwise (``javascript:``, ``data:``, ``file:`` …). The one URL check for every link
    that comes from the knowledge base (chat replies, inline results, event notices)."""
    if not url:
        return None
    url = url.strip()
    if len(url) > MAX_URL_CHARS or not _SAFE_URL.match(url) or any(ord(c) < 32 or ord(c) == 127 for c in url):
        return None
    return url


# --- HTML --------------------------------------------------------------------------------------
def span_html(span: Span) -> str:
    if span.style == "html":
        return span.text
    text = html.escape(span.text, quote=False)
    if span.style in ("b", "i", "code"):
        return f"<{span.style}>{text}</{span.style}>"
    url = safe_url(span.url) if span.style == "link" else None
    if url:
        return f'<a href="{html.escape(url, quote=True)}">{text}</a>'
    return text


def line_html(line: Line) -> str:
    return "".join(span_html(span) for span in line)


def _split_plain(plain: str, limit: int) -> list[str]:
    """Plain text too long for one message, cut at spaces into escaped pieces of at most ``limit``."""
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


def _split_long_line(line: Line, limit: int) -> list[str]:
    """A line too long for one message, cut into pieces of plain escaped text (markup dropped)."""
    return _split_plain(line_plain(line), limit)


def split_html_lines(lines: Sequence[str], limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Complete HTML lines packed into messages of at most ``limit`` UTF-16 units.

    Messages break only between lines, so never inside a tag or an entity; a single line longer
    than ``limit`` is sent as plain escaped text, cut at spaces.
    """
    rendered: list[str] = []
    for text in lines:
        if utf16_len(text) > limit:
            rendered.extend(_split_plain(html_to_plain(text), limit))
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


def split_html(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """An HTML text (lines of complete markup) as messages of at most ``limit`` UTF-16 units."""
    return split_html_lines(text.split("\n"), limit)


def fit_html(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """An HTML text shortened to one message of at most ``limit`` UTF-16 units, ending in "…"
    when something had to be left out: whole lines while they fit, then as much of the next line
    as plain escaped text as still fits (never a cut inside a tag or an entity)."""
    if utf16_len(text) <= limit:
        return text
    kept: list[str] = []
    size = 0
    for line in text.split("\n"):
        extra = utf16_len(line) + (1 if kept else 0)
        if size + extra > limit - 2:
            room = limit - size - (1 if kept else 0) - 1
            pieces = _split_plain(html_to_plain(line), room + 8) if room > 16 else []
            kept.append((pieces[0] if pieces else "") + "…")
            break
        kept.append(line)
        size += extra
    return "\n".join(kept)


def render_html(reply: Reply, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """The reply as one or more HTML messages, each at most ``limit`` UTF-16 units long."""
    rendered: list[str] = []
    for line in reply.lines:
        text = line_html(line)
        rendered.extend(_split_long_line(line, limit) if utf16_len(text) > limit else [text])
    return split_html_lines(rendered, limit)


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
    if button.url:
        return safe_url(button.url) is not None
    if button.share:
        return True
    return button.data is not None and 0 < len(button.data.encode("utf-8")) <= MAX_CALLBACK_BYTES


def inline_keyboard(rows: Sequence[Sequence[Button]]):  # noqa: ANN201 - InlineKeyboardMarkup | None
    """Telegram inline keyboard for the buttons (invalid ones are dropped, never sent)."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    keyboard = []
    for row in rows:
        buttons = [
            InlineKeyboardButton(short_label(b.label), url=safe_url(b.url)) if b.url
            else InlineKeyboardButton(short_label(b.label), switch_inline_query=b.share) if b.share
            else InlineKeyboardButton(short_label(b.label), callback_data=b.data)
            for b in row
            if is_valid_button(b)
        ]
        if buttons:
            keyboard.append(buttons)
    return InlineKeyboardMarkup(keyboard) if keyboard else None
