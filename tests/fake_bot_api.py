"""A local fake Telegram Bot API server for tests and benchmarks.

The server speaks the HTTP protocol of the real Bot API as python-telegram-bot (PTB) uses it::

    POST http://127.0.0.1:<port>/bot<TOKEN>/<method>        (JSON, url-encoded form or multipart)
    GET  http://127.0.0.1:<port>/file/bot<TOKEN>/<file_path> (file downloads)

and answers with ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code": N, "description": "...", "parameters": {"retry_after": N}}``
using the HTTP status code ``N`` like Telegram does.

Two ways to run it:

* inside the event loop of an async test::

      async with FakeBotApi(token=TOKEN) as api:
          bot = telegram.Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url)
          api.push_text(42, "/start")
          calls = await api.wait_for_calls("sendMessage", 1, chat_id=42)

* in a background thread (own event loop) for sync tests or a bot running in a subprocess::

      with FakeBotApiThread(token=TOKEN) as api:
          subprocess.Popen([...], env={"TELEGRAM_BASE_URL": api.base_url, ...})
          api.push_text(42, "/start")
          calls = api.wait_for_calls("sendMessage", 1, chat_id=42)

Every API call is recorded as an :class:`ApiCall`. Updates are injected with the ``push_*``
helpers and delivered through real long polling (``getUpdates``). Failures can be injected
(blocked chats, rate limits, one-shot errors, latency). ``parse_mode`` (HTML, MarkdownV2,
Markdown) is parsed like Telegram does, so malformed markup yields the same
``400 Bad Request: can't parse entities: ...`` errors as production.

Manual use: ``python -m tests.fake_bot_api --port 8081 --token 123:ABC``. Besides the Bot API,
the server then offers a small control API: ``POST /_fake/<helper>`` with the helper's keyword
arguments as JSON body (e.g. ``/_fake/push_text`` ``{"chat_id": 1, "text": "/start"}``) and
``GET /_fake/calls``.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import concurrent.futures
import contextlib
import contextvars
import copy
import dataclasses
import inspect
import itertools
import json
import logging
import math
import mimetypes
import re
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from aiohttp import web

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "BotApiError",
    "FakeBotApi",
    "FakeBotApiThread",
    "StoredFile",
    "parse_entities",
]

LOGGER = logging.getLogger("fake_bot_api")

#: A syntactically valid bot token usable in tests.
DEFAULT_TOKEN = "123456789:AAFakeTokenIKZAssistentTests-000000"

#: Default user id used as message author in group chats when no ``user_id`` is given.
DEFAULT_GROUP_USER_ID = 424242

MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64

JSONDict = dict[str, Any]
Predicate = Callable[[], Any]
MethodHandler = Callable[[JSONDict, "dict[str, tuple[str, bytes]]"], Any]

# Content types of the multipart files of the request being handled (per aiohttp task).
_REQUEST_MIMES: contextvars.ContextVar[dict[str, str | None]] = contextvars.ContextVar(
    "fake_bot_api_request_mimes", default={}
)

# Parameters that are always plain strings and must never be JSON-decoded when they arrive as
# form fields (e.g. a message text "42" must stay the string "42").
_STRING_PARAMS = frozenset(
    {
        "text", "caption", "query", "callback_query_id", "inline_query_id", "parse_mode",
        "url", "name", "description", "short_description", "next_offset", "switch_pm_text",
        "switch_pm_parameter", "language_code", "action", "title", "file_id",
        "inline_message_id", "message_effect_id", "business_connection_id", "secret_token",
        "ip_address", "emoji", "phone_number", "first_name", "last_name", "vcard", "address",
        "foursquare_id", "foursquare_type", "google_place_id", "google_place_type", "question",
        "explanation", "payload", "provider_token", "currency", "start_parameter",
        "custom_title", "invite_link", "error_message", "shipping_query_id",
        "pre_checkout_query_id", "game_short_name", "sticker_set_name", "gift_id",
        "document", "photo", "audio", "video", "voice", "animation", "sticker", "video_note",
        "thumbnail", "certificate", "cover", "result_id", "web_app_query_id",
    }
)

_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)

_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_LEADING_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b")


# --------------------------------------------------------------------------------------------
# Data classes and errors
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class ApiCall:
    """One recorded Bot API request.

    Attributes:
        method: The canonical Bot API method name (e.g. ``"sendMessage"``); unknown methods are
            recorded with the name used in the URL.
        params: Decoded request parameters (JSON-encoded form fields such as ``reply_markup``
            are decoded to Python objects, ``chat_id`` to ``int``).
        files: Uploaded multipart files as ``{field name: (filename, content)}``.
        time: ``time.monotonic()`` at which the request arrived.
        ok: Whether the server answered with ``"ok": true``.
        result: The ``result`` that was returned (``None`` for errors).
        error_code: The error code for failed calls.
        description: The error description for failed calls.
    """

    method: str
    params: JSONDict
    files: dict[str, tuple[str, bytes]] = dataclasses.field(default_factory=dict)
    time: float = dataclasses.field(default_factory=time.monotonic)
    ok: bool = True
    result: Any = None
    error_code: int | None = None
    description: str | None = None

    @property
    def chat_id(self) -> int | str | None:
        """The (normalised) ``chat_id`` parameter, if any."""
        return _normalize_chat_id(self.params.get("chat_id"))

    @property
    def text(self) -> str | None:
        """The ``text`` or, for media, the ``caption`` parameter."""
        value = self.params.get("text", self.params.get("caption"))
        return value if isinstance(value, str) else None

    @property
    def reply_markup(self) -> JSONDict | None:
        """The decoded ``reply_markup`` parameter, if any."""
        value = self.params.get("reply_markup")
        return value if isinstance(value, dict) else None

    def button_texts(self) -> list[str]:
        """Texts of all buttons of the inline or reply keyboard sent with this call."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [
            (button if isinstance(button, str) else button.get("text", ""))
            for row in rows
            for button in row
        ]

    def callback_data(self) -> list[str]:
        """All ``callback_data`` values of the inline keyboard sent with this call."""
        markup = self.reply_markup or {}
        return [
            button["callback_data"]
            for row in markup.get("inline_keyboard", [])
            for button in row
            if "callback_data" in button
        ]


@dataclasses.dataclass
class StoredFile:
    """A file known to the fake server (uploaded by the bot or pushed with an update)."""

    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str | None
    mime_type: str | None
    content: bytes | None


class BotApiError(Exception):
    """Raise inside a method handler to answer with a Bot API error.

    Args:
        error_code: Error code, also used as HTTP status (400, 403, 404, 429, ...).
        description: Human readable description, e.g. ``"Bad Request: chat not found"``.
        retry_after: Adds ``parameters.retry_after`` (flood control).
        migrate_to_chat_id: Adds ``parameters.migrate_to_chat_id``.
    """

    def __init__(
        self,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(f"{error_code}: {description}")
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def to_payload(self) -> JSONDict:
        """The JSON body Telegram would send for this error."""
        payload: JSONDict = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        parameters: JSONDict = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            payload["parameters"] = parameters
        return payload


@dataclasses.dataclass
class _FailRule:
    method: str  # lower-case method name or "*"
    error_code: int
    description: str
    retry_after: int | None
    remaining: int
    chat_id: int | str | None


class _SlidingWindow:
    """Counts events in a sliding time window (used for flood control)."""

    def __init__(self, max_events: float, window_s: float = 1.0) -> None:
        if max_events < 1:
            # e.g. 0.5/s -> one event per 2 s
            self.window_s = window_s / max_events
            self.max_events = 1
        else:
            self.window_s = window_s
            self.max_events = int(max_events)
        self._events: collections.deque[float] = collections.deque()

    def check(self, now: float) -> int | None:
        """Return ``None`` if another event is allowed now, else the seconds to wait."""
        while self._events and self._events[0] <= now - self.window_s:
            self._events.popleft()
        if len(self._events) >= self.max_events:
            return max(1, math.ceil(self._events[0] + self.window_s - now))
        return None

    def add(self, now: float) -> None:
        """Register an accepted event."""
        self._events.append(now)


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (Telegram's unit for entity offsets)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _normalize_chat_id(value: Any) -> int | str | None:
    """Convert ``"123"`` to ``123``; keep ``"@channel"`` strings and ``None``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return value
    return None


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _decode_param(name: str, value: Any, from_form: bool) -> Any:
    """Decode one request parameter like Telegram does.

    PTB sends every parameter as a (JSON-encoded) string field when it uses form data. Plain
    string parameters are kept as they are; everything else is JSON-decoded when possible.
    """
    if not isinstance(value, str) or name in _STRING_PARAMS:
        return value
    if not from_form and not value.lstrip().startswith(("{", "[")):
        return value
    try:
        return json.loads(value, parse_constant=_reject_constant)
    except ValueError:
        return value


def _as_int(value: Any, default: int, name: str) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BotApiError(400, f"Bad Request: wrong parameter {name} specified") from None


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in {"true", "1"}
    return bool(value)


def _detect_entities(text: str) -> list[JSONDict]:
    """Entities Telegram would attach to a user's message: a leading /command and @mentions."""
    entities: list[JSONDict] = []
    match = _LEADING_COMMAND_RE.match(text)
    if match:
        entities.append({"type": "bot_command", "offset": 0, "length": _utf16_len(match.group())})
    for match in _MENTION_RE.finditer(text):
        if entities and match.start() < entities[0]["length"] and entities[0]["offset"] == 0:
            continue  # part of "/cmd@botname"
        entities.append(
            {
                "type": "mention",
                "offset": _utf16_len(text[: match.start()]),
                "length": _utf16_len(match.group()),
            }
        )
    return entities


# --------------------------------------------------------------------------------------------
# parse_mode handling (HTML, MarkdownV2, Markdown) modelled after TDLib
# --------------------------------------------------------------------------------------------


class _EntityBuilder:
    """Collects plain text and entities with UTF-16 offsets."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.parts: list[str] = []
        self.u16 = 0
        self.entities: list[JSONDict] = []

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.u16 += _utf16_len(chunk)

    def entity(self, etype: str, offset: int, **extra: Any) -> None:
        length = self.u16 - offset
        if length > 0:
            self.entities.append({"type": etype, "offset": offset, "length": length, **extra})

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def error(self, message: str) -> BotApiError:
        return BotApiError(400, f"Bad Request: can't parse entities: {message}")

    def result(self) -> tuple[str, list[JSONDict]]:
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), entities


_HTML_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}


def _html_unescape(value: str) -> str:
    def repl(match: re.Match[str]) -> str:
        token = match.group(1)
        if token in _HTML_NAMED:
            return _HTML_NAMED[token]
        code = int(token[2:], 16) if token[1] in "xX" else int(token[1:])
        try:
            return chr(code)
        except (ValueError, OverflowError):
            return match.group()

    return _HTML_ENTITY_RE.sub(repl, value)


def _parse_html(text: str) -> tuple[str, list[JSONDict]]:
    out = _EntityBuilder(text)
    stack: list[JSONDict] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "&":
            match = _HTML_ENTITY_RE.match(text, i)
            if match:
                out.add(_html_unescape(match.group()))
                i = match.end()
            else:
                out.add("&")
                i += 1
            continue
        if char != "<":
            j = i
            while j < n and text[j] not in "<&":
                j += 1
            out.add(text[i:j])
            i = j
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":  # end tag
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] == "-"):
                j += 1
            tag = text[i + 1 : j].lower()
            while j < n and text[j].isspace():
                j += 1
            if j >= n or text[j] != ">":
                raise out.error(f"Unclosed end tag at byte offset {out.byte_offset(begin)}")
            i = j + 1
            if not stack:
                raise out.error(f"Unexpected end tag at byte offset {out.byte_offset(begin)}")
            top = stack.pop()
            if tag != top["tag"]:
                raise out.error(
                    f"Unmatched end tag at byte offset {out.byte_offset(begin)}, "
                    f'expected "</{top["tag"]}>", found "</{tag}>"'
                )
            if top["type"] is not None:
                out.entity(top["type"], top["offset"], **top["extra"])
            continue
        # start tag
        j = i
        while j < n and (text[j].isalnum() or text[j] == "-"):
            j += 1
        tag = text[i:j].lower()
        if tag not in _HTML_TAGS:
            raise out.error(f'Unsupported start tag "{tag}" at byte offset {out.byte_offset(begin)}')
        i = j
        attrs: dict[str, str] = {}
        while True:
            while i < n and text[i].isspace():
                i += 1
            if i >= n:
                raise out.error(f"Unclosed start tag at byte offset {out.byte_offset(begin)}")
            if text[i] == ">":
                i += 1
                break
            k = i
            while k < n and not text[k].isspace() and text[k] not in "=>":
                k += 1
            name = text[i:k].lower()
            if not name:
                raise out.error(
                    f'Empty attribute name in the tag "{tag}" at byte offset '
                    f"{out.byte_offset(begin)}"
                )
            i = k
            while i < n and text[i].isspace():
                i += 1
            if i >= n or text[i] != "=":
                attrs[name] = ""
                continue
            i += 1
            while i < n and text[i].isspace():
                i += 1
            if i >= n:
                raise out.error(f"Unclosed start tag at byte offset {out.byte_offset(begin)}")
            if text[i] in "\"'":
                end = text.find(text[i], i + 1)
                if end == -1:
                    raise out.error(
                        f"Unclosed start tag at byte offset {out.byte_offset(begin)}"
                    )
                attrs[name] = _html_unescape(text[i + 1 : end])
                i = end + 1
            else:
                k = i
                while k < n and not text[k].isspace() and text[k] != ">":
                    k += 1
                attrs[name] = _html_unescape(text[i:k])
                i = k
        etype: str | None = _HTML_TAGS[tag]
        extra: JSONDict = {}
        if tag == "a":
            href = attrs.get("href", "")
            if href:
                extra["url"] = href
            else:
                etype = None
        elif tag == "span" and attrs.get("class") != "tg-spoiler":
            raise out.error(
                f'Tag "span" must have class "tg-spoiler" at byte offset {out.byte_offset(begin)}'
            )
        elif tag == "blockquote" and "expandable" in attrs:
            etype = "expandable_blockquote"
        elif tag == "tg-emoji":
            if not attrs.get("emoji-id"):
                raise out.error(
                    f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset '
                    f"{out.byte_offset(begin)}"
                )
            extra["custom_emoji_id"] = attrs["emoji-id"]
        elif tag == "code":
            language = attrs.get("class", "")
            if (
                language.startswith("language-")
                and stack
                and stack[-1]["tag"] == "pre"
                and stack[-1]["offset"] == out.u16
                and "language" not in stack[-1]["extra"]
            ):
                stack[-1]["extra"]["language"] = language[len("language-") :]
                etype = None  # merged into the surrounding <pre>
        stack.append({"tag": tag, "type": etype, "offset": out.u16, "extra": extra})
    if stack:
        raise out.error(f'Can\'t find end tag corresponding to start tag "{stack[-1]["tag"]}"')
    return out.result()


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline",
    "strikethrough": "Strikethrough", "spoiler": "Spoiler", "text_link": "TextUrl",
    "code": "Code", "pre": "Pre", "custom_emoji": "CustomEmoji",
}


def _read_markdown_url(out: _EntityBuilder, text: str, i: int) -> tuple[str, int]:
    """Read ``(url)`` starting at ``text[i] == "("``; return the url and the index after ')'."""
    j = i + 1
    chars: list[str] = []
    while j < len(text) and text[j] != ")":
        if text[j] == "\\" and j + 1 < len(text) and 0 < ord(text[j + 1]) <= 126:
            chars.append(text[j + 1])
            j += 2
            continue
        chars.append(text[j])
        j += 1
    if j >= len(text):
        raise out.error(f"Can't find end of a URL at byte offset {out.byte_offset(i + 1)}")
    return "".join(chars), j + 1


def _skip_pre_language(text: str, i: int) -> tuple[str | None, int]:
    """After an opening ```: read an optional language and skip one leading newline."""
    n = len(text)
    end = i
    while end < n and not text[end].isspace() and text[end] != "`":
        end += 1
    language = None
    if end != i and end < n and text[end] != "`":
        language = text[i:end]
        i = end
    if i < n and text[i] in "\r\n":
        i += 2 if i + 1 < n and text[i + 1] in "\r\n" and text[i + 1] != text[i] else 1
    return language, i


def _parse_markdown_v2(text: str) -> tuple[str, list[JSONDict]]:
    out = _EntityBuilder(text)
    stack: list[JSONDict] = []
    quote: JSONDict | None = None  # open blockquote
    i, n = 0, len(text)

    def reserved(index: int) -> BotApiError:
        return out.error(
            f"Character '{text[index]}' is reserved and must be escaped with the preceding '\\'"
        )

    while i < n:
        char = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        if char == "\\" and nxt and 0 < ord(nxt) <= 126:
            out.add(nxt)
            i += 2
            continue
        top = stack[-1] if stack else None
        if top is not None and top["type"] in ("code", "pre"):
            if char == "`" and (top["type"] == "code" or text.startswith("```", i)):
                stack.pop()
                out.entity(top["type"], top["offset"], **top["extra"])
                i += 1 if top["type"] == "code" else 3
            else:
                out.add(char)
                i += 1
            continue
        at_line_start = i == 0 or text[i - 1] == "\n"
        if at_line_start and quote is None and (char == ">" or text.startswith("**>", i)):
            expandable = char == "*"
            quote = {"offset": out.u16, "expandable": expandable}
            i += 3 if expandable else 1
            continue
        if at_line_start and quote is not None and char == ">":
            i += 1  # continuation line of the blockquote
            continue
        if char == "\n":
            if quote is not None and not text.startswith(">", i + 1):
                out.entity(
                    "expandable_blockquote" if quote["expandable"] else "blockquote",
                    quote["offset"],
                )
                quote = None
            out.add(char)
            i += 1
            continue
        if char not in _MDV2_RESERVED:
            out.add(char)
            i += 1
            continue
        if (
            quote is not None
            and text.startswith("||", i)
            and (i + 2 >= n or text[i + 2] == "\n")
            and not (top is not None and top["type"] == "spoiler")
        ):
            quote["expandable"] = True
            i += 2
            continue
        if top is not None:
            ttype = top["type"]
            closes = (
                (ttype == "bold" and char == "*")
                or (ttype == "italic" and char == "_" and nxt != "_")
                or (ttype == "underline" and char == "_" and nxt == "_")
                or (ttype == "strikethrough" and char == "~")
                or (ttype == "spoiler" and char == "|" and nxt == "|")
                or (ttype in ("text_link", "custom_emoji") and char == "]")
            )
            if closes:
                stack.pop()
                if ttype in ("text_link", "custom_emoji"):
                    url = None
                    if nxt == "(":
                        url, i = _read_markdown_url(out, text, i + 1)
                    else:
                        i += 1
                    if ttype == "custom_emoji":
                        prefix = "tg://emoji?id="
                        if not url or not url.startswith(prefix):
                            raise out.error("Custom emoji entity must contain a tg://emoji URL")
                        out.entity("custom_emoji", top["offset"], custom_emoji_id=url[len(prefix):])
                    elif url:
                        out.entity("text_link", top["offset"], url=url)
                    continue
                out.entity(ttype, top["offset"])
                i += 2 if ttype in ("underline", "spoiler") else 1
                continue
        begin = i
        extra: JSONDict = {}
        if char == "_":
            etype = "underline" if nxt == "_" else "italic"
            i += 2 if nxt == "_" else 1
        elif char == "*":
            etype, i = "bold", i + 1
        elif char == "~":
            etype, i = "strikethrough", i + 1
        elif char == "|":
            if nxt != "|":
                raise reserved(i)
            etype, i = "spoiler", i + 2
        elif char == "[":
            etype, i = "text_link", i + 1
        elif char == "!":
            if nxt != "[":
                raise reserved(i)
            etype, i = "custom_emoji", i + 2
        elif char == "`":
            if text.startswith("```", i):
                etype = "pre"
                language, i = _skip_pre_language(text, i + 3)
                if language:
                    extra["language"] = language
            else:
                etype, i = "code", i + 1
        else:
            raise reserved(i)
        stack.append({"type": etype, "offset": out.u16, "begin": begin, "extra": extra})
    if stack:
        top = stack[-1]
        name = _MDV2_NAMES[top["type"]]
        if top["type"] == "pre" and "language" in top["extra"]:
            name = "PreCode"
        raise out.error(
            f"Can't find end of {name} entity at byte offset {out.byte_offset(top['begin'])}"
        )
    if quote is not None:
        out.entity("expandable_blockquote" if quote["expandable"] else "blockquote", quote["offset"])
    return out.result()


def _parse_markdown(text: str) -> tuple[str, list[JSONDict]]:
    """Legacy ``Markdown`` parse mode (no nesting)."""
    out = _EntityBuilder(text)
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if char not in "_*`[":
            out.add(char)
            i += 1
            continue
        begin = i
        end_char = "]" if char == "[" else char
        i += 1
        is_pre = False
        language = None
        if char == "`" and text.startswith("``", i):
            is_pre = True
            language, i = _skip_pre_language(text, i + 2)
        offset = out.u16
        while i < n and (
            (is_pre and not text.startswith("```", i)) or (not is_pre and text[i] != end_char)
        ):
            out.add(text[i])
            i += 1
        if i >= n:
            raise out.error(
                f"Can't find end of the entity starting at byte offset {out.byte_offset(begin)}"
            )
        if is_pre:
            i += 3
            out.entity("pre", offset, **({"language": language} if language else {}))
        elif char == "[":
            i += 1
            if i < n and text[i] == "(":
                end = text.find(")", i)
                if end != -1:
                    url = text[i + 1 : end]
                    i = end + 1
                    if url:
                        out.entity("text_link", offset, url=url)
        else:
            i += 1
            out.entity({"_": "italic", "*": "bold", "`": "code"}[char], offset)
    return out.result()


def parse_entities(text: str, parse_mode: str | None) -> tuple[str, list[JSONDict]]:
    """Convert formatted ``text`` to plain text plus entities like the Bot API does.

    Args:
        text: The text as sent by the bot.
        parse_mode: ``"HTML"``, ``"MarkdownV2"``, ``"Markdown"`` (case-insensitive) or ``None``.

    Raises:
        BotApiError: 400 ``can't parse entities`` for malformed markup or an unknown parse mode.
    """
    if not parse_mode:
        return text, []
    mode = parse_mode.lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode == "markdown":
        return _parse_markdown(text)
    raise BotApiError(400, f"Bad Request: unsupported parse_mode: {parse_mode}")


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


class FakeBotApi:
    """Fake Telegram Bot API server running in the current asyncio event loop.

    Use it as ``async with FakeBotApi(...) as api:`` (or call :meth:`start` / :meth:`stop`).
    All helper methods must be called from the loop the server runs in; use
    :class:`FakeBotApiThread` to drive the server from other threads.

    Args:
        token: The bot token the server accepts; other tokens get ``401 Unauthorized``.
        host: Interface to bind.
        port: TCP port; ``0`` picks a free port (see :attr:`port`).
        bot_username: Username of the fake bot (``getMe``).
        bot_first_name: First name of the fake bot.
        rate_limit_per_s: Global flood limit for send* methods (sliding one-second window);
            ``None`` disables it. Exceeding it gives ``429`` with ``retry_after``.
        per_chat_rate_limit_per_s: Optional per-chat flood limit (e.g. ``1``).
        rate_limited_methods: Method names subject to flood control; default: all ``send*``
            methods plus ``copyMessage``/``forwardMessage``.
        latency: Seconds to delay every response (``getUpdates`` included).
        record_get_updates: Record ``getUpdates`` calls (disable for long benchmarks).
        parse_entities: Parse ``parse_mode`` markup like Telegram (errors included). If
            ``False``, texts are echoed verbatim without entities.
        strict_messages: Answer edits/deletions of message ids the server does not know with
            ``400 message to edit not found``. By default unknown messages are synthesised.
        max_upload_bytes: Maximum request body size.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "ikz_assistent_test_bot",
        bot_first_name: str = "IKZ-Assistent",
        rate_limit_per_s: float | None = None,
        per_chat_rate_limit_per_s: float | None = None,
        rate_limited_methods: Iterable[str] | None = None,
        latency: float = 0.0,
        record_get_updates: bool = True,
        parse_entities: bool = True,
        strict_messages: bool = False,
        max_upload_bytes: int = 64 * 1024 * 1024,
    ) -> None:
        self.token = token
        self.host = host
        self._requested_port = port
        self.port: int | None = None
        head = token.split(":", 1)[0]
        self.bot_id = int(head) if head.isdigit() else 123456789
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.latency = latency
        self.method_latency: dict[str, float] = {}
        self.record_get_updates = record_get_updates
        self.parse_entities = parse_entities
        self.strict_messages = strict_messages
        self.max_upload_bytes = max_upload_bytes
        self._rate_limited_methods = (
            {m.lower() for m in rate_limited_methods} if rate_limited_methods is not None else None
        )
        self._global_window: _SlidingWindow | None = None
        self._per_chat_limit: float | None = None
        self._chat_windows: dict[Any, _SlidingWindow] = {}
        self.set_rate_limit(rate_limit_per_s, per_chat_rate_limit_per_s)

        self._calls: list[ApiCall] = []
        self._clear_generation = 0
        self._updates: list[JSONDict] = []
        self._next_update_id = 1
        self._pushed_at: dict[int, float] = {}
        self._message_ids: dict[int, int] = {}
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._chats: dict[int, JSONDict] = {}
        self._named_chats: dict[str, int] = {}
        self._users: dict[int, JSONDict] = {}
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._file_counter = itertools.count(1)
        self._query_counter = itertools.count(1)
        self._blocked: set[Any] = set()
        self._fail_rules: list[_FailRule] = []
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._menu_buttons: dict[Any, JSONDict] = {}
        self._webhook_url = ""
        self._custom_methods: dict[str, tuple[str, MethodHandler]] = {}

        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._calls_cond: asyncio.Condition | None = None
        self._updates_event: asyncio.Event | None = None
        self._closing = False
        self._waiting_pollers = 0
        self._held_responses = 0

        self._methods: dict[str, tuple[str, Callable[[JSONDict, dict], Awaitable[Any]]]] = {}
        for name, handler in {
            "getMe": self._m_get_me,
            "getUpdates": self._m_get_updates,
            "deleteWebhook": self._m_delete_webhook,
            "setWebhook": self._m_set_webhook,
            "getWebhookInfo": self._m_get_webhook_info,
            "sendMessage": self._m_send_message,
            "editMessageText": self._m_edit_message_text,
            "editMessageCaption": self._m_edit_message_caption,
            "editMessageReplyMarkup": self._m_edit_message_reply_markup,
            "deleteMessage": self._m_delete_message,
            "answerCallbackQuery": self._m_answer_callback_query,
            "sendDocument": self._m_send_document,
            "sendPhoto": self._m_send_photo,
            "answerInlineQuery": self._m_answer_inline_query,
            "setMyCommands": self._m_set_my_commands,
            "getMyCommands": self._m_get_my_commands,
            "deleteMyCommands": self._m_delete_my_commands,
            "setChatMenuButton": self._m_set_chat_menu_button,
            "getChatMenuButton": self._m_get_chat_menu_button,
            "sendChatAction": self._m_send_chat_action,
            "getChat": self._m_get_chat,
            "getFile": self._m_get_file,
            "close": self._m_true,
            "logOut": self._m_true,
        }.items():
            self._methods[name.lower()] = (name, handler)

    # ---------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        """Value for ``Bot(base_url=...)`` / ``ApplicationBuilder().base_url(...)``."""
        return f"http://{self.host}:{self._require_port()}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for ``Bot(base_file_url=...)`` / ``ApplicationBuilder().base_file_url(...)``."""
        return f"http://{self.host}:{self._require_port()}/file/bot"

    @property
    def url(self) -> str:
        """Root URL of the server, e.g. ``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self._require_port()}"

    def _require_port(self) -> int:
        if self.port is None:
            raise RuntimeError("FakeBotApi is not started")
        return self.port

    async def start(self) -> FakeBotApi:
        """Bind the socket and start serving in the running event loop."""
        if self._runner is not None:
            raise RuntimeError("FakeBotApi already started")
        self._loop = asyncio.get_running_loop()
        self._calls_cond = asyncio.Condition()
        self._updates_event = asyncio.Event()
        self._closing = False
        app = web.Application(client_max_size=self.max_upload_bytes)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/_fake/{action}", self._handle_control)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._requested_port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = runner.addresses[0][1]
        LOGGER.info("Fake Bot API listening on %s", self.url)
        return self

    async def stop(self) -> None:
        """Release pending long polls and shut the server down."""
        if self._runner is None:
            return
        self._closing = True
        self._wake_pollers()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ---------------------------------------------------------------- configuration

    def set_rate_limit(
        self, per_s: float | None = None, per_chat_per_s: float | None = None
    ) -> None:
        """(Re)configure flood control; ``None`` disables the respective limit."""
        self._global_window = _SlidingWindow(per_s) if per_s else None
        self._per_chat_limit = per_chat_per_s or None
        self._chat_windows.clear()

    def block_chat(self, chat_id: int | str) -> None:
        """Sending to/editing in ``chat_id`` fails with ``403 Forbidden: bot was blocked``."""
        self._blocked.add(_normalize_chat_id(chat_id))

    def unblock_chat(self, chat_id: int | str) -> None:
        """Undo :meth:`block_chat`."""
        self._blocked.discard(_normalize_chat_id(chat_id))

    def fail_next(
        self,
        method: str,
        error_code: int = 400,
        description: str = "Bad Request: injected failure",
        retry_after: int | None = None,
        count: int = 1,
        chat_id: int | str | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``method`` (``"*"`` = any) fail with this error.

        Args:
            method: Bot API method name (case-insensitive) or ``"*"``.
            error_code: Error code / HTTP status, e.g. 400, 403, 429, 500, 502.
            description: Error description.
            retry_after: Adds ``parameters.retry_after`` (PTB raises ``RetryAfter``).
            count: Number of calls that fail.
            chat_id: Only fail calls targeting this chat.
        """
        self._fail_rules.append(
            _FailRule(
                method.lower(), error_code, description, retry_after, count,
                _normalize_chat_id(chat_id),
            )
        )

    def register_method(self, name: str, handler: MethodHandler) -> None:
        """Implement an additional Bot API method.

        ``handler(params, files)`` returns the ``result`` (or an awaitable of it) and may raise
        :class:`BotApiError`.
        """
        self._custom_methods[name.lower()] = (name, handler)

    # ---------------------------------------------------------------- recorded calls

    def calls(
        self,
        method: str | None = None,
        chat_id: int | str | None = None,
        *,
        ok: bool | None = None,
    ) -> list[ApiCall]:
        """Recorded calls in order, optionally filtered by method, chat and success."""
        return [c for c in self._calls if self._matches(c, method, chat_id, ok)]

    @staticmethod
    def _matches(
        call: ApiCall, method: str | None, chat_id: int | str | None, ok: bool | None
    ) -> bool:
        if method is not None and call.method.lower() != method.lower():
            return False
        if chat_id is not None and call.chat_id != _normalize_chat_id(chat_id):
            return False
        return ok is None or call.ok == ok

    def sent_messages(self, chat_id: int | str | None = None) -> list[ApiCall]:
        """Successful sendMessage, sendDocument, sendPhoto and editMessageText calls."""
        kinds = {"sendmessage", "senddocument", "sendphoto", "editmessagetext"}
        return [
            c
            for c in self._calls
            if c.ok and c.method.lower() in kinds and self._matches(c, None, chat_id, None)
        ]

    def sent_texts(self, chat_id: int | str | None = None) -> list[str]:
        """Texts/captions of :meth:`sent_messages`."""
        return [c.text for c in self.sent_messages(chat_id) if c.text is not None]

    def last_message(self, chat_id: int | str | None = None) -> ApiCall | None:
        """The most recent entry of :meth:`sent_messages`."""
        messages = self.sent_messages(chat_id)
        return messages[-1] if messages else None

    def clear(self) -> None:
        """Forget recorded calls (updates, messages and configuration are kept)."""
        self._calls.clear()
        self._clear_generation += 1

    async def wait_for(self, predicate: Predicate, timeout: float = 10.0) -> Any:
        """Wait until ``predicate()`` is truthy; re-evaluated after every recorded call
        (and whenever a ``getUpdates`` long poll starts waiting).

        Returns the predicate's value. Raises ``TimeoutError`` after ``timeout`` seconds.
        """
        cond = self._require_cond()
        async with cond:
            try:
                return await asyncio.wait_for(cond.wait_for(predicate), timeout)
            except (asyncio.TimeoutError, TimeoutError):
                raise TimeoutError(
                    f"condition not met within {timeout}s; last calls: {self._summary()}"
                ) from None

    async def wait_for_calls(
        self,
        method: str,
        count: int = 1,
        chat_id: int | str | None = None,
        timeout: float = 10.0,
        *,
        ok: bool | None = None,
    ) -> list[ApiCall]:
        """Wait until at least ``count`` matching calls are recorded; return all matches."""
        predicate = self._calls_predicate(method, count, chat_id, ok)
        try:
            return await self.wait_for(predicate, timeout)
        except TimeoutError:
            found = len(self.calls(method, chat_id, ok=ok))
            raise TimeoutError(
                f"expected {count} {method} call(s) (chat_id={chat_id}) within {timeout}s, "
                f"got {found}; last calls: {self._summary()}"
            ) from None

    def _calls_predicate(
        self, method: str, count: int, chat_id: int | str | None, ok: bool | None
    ) -> Callable[[], list[ApiCall] | None]:
        """Incremental predicate: scans only calls recorded since its last evaluation."""
        state = {"pos": 0, "generation": self._clear_generation}
        matched: list[ApiCall] = []

        def predicate() -> list[ApiCall] | None:
            if state["generation"] != self._clear_generation:
                state["pos"], state["generation"] = 0, self._clear_generation
                matched.clear()
            calls = self._calls
            while state["pos"] < len(calls):
                call = calls[state["pos"]]
                state["pos"] += 1
                if self._matches(call, method, chat_id, ok):
                    matched.append(call)
            return list(matched) if len(matched) >= count else None

        return predicate

    def _summary(self, last: int = 8) -> str:
        items = [
            f"{c.method}(chat_id={c.chat_id}){'' if c.ok else f' -> {c.error_code}'}"
            for c in self._calls[-last:]
        ]
        return ", ".join(items) or "none"

    def _require_cond(self) -> asyncio.Condition:
        if self._calls_cond is None:
            raise RuntimeError("FakeBotApi is not started")
        return self._calls_cond

    # ---------------------------------------------------------------- state accessors

    @property
    def bot_user(self) -> JSONDict:
        """The ``User`` object of the fake bot."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    @property
    def waiting_pollers(self) -> int:
        """Number of ``getUpdates`` requests currently blocked in long polling.

        :meth:`wait_for` predicates are also re-evaluated whenever a poller starts waiting, so
        ``await api.wait_for(lambda: api.waiting_pollers > 0)`` waits until the bot polls.
        """
        return self._waiting_pollers

    @property
    def held_responses(self) -> int:
        """Number of requests that arrived and whose response is being delayed (latency).

        ``wait_for`` predicates are re-evaluated when a response starts being held, so a test can
        wait until every in-flight request of the bot has reached the server.
        """
        return self._held_responses

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by a ``getUpdates`` offset."""
        return list(self._updates)

    def pushed_at(self, update_id: int) -> float | None:
        """``time.monotonic()`` at which the update was pushed (for latency benchmarks)."""
        return self._pushed_at.get(update_id)

    def get_message(self, chat_id: int | str, message_id: int) -> JSONDict | None:
        """The current state of a message known to the server (sent, edited or pushed)."""
        msg = self._messages.get((self._resolve_chat_id(chat_id), message_id))
        return copy.deepcopy(msg) if msg is not None else None

    def get_file(self, file_id: str) -> StoredFile | None:
        """A stored file by ``file_id``."""
        return self._files.get(file_id)

    def commands(
        self, scope: JSONDict | None = None, language_code: str = ""
    ) -> list[JSONDict]:
        """Commands set with ``setMyCommands`` for the scope/language."""
        return list(self._commands.get(self._commands_key(scope, language_code), []))

    # ---------------------------------------------------------------- update injection

    def push_update(self, update: Mapping[str, Any]) -> JSONDict:
        """Queue a raw update; ``update_id`` is assigned if missing. Returns the update."""
        data = dict(update)
        if "update_id" not in data:
            data["update_id"] = self._next_update_id
        self._next_update_id = max(self._next_update_id, int(data["update_id"]) + 1)
        self._updates.append(data)
        self._pushed_at[data["update_id"]] = time.monotonic()
        self._wake_pollers()
        return data

    def push_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        language_code: str | None = "de",
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        chat_type: str | None = None,
        reply_to_message: JSONDict | int | None = None,
        entities: list[JSONDict] | None = None,
    ) -> JSONDict:
        """Queue a text message from a user.

        Entities for a leading ``/command`` and ``@mentions`` are detected automatically unless
        ``entities`` is given. ``chat_type`` defaults to ``private`` for positive and ``group``
        (``supergroup`` for ``-100…`` ids) for negative chat ids. ``reply_to_message`` may be a
        message dict or the id of a message known to the server.
        """
        extra: JSONDict = {"text": text}
        detected = _detect_entities(text) if entities is None else entities
        if detected:
            extra["entities"] = detected
        return self._push_user_message(
            chat_id, extra, user_id=user_id, language_code=language_code,
            first_name=first_name, last_name=last_name, username=username,
            chat_type=chat_type, reply_to_message=reply_to_message,
        )

    def push_callback(
        self,
        chat_id: int,
        data: str,
        message_id: int,
        *,
        user_id: int | None = None,
        language_code: str | None = "de",
        first_name: str = "Test",
        chat_type: str | None = None,
    ) -> JSONDict:
        """Queue a ``callback_query`` for a button press on message ``message_id``.

        If the server knows the message (e.g. the bot sent it), its current state is embedded;
        otherwise a minimal bot message is synthesised.
        """
        chat = self._chat_obj(chat_id, chat_type)
        user = self._user_obj(
            self._default_user_id(chat_id, user_id), first_name, language_code
        )
        message = self._messages.get((chat["id"], message_id))
        if message is None:
            message = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": chat,
                "from": self.bot_user,
            }
        query = {
            "id": str(4_000_000_000_000_000 + next(self._query_counter)),
            "from": user,
            "message": copy.deepcopy(message),
            "chat_instance": str(-7_000_000_000_000_000 - abs(chat["id"])),
            "data": data,
        }
        return self.push_update({"callback_query": query})

    def push_inline_query(
        self,
        user_id: int,
        query: str,
        *,
        offset: str = "",
        language_code: str | None = "de",
        first_name: str = "Test",
        chat_type: str | None = "sender",
    ) -> JSONDict:
        """Queue an ``inline_query`` from ``user_id``."""
        inline: JSONDict = {
            "id": str(5_000_000_000_000_000 + next(self._query_counter)),
            "from": self._user_obj(user_id, first_name, language_code),
            "query": query,
            "offset": offset,
        }
        if chat_type:
            inline["chat_type"] = chat_type
        return self.push_update({"inline_query": inline})

    def push_sticker(
        self,
        chat_id: int,
        *,
        emoji: str = "\U0001f44d",
        user_id: int | None = None,
        language_code: str | None = "de",
        first_name: str = "Test",
        chat_type: str | None = None,
    ) -> JSONDict:
        """Queue a (static) sticker message."""
        n = next(self._file_counter)
        sticker = {
            "file_id": f"CAACAgIAAxkBFAKE-sticker-{n}",
            "file_unique_id": f"AgADsticker{n}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": 12345,
        }
        return self._push_user_message(
            chat_id, {"sticker": sticker}, user_id=user_id, language_code=language_code,
            first_name=first_name, chat_type=chat_type,
        )

    def push_photo(
        self,
        chat_id: int,
        content: bytes = b"\xff\xd8\xff\xe0FAKEJPEG",
        *,
        caption: str | None = None,
        user_id: int | None = None,
        language_code: str | None = "de",
        first_name: str = "Test",
        chat_type: str | None = None,
    ) -> JSONDict:
        """Queue a photo message; the bot can download ``content`` via ``getFile``."""
        extra: JSONDict = {"photo": self._photo_sizes(content, "image/jpeg", "photo.jpg")}
        if caption is not None:
            extra["caption"] = caption
        return self._push_user_message(
            chat_id, extra, user_id=user_id, language_code=language_code,
            first_name=first_name, chat_type=chat_type,
        )

    def push_document(
        self,
        chat_id: int,
        content: bytes,
        file_name: str = "document.txt",
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        user_id: int | None = None,
        language_code: str | None = "de",
        first_name: str = "Test",
        chat_type: str | None = None,
    ) -> JSONDict:
        """Queue a document message; the bot can download ``content`` via ``getFile``."""
        mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        stored = self._store_file("documents", content, file_name, mime)
        extra: JSONDict = {"document": self._document_obj(stored)}
        if caption is not None:
            extra["caption"] = caption
        return self._push_user_message(
            chat_id, extra, user_id=user_id, language_code=language_code,
            first_name=first_name, chat_type=chat_type,
        )

    def push_voice(
        self,
        chat_id: int,
        content: bytes = b"OggSFAKEVOICE",
        *,
        duration: int = 2,
        user_id: int | None = None,
        language_code: str | None = "de",
        first_name: str = "Test",
        chat_type: str | None = None,
    ) -> JSONDict:
        """Queue a voice message."""
        stored = self._store_file("voice", content, "voice.oga", "audio/ogg")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(content),
        }
        return self._push_user_message(
            chat_id, {"voice": voice}, user_id=user_id, language_code=language_code,
            first_name=first_name, chat_type=chat_type,
        )

    def push_location(
        self,
        chat_id: int,
        latitude: float = 52.52,
        longitude: float = 13.405,
        *,
        user_id: int | None = None,
        language_code: str | None = "de",
        first_name: str = "Test",
        chat_type: str | None = None,
    ) -> JSONDict:
        """Queue a location message."""
        return self._push_user_message(
            chat_id, {"location": {"latitude": latitude, "longitude": longitude}},
            user_id=user_id, language_code=language_code, first_name=first_name,
            chat_type=chat_type,
        )

    def push_edited_text(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        *,
        user_id: int | None = None,
        language_code: str | None = "de",
        first_name: str = "Test",
        chat_type: str | None = None,
    ) -> JSONDict:
        """Queue an ``edited_message`` update for a previously pushed user message."""
        chat = self._chat_obj(chat_id, chat_type)
        user = self._user_obj(
            self._default_user_id(chat_id, user_id), first_name, language_code
        )
        old = self._messages.get((chat["id"], message_id))
        msg: JSONDict = {
            "message_id": message_id,
            "date": old["date"] if old else int(time.time()) - 60,
            "edit_date": int(time.time()),
            "chat": chat,
            "from": user,
            "text": text,
        }
        detected = _detect_entities(text)
        if detected:
            msg["entities"] = detected
        self._messages[(chat["id"], message_id)] = msg
        return self.push_update({"edited_message": copy.deepcopy(msg)})

    def _push_user_message(
        self,
        chat_id: int,
        extra: JSONDict,
        *,
        user_id: int | None,
        language_code: str | None,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        chat_type: str | None = None,
        reply_to_message: JSONDict | int | None = None,
    ) -> JSONDict:
        user = self._user_obj(
            self._default_user_id(chat_id, user_id), first_name, language_code,
            last_name=last_name, username=username,
        )
        chat = self._chat_obj(chat_id, chat_type, user=user)
        message: JSONDict = {
            "message_id": self._next_message_id(chat["id"]),
            "from": user,
            "chat": chat,
            "date": int(time.time()),
            **extra,
        }
        reply = self._resolve_reply(chat["id"], reply_to_message)
        if reply is not None:
            message["reply_to_message"] = reply
        self._messages[(chat["id"], message["message_id"])] = message
        return self.push_update({"message": copy.deepcopy(message)})

    def _wake_pollers(self) -> None:
        event = self._updates_event
        if event is not None:
            self._updates_event = asyncio.Event()
            event.set()

    # ---------------------------------------------------------------- object builders

    @staticmethod
    def _default_user_id(chat_id: int, user_id: int | None) -> int:
        if user_id is not None:
            return user_id
        return chat_id if chat_id > 0 else DEFAULT_GROUP_USER_ID

    def _user_obj(
        self,
        user_id: int,
        first_name: str = "Test",
        language_code: str | None = "de",
        *,
        last_name: str | None = None,
        username: str | None = None,
    ) -> JSONDict:
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        return dict(user)

    def _resolve_chat_id(self, chat_id: Any) -> int:
        normalized = _normalize_chat_id(chat_id)
        if isinstance(normalized, int):
            return normalized
        if isinstance(normalized, str) and normalized.startswith("@"):
            name = normalized[1:].lower()
            if name not in self._named_chats:
                self._named_chats[name] = -1_001_000_000_000 - len(self._named_chats) - 1
                self._chats[self._named_chats[name]] = {
                    "id": self._named_chats[name], "type": "channel", "title": normalized[1:],
                    "username": normalized[1:],
                }
            return self._named_chats[name]
        raise BotApiError(400, "Bad Request: chat not found")

    def _chat_obj(
        self, chat_id: Any, chat_type: str | None = None, *, user: JSONDict | None = None
    ) -> JSONDict:
        cid = self._resolve_chat_id(chat_id)
        known = self._chats.get(cid)
        if known is not None and (chat_type is None or known["type"] == chat_type):
            return dict(known)
        if chat_type is None:
            chat_type = "private" if cid > 0 else (
                "supergroup" if cid <= -1_000_000_000_000 else "group"
            )
        chat: JSONDict = {"id": cid, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = (user or {}).get("first_name", "Test")
            if user and user.get("username"):
                chat["username"] = user["username"]
        else:
            chat["title"] = "Test Group" if chat_type in ("group", "supergroup") else "Test Channel"
        self._chats[cid] = chat
        return dict(chat)

    def _next_message_id(self, chat_id: int) -> int:
        value = self._message_ids.get(chat_id, 0) + 1
        self._message_ids[chat_id] = value
        return value

    def _resolve_reply(self, chat_id: int, reply: JSONDict | int | None) -> JSONDict | None:
        if reply is None:
            return None
        if isinstance(reply, dict):
            return copy.deepcopy(reply)
        stored = self._messages.get((chat_id, int(reply)))
        if stored is None:
            return {
                "message_id": int(reply),
                "date": int(time.time()),
                "chat": self._chat_obj(chat_id),
                "from": self.bot_user,
            }
        stored = copy.deepcopy(stored)
        stored.pop("reply_to_message", None)
        return stored

    def _store_file(
        self, folder: str, content: bytes | None, file_name: str | None, mime_type: str | None
    ) -> StoredFile:
        n = next(self._file_counter)
        ext = ""
        if file_name and "." in file_name:
            ext = file_name.rsplit(".", 1)[1]
        elif mime_type:
            ext = (mimetypes.guess_extension(mime_type) or "").lstrip(".")
        stored = StoredFile(
            file_id=f"BQACAgIAAxkBFAKE-{folder}-{n}",
            file_unique_id=f"AgADfake{n}",
            file_path=f"{folder}/file_{n}{'.' + ext if ext else ''}",
            file_name=file_name,
            mime_type=mime_type,
            content=content,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    @staticmethod
    def _document_obj(stored: StoredFile) -> JSONDict:
        doc: JSONDict = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        if stored.file_name:
            doc["file_name"] = stored.file_name
        if stored.mime_type:
            doc["mime_type"] = stored.mime_type
        if stored.content is not None:
            doc["file_size"] = len(stored.content)
        return doc

    def _photo_sizes(self, content: bytes | None, mime: str, name: str) -> list[JSONDict]:
        sizes = []
        for width, height in ((90, 68), (800, 600)):
            stored = self._store_file("photos", content, name, mime)
            size: JSONDict = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": width,
                "height": height,
            }
            if content is not None:
                size["file_size"] = len(content)
            sizes.append(size)
        return sizes

    # ---------------------------------------------------------------- HTTP handlers

    async def _parse_request(
        self, request: web.Request
    ) -> tuple[JSONDict, dict[str, tuple[str, bytes]], dict[str, str | None]]:
        params: JSONDict = {}
        files: dict[str, tuple[str, bytes]] = {}
        mimes: dict[str, str | None] = {}
        for key, value in request.query.items():
            params[key] = _decode_param(key, value, from_form=True)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise BotApiError(400, "Bad Request: can't parse JSON request") from None
                if not isinstance(body, dict):
                    raise BotApiError(400, "Bad Request: JSON object expected")
                for key, value in body.items():
                    params[key] = _decode_param(key, value, from_form=False)
            else:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = (value.filename or key, value.file.read())
                        mimes[key] = value.content_type
                    else:
                        params[key] = _decode_param(key, value, from_form=True)
        return params, files, mimes

    @staticmethod
    def _json(payload: JSONDict, status: int = 200) -> web.Response:
        return web.json_response(payload, status=status)

    async def _handle_api(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            error = BotApiError(401, "Unauthorized")
            await self._record(ApiCall(method, {}, {}, arrived, False, None, 401, "Unauthorized"))
            return self._json(error.to_payload(), 401)
        canonical = self._canonical_name(method)
        params: JSONDict = {}
        files: dict[str, tuple[str, bytes]] = {}
        record = canonical.lower() != "getupdates" or self.record_get_updates
        try:
            params, files, mimes = await self._parse_request(request)
            _REQUEST_MIMES.set(mimes)
            result = await self._dispatch(canonical, params, files)
        except Exception as exc:
            if not isinstance(exc, BotApiError):
                LOGGER.exception("fake Bot API handler for %s failed", canonical)
                exc = BotApiError(500, f"Internal Server Error: {exc!r}")
            call = ApiCall(
                canonical, params, files, arrived, False, None, exc.error_code, exc.description
            )
            if record:
                await self._record(call)
            await self._delay(canonical)
            return self._json(exc.to_payload(), exc.error_code)
        if record:
            await self._record(ApiCall(canonical, params, files, arrived, True, result))
        await self._delay(canonical)
        return self._json({"ok": True, "result": result})

    def _canonical_name(self, method: str) -> str:
        entry = self._custom_methods.get(method.lower()) or self._methods.get(method.lower())
        return entry[0] if entry else method

    async def _delay(self, method: str) -> None:
        delay = self.method_latency.get(method, self.latency)
        if delay > 0:
            self._held_responses += 1
            try:
                await self._notify()
                await asyncio.sleep(delay)
            finally:
                self._held_responses -= 1

    async def _record(self, call: ApiCall) -> None:
        self._calls.append(call)
        LOGGER.debug(
            "%s %s -> %s", call.method, call.params, "ok" if call.ok else call.error_code
        )
        await self._notify()

    async def _notify(self) -> None:
        """Wake :meth:`wait_for` waiters so that they re-evaluate their predicates."""
        cond = self._require_cond()
        async with cond:
            cond.notify_all()

    async def _dispatch(
        self, method: str, params: JSONDict, files: dict[str, tuple[str, bytes]]
    ) -> Any:
        lower = method.lower()
        entry = self._custom_methods.get(lower) or self._methods.get(lower)
        if entry is None:
            raise BotApiError(404, "Not Found: method not found")
        chat_id = _normalize_chat_id(params.get("chat_id"))
        for rule in self._fail_rules:
            if rule.method in ("*", lower) and (rule.chat_id is None or rule.chat_id == chat_id):
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self._fail_rules.remove(rule)
                raise BotApiError(rule.error_code, rule.description, rule.retry_after)
        targets_chat = lower.startswith(("send", "edit")) or lower in (
            "copymessage", "forwardmessage", "copymessages", "forwardmessages",
        )
        if targets_chat and chat_id is not None and chat_id in self._blocked:
            if isinstance(chat_id, int) and chat_id > 0:
                raise BotApiError(403, "Forbidden: bot was blocked by the user")
            raise BotApiError(403, "Forbidden: bot was kicked from the group chat")
        self._check_flood(lower, chat_id)
        result = entry[1](params, files)
        if inspect.isawaitable(result):
            result = await result
        return result

    def _check_flood(self, lower: str, chat_id: Any) -> None:
        if self._rate_limited_methods is not None:
            limited = lower in self._rate_limited_methods
        else:
            limited = lower.startswith("send") or lower in (
                "copymessage", "forwardmessage", "copymessages", "forwardmessages",
            )
        if not limited:
            return
        now = time.monotonic()
        chat_window = None
        if self._per_chat_limit and chat_id is not None:
            chat_window = self._chat_windows.get(chat_id)
            if chat_window is None:
                chat_window = self._chat_windows[chat_id] = _SlidingWindow(self._per_chat_limit)
            wait = chat_window.check(now)
            if wait is not None:
                raise BotApiError(429, f"Too Many Requests: retry after {wait}", wait)
        if self._global_window is not None:
            wait = self._global_window.check(now)
            if wait is not None:
                raise BotApiError(429, f"Too Many Requests: retry after {wait}", wait)
            self._global_window.add(now)
        if chat_window is not None:
            chat_window.add(now)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._json(BotApiError(401, "Unauthorized").to_payload(), 401)
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None:
            return self._json(BotApiError(404, "Not Found").to_payload(), 404)
        return web.Response(
            body=stored.content or b"",
            content_type=stored.mime_type or "application/octet-stream",
        )

    _CONTROL_ACTIONS = frozenset(
        {
            "push_text", "push_callback", "push_inline_query", "push_update", "push_sticker",
            "push_photo", "push_edited_text", "push_location", "block_chat", "unblock_chat",
            "fail_next", "clear", "set_rate_limit",
        }
    )

    async def _handle_control(self, request: web.Request) -> web.Response:
        """Tiny JSON control API for manual use (``python -m tests.fake_bot_api``)."""
        action = request.match_info["action"]
        if action == "calls" and request.method == "GET":
            selected = self.calls(request.query.get("method"), request.query.get("chat_id"))
            return self._json(
                {
                    "ok": True,
                    "result": [
                        {
                            "method": c.method,
                            "params": c.params,
                            "files": {k: [v[0], len(v[1])] for k, v in c.files.items()},
                            "ok": c.ok,
                            "error_code": c.error_code,
                            "description": c.description,
                        }
                        for c in selected
                    ],
                }
            )
        if action not in self._CONTROL_ACTIONS or request.method != "POST":
            return self._json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        try:
            kwargs = await request.json() if request.can_read_body else {}
        except ValueError:
            return self._json({"ok": False, "error_code": 400, "description": "bad JSON"}, 400)
        if action == "push_update":
            kwargs = {"update": kwargs}
        try:
            result = getattr(self, action)(**kwargs)
        except (TypeError, ValueError, BotApiError) as exc:
            return self._json({"ok": False, "error_code": 400, "description": str(exc)}, 400)
        return self._json({"ok": True, "result": result})

    # ---------------------------------------------------------------- Bot API methods

    async def _m_true(self, params: JSONDict, files: dict) -> bool:
        return True

    async def _m_get_me(self, params: JSONDict, files: dict) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _m_get_updates(self, params: JSONDict, files: dict) -> list[JSONDict]:
        offset = _as_int(params.get("offset"), 0, "offset")
        limit = min(max(_as_int(params.get("limit"), 100, "limit"), 1), 100)
        try:
            timeout = max(float(params.get("timeout") or 0), 0.0)
        except (TypeError, ValueError):
            raise BotApiError(400, "Bad Request: wrong parameter timeout specified") from None
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self._updates or self._closing:
                return copy.deepcopy(self._updates[:limit])
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            event = self._updates_event
            assert event is not None
            self._waiting_pollers += 1
            try:
                await self._notify()
                await asyncio.wait_for(event.wait(), remaining)
            except (asyncio.TimeoutError, TimeoutError):
                return []
            finally:
                self._waiting_pollers -= 1

    async def _m_delete_webhook(self, params: JSONDict, files: dict) -> bool:
        self._webhook_url = ""
        if _as_bool(params.get("drop_pending_updates", False)):
            self._updates.clear()
        return True

    async def _m_set_webhook(self, params: JSONDict, files: dict) -> bool:
        self._webhook_url = str(params.get("url", ""))
        if _as_bool(params.get("drop_pending_updates", False)):
            self._updates.clear()
        return True

    async def _m_get_webhook_info(self, params: JSONDict, files: dict) -> JSONDict:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _require(self, params: JSONDict, name: str) -> Any:
        value = params.get(name)
        if value is None or value == "":
            raise BotApiError(400, f"Bad Request: {name} is empty")
        return value

    def _formatted(
        self, params: JSONDict, text_key: str, entities_key: str, limit: int, kind: str
    ) -> tuple[str, list[JSONDict]]:
        raw = params.get(text_key)
        text = "" if raw is None else str(raw)
        entities = params.get(entities_key)
        if isinstance(entities, list):
            plain, parsed = text, entities
        elif self.parse_entities:
            plain, parsed = parse_entities(text, params.get("parse_mode"))
        else:
            plain, parsed = text, []
        if len(plain) > limit:
            raise BotApiError(400, f"Bad Request: message {kind} is too long"
                              if kind == "caption" else "Bad Request: message is too long")
        return plain, parsed

    @staticmethod
    def _inline_markup(params: JSONDict) -> JSONDict | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise BotApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise BotApiError(400, "Bad Request: can't parse inline keyboard button")
            for row in rows:
                for button in row:
                    if not isinstance(button, dict) or not button.get("text"):
                        raise BotApiError(400, "Bad Request: can't parse inline keyboard button")
                    data = button.get("callback_data")
                    if data is not None and not (
                        0 < len(str(data).encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
                    ):
                        raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            return markup
        if "keyboard" in markup:
            for row in markup["keyboard"]:
                for button in row:
                    if not (isinstance(button, str) and button) and not (
                        isinstance(button, dict) and button.get("text")
                    ):
                        raise BotApiError(400, "Bad Request: can't parse keyboard button")
        return None  # reply keyboards etc. are not part of the returned Message

    def _bot_message(self, params: JSONDict, extra: JSONDict) -> JSONDict:
        chat = self._chat_obj(self._require(params, "chat_id"))
        markup = self._inline_markup(params)
        message: JSONDict = {
            "message_id": self._next_message_id(chat["id"]),
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
            **extra,
        }
        reply_to = params.get("reply_to_message_id")
        reply_parameters = params.get("reply_parameters")
        if isinstance(reply_parameters, dict):
            reply_to = reply_parameters.get("message_id", reply_to)
        if reply_to is not None:
            message["reply_to_message"] = self._resolve_reply(chat["id"], int(reply_to))
        if params.get("message_thread_id") is not None:
            message["message_thread_id"] = _as_int(
                params["message_thread_id"], 0, "message_thread_id"
            )
        if markup is not None:
            message["reply_markup"] = markup
        self._messages[(chat["id"], message["message_id"])] = message
        return copy.deepcopy(message)

    async def _m_send_message(self, params: JSONDict, files: dict) -> JSONDict:
        self._require(params, "chat_id")
        text, entities = self._formatted(params, "text", "entities", MAX_MESSAGE_LENGTH, "text")
        if not text.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        extra: JSONDict = {"text": text}
        if entities:
            extra["entities"] = entities
        return self._bot_message(params, extra)

    def _caption_extra(self, params: JSONDict) -> JSONDict:
        if params.get("caption") is None:
            return {}
        caption, entities = self._formatted(
            params, "caption", "caption_entities", MAX_CAPTION_LENGTH, "caption"
        )
        extra: JSONDict = {"caption": caption}
        if entities:
            extra["caption_entities"] = entities
        return extra

    def _input_file(
        self, params: JSONDict, files: dict[str, tuple[str, bytes]], name: str, folder: str
    ) -> StoredFile:
        """Resolve an uploaded file, ``attach://`` reference, known file_id or URL."""
        value = params.get(name)
        key = name
        if isinstance(value, str) and value.startswith("attach://"):
            key = value[len("attach://") :]
        if key in files:
            filename, content = files[key]
            mime = _REQUEST_MIMES.get().get(key)
            if not mime or mime == "application/octet-stream":
                mime = mimetypes.guess_type(filename)[0] or mime or "application/octet-stream"
            return self._store_file(folder, content, filename, mime)
        if isinstance(value, str) and value:
            if value in self._files:
                return self._files[value]
            if value.startswith(("http://", "https://")):
                filename = value.rstrip("/").rsplit("/", 1)[-1] or "file"
                return self._store_file(folder, None, filename, mimetypes.guess_type(filename)[0])
            raise BotApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        raise BotApiError(400, f"Bad Request: there is no {name} in the request")

    async def _m_send_document(self, params: JSONDict, files: dict) -> JSONDict:
        self._require(params, "chat_id")
        stored = self._input_file(params, files, "document", "documents")
        extra = {"document": self._document_obj(stored), **self._caption_extra(params)}
        return self._bot_message(params, extra)

    async def _m_send_photo(self, params: JSONDict, files: dict) -> JSONDict:
        self._require(params, "chat_id")
        stored = self._input_file(params, files, "photo", "photos")
        extra = {
            "photo": self._photo_sizes(stored.content, stored.mime_type or "image/jpeg",
                                       stored.file_name or "photo.jpg"),
            **self._caption_extra(params),
        }
        return self._bot_message(params, extra)

    def _target_message(self, params: JSONDict, verb: str) -> JSONDict | None:
        """The stored message addressed by chat_id/message_id (None for inline messages)."""
        if params.get("inline_message_id"):
            return None
        chat = self._chat_obj(self._require(params, "chat_id"))
        message_id = _as_int(self._require(params, "message_id"), 0, "message_id")
        message = self._messages.get((chat["id"], message_id))
        if message is None:
            if self.strict_messages:
                raise BotApiError(400, f"Bad Request: message to {verb} not found")
            message = {
                "message_id": message_id,
                "from": self.bot_user,
                "chat": chat,
                "date": int(time.time()),
            }
            self._messages[(chat["id"], message_id)] = message
        return message

    @staticmethod
    def _not_modified() -> BotApiError:
        return BotApiError(
            400,
            "Bad Request: message is not modified: specified new message content and reply "
            "markup are exactly the same as a current content and reply markup of the message",
        )

    def _apply_edit(self, message: JSONDict | None, changes: JSONDict, params: JSONDict) -> Any:
        markup = self._inline_markup(params)
        if message is None:
            return True
        updated = {k: v for k, v in message.items() if k not in changes and k != "reply_markup"}
        updated.update({k: v for k, v in changes.items() if v not in (None, [])})
        if markup is not None:
            updated["reply_markup"] = markup
        keys = set(changes) | {"reply_markup"}
        if all(message.get(k) == updated.get(k) for k in keys):
            raise self._not_modified()
        updated["edit_date"] = int(time.time())
        message.clear()
        message.update(updated)
        return copy.deepcopy(message)

    async def _m_edit_message_text(self, params: JSONDict, files: dict) -> Any:
        message = self._target_message(params, "edit")
        text, entities = self._formatted(params, "text", "entities", MAX_MESSAGE_LENGTH, "text")
        if not text.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        if message is not None and "text" not in message and (
            set(message) & {"document", "photo", "caption"}
        ):
            raise BotApiError(400, "Bad Request: there is no text in the message to edit")
        return self._apply_edit(message, {"text": text, "entities": entities}, params)

    async def _m_edit_message_caption(self, params: JSONDict, files: dict) -> Any:
        message = self._target_message(params, "edit")
        extra = self._caption_extra(params)
        changes = {"caption": extra.get("caption"), "caption_entities": extra.get("caption_entities")}
        return self._apply_edit(message, changes, params)

    async def _m_edit_message_reply_markup(self, params: JSONDict, files: dict) -> Any:
        message = self._target_message(params, "edit")
        return self._apply_edit(message, {}, params)

    async def _m_delete_message(self, params: JSONDict, files: dict) -> bool:
        chat = self._chat_obj(self._require(params, "chat_id"))
        message_id = _as_int(self._require(params, "message_id"), 0, "message_id")
        removed = self._messages.pop((chat["id"], message_id), None)
        if removed is None and self.strict_messages:
            raise BotApiError(400, "Bad Request: message to delete not found")
        return True

    async def _m_answer_callback_query(self, params: JSONDict, files: dict) -> bool:
        self._require(params, "callback_query_id")
        if len(str(params.get("text") or "")) > 200:
            raise BotApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    async def _m_answer_inline_query(self, params: JSONDict, files: dict) -> bool:
        self._require(params, "inline_query_id")
        results = params.get("results")
        if not isinstance(results, list):
            raise BotApiError(400, "Bad Request: can't parse inline query results JSON object")
        if len(results) > 50:
            raise BotApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = [str(r.get("id", "")) for r in results if isinstance(r, dict)]
        if len(ids) != len(results) or any(not i for i in ids):
            raise BotApiError(400, "Bad Request: RESULT_ID_EMPTY")
        if len(set(ids)) != len(ids):
            raise BotApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
        return True

    @staticmethod
    def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
        scope = scope if isinstance(scope, dict) else {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(language_code or "")

    async def _m_set_my_commands(self, params: JSONDict, files: dict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise BotApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_RE.match(
                str(command.get("command", ""))
            ):
                raise BotApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise BotApiError(400, "Bad Request: command description is empty or too long")
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _m_get_my_commands(self, params: JSONDict, files: dict) -> list[JSONDict]:
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        return list(self._commands.get(key, []))

    async def _m_delete_my_commands(self, params: JSONDict, files: dict) -> bool:
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        self._commands.pop(key, None)
        return True

    async def _m_set_chat_menu_button(self, params: JSONDict, files: dict) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default", "commands", "web_app",
        ):
            raise BotApiError(400, "Bad Request: can't parse menu button JSON object")
        self._menu_buttons[_normalize_chat_id(params.get("chat_id"))] = button
        return True

    async def _m_get_chat_menu_button(self, params: JSONDict, files: dict) -> JSONDict:
        chat_id = _normalize_chat_id(params.get("chat_id"))
        button = self._menu_buttons.get(chat_id) or self._menu_buttons.get(None)
        if not button or button.get("type") == "default":
            return {"type": "commands"}
        return button

    async def _m_send_chat_action(self, params: JSONDict, files: dict) -> bool:
        self._chat_obj(self._require(params, "chat_id"))
        if params.get("action") not in _CHAT_ACTIONS:
            raise BotApiError(400, "Bad Request: wrong parameter action in request")
        return True

    async def _m_get_chat(self, params: JSONDict, files: dict) -> JSONDict:
        chat = self._chat_obj(self._require(params, "chat_id"))
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }

    async def _m_get_file(self, params: JSONDict, files: dict) -> JSONDict:
        stored = self._files.get(str(self._require(params, "file_id")))
        if stored is None:
            raise BotApiError(400, "Bad Request: invalid file_id")
        result: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_path": stored.file_path,
        }
        if stored.content is not None:
            result["file_size"] = len(stored.content)
        return result


# --------------------------------------------------------------------------------------------
# Background-thread variant
# --------------------------------------------------------------------------------------------


class FakeBotApiThread:
    """Runs a :class:`FakeBotApi` in a daemon thread with its own event loop.

    Use ``with FakeBotApiThread(token=...) as api:`` from synchronous code (e.g. tests that
    drive the bot in a subprocess). All helpers are blocking and thread-safe: they are
    executed inside the server's loop via :func:`asyncio.run_coroutine_threadsafe`. Helpers
    may also be called from within predicates passed to :meth:`wait_for` (which run inside
    the loop) without deadlocking.

    Accepts the same keyword arguments as :class:`FakeBotApi`. The underlying server is
    available as :attr:`api` (only touch it from the server thread).
    """

    def __init__(self, token: str = DEFAULT_TOKEN, **kwargs: Any) -> None:
        self.api = FakeBotApi(token, **kwargs)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._thread_ident: int | None = None

    # ---------------------------------------------------------------- lifecycle

    def start(self, timeout: float = 10.0) -> FakeBotApiThread:
        """Start the thread and wait until the server listens."""
        if self._thread is not None:
            raise RuntimeError("FakeBotApiThread already started")
        started: concurrent.futures.Future[None] = concurrent.futures.Future()
        loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(loop)
            self._thread_ident = threading.get_ident()
            try:
                loop.run_until_complete(self.api.start())
            except BaseException as exc:  # pragma: no cover - e.g. port in use
                started.set_exception(exc)
                loop.close()
                return
            started.set_result(None)
            try:
                loop.run_forever()
            finally:
                with contextlib.suppress(Exception):
                    loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="FakeBotApiThread", daemon=True)
        self._thread.start()
        try:
            started.result(timeout)
        except BaseException:
            self._thread.join(timeout)
            self._thread = None
            raise
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server and join the thread."""
        if self._thread is None or self._loop is None:
            return
        loop, thread = self._loop, self._thread
        try:
            asyncio.run_coroutine_threadsafe(self.api.stop(), loop).result(timeout)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout)
            self._thread = None

    def __enter__(self) -> FakeBotApiThread:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ---------------------------------------------------------------- plumbing

    def _in_loop_thread(self) -> bool:
        return threading.get_ident() == self._thread_ident

    def _call(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a synchronous ``FakeBotApi`` helper inside the server loop."""
        if self._in_loop_thread():
            return func(*args, **kwargs)
        if self._loop is None or self._thread is None:
            raise RuntimeError("FakeBotApiThread is not started")

        async def runner() -> Any:
            return func(*args, **kwargs)

        return asyncio.run_coroutine_threadsafe(runner(), self._loop).result(30)

    def _await(self, coro_factory: Callable[[], Awaitable[Any]], timeout: float) -> Any:
        if self._in_loop_thread():
            raise RuntimeError("blocking wait called from inside the server loop")
        if self._loop is None or self._thread is None:
            raise RuntimeError("FakeBotApiThread is not started")

        async def runner() -> Any:
            return await coro_factory()

        future = asyncio.run_coroutine_threadsafe(runner(), self._loop)
        try:
            return future.result(timeout + 5)
        except concurrent.futures.TimeoutError:  # pragma: no cover - safety net
            future.cancel()
            raise TimeoutError(f"no result within {timeout}s") from None

    # ---------------------------------------------------------------- properties

    @property
    def token(self) -> str:
        """The accepted bot token."""
        return self.api.token

    @property
    def port(self) -> int | None:
        """The TCP port (``None`` before start)."""
        return self.api.port

    @property
    def base_url(self) -> str:
        """Value for ``Bot(base_url=...)``."""
        return self.api.base_url

    @property
    def base_file_url(self) -> str:
        """Value for ``Bot(base_file_url=...)``."""
        return self.api.base_file_url

    @property
    def url(self) -> str:
        """Root URL of the server."""
        return self.api.url

    @property
    def bot_user(self) -> JSONDict:
        """The ``User`` object of the fake bot."""
        return self.api.bot_user

    # ---------------------------------------------------------------- blocking helpers

    def calls(
        self, method: str | None = None, chat_id: int | str | None = None, *,
        ok: bool | None = None,
    ) -> list[ApiCall]:
        """See :meth:`FakeBotApi.calls`."""
        return self._call(self.api.calls, method, chat_id, ok=ok)

    def sent_messages(self, chat_id: int | str | None = None) -> list[ApiCall]:
        """See :meth:`FakeBotApi.sent_messages`."""
        return self._call(self.api.sent_messages, chat_id)

    def sent_texts(self, chat_id: int | str | None = None) -> list[str]:
        """See :meth:`FakeBotApi.sent_texts`."""
        return self._call(self.api.sent_texts, chat_id)

    def last_message(self, chat_id: int | str | None = None) -> ApiCall | None:
        """See :meth:`FakeBotApi.last_message`."""
        return self._call(self.api.last_message, chat_id)

    def clear(self) -> None:
        """See :meth:`FakeBotApi.clear`."""
        self._call(self.api.clear)

    def wait_for(self, predicate: Predicate, timeout: float = 10.0) -> Any:
        """Blocking :meth:`FakeBotApi.wait_for`; ``predicate`` runs in the server thread."""
        return self._await(lambda: self.api.wait_for(predicate, timeout), timeout)

    def wait_for_calls(
        self,
        method: str,
        count: int = 1,
        chat_id: int | str | None = None,
        timeout: float = 10.0,
        *,
        ok: bool | None = None,
    ) -> list[ApiCall]:
        """Blocking :meth:`FakeBotApi.wait_for_calls`."""
        return self._await(
            lambda: self.api.wait_for_calls(method, count, chat_id, timeout, ok=ok), timeout
        )

    def push_update(self, update: Mapping[str, Any]) -> JSONDict:
        """See :meth:`FakeBotApi.push_update`."""
        return self._call(self.api.push_update, update)

    def push_text(self, chat_id: int, text: str, **kwargs: Any) -> JSONDict:
        """See :meth:`FakeBotApi.push_text`."""
        return self._call(self.api.push_text, chat_id, text, **kwargs)

    def push_callback(self, chat_id: int, data: str, message_id: int, **kwargs: Any) -> JSONDict:
        """See :meth:`FakeBotApi.push_callback`."""
        return self._call(self.api.push_callback, chat_id, data, message_id, **kwargs)

    def push_inline_query(self, user_id: int, query: str, **kwargs: Any) -> JSONDict:
        """See :meth:`FakeBotApi.push_inline_query`."""
        return self._call(self.api.push_inline_query, user_id, query, **kwargs)

    def push_sticker(self, chat_id: int, **kwargs: Any) -> JSONDict:
        """See :meth:`FakeBotApi.push_sticker`."""
        return self._call(self.api.push_sticker, chat_id, **kwargs)

    def push_photo(self, chat_id: int, *args: Any, **kwargs: Any) -> JSONDict:
        """See :meth:`FakeBotApi.push_photo`."""
        return self._call(self.api.push_photo, chat_id, *args, **kwargs)

    def push_document(self, chat_id: int, content: bytes, *args: Any, **kwargs: Any) -> JSONDict:
        """See :meth:`FakeBotApi.push_document`."""
        return self._call(self.api.push_document, chat_id, content, *args, **kwargs)

    def push_voice(self, chat_id: int, *args: Any, **kwargs: Any) -> JSONDict:
        """See :meth:`FakeBotApi.push_voice`."""
        return self._call(self.api.push_voice, chat_id, *args, **kwargs)

    def push_location(self, chat_id: int, *args: Any, **kwargs: Any) -> JSONDict:
        """See :meth:`FakeBotApi.push_location`."""
        return self._call(self.api.push_location, chat_id, *args, **kwargs)

    def push_edited_text(
        self, chat_id: int, message_id: int, text: str, **kwargs: Any
    ) -> JSONDict:
        """See :meth:`FakeBotApi.push_edited_text`."""
        return self._call(self.api.push_edited_text, chat_id, message_id, text, **kwargs)

    def block_chat(self, chat_id: int | str) -> None:
        """See :meth:`FakeBotApi.block_chat`."""
        self._call(self.api.block_chat, chat_id)

    def unblock_chat(self, chat_id: int | str) -> None:
        """See :meth:`FakeBotApi.unblock_chat`."""
        self._call(self.api.unblock_chat, chat_id)

    def fail_next(self, method: str, error_code: int = 400,
                  description: str = "Bad Request: injected failure",
                  retry_after: int | None = None, count: int = 1,
                  chat_id: int | str | None = None) -> None:
        """See :meth:`FakeBotApi.fail_next`."""
        self._call(
            self.api.fail_next, method, error_code, description, retry_after, count, chat_id
        )

    def set_rate_limit(
        self, per_s: float | None = None, per_chat_per_s: float | None = None
    ) -> None:
        """See :meth:`FakeBotApi.set_rate_limit`."""
        self._call(self.api.set_rate_limit, per_s, per_chat_per_s)

    def set_latency(self, seconds: float, method: str | None = None) -> None:
        """Delay responses (of one ``method`` or of all methods) by ``seconds``."""

        def apply() -> None:
            if method is None:
                self.api.latency = seconds
            else:
                self.api.method_latency[self.api._canonical_name(method)] = seconds

        self._call(apply)

    def register_method(self, name: str, handler: MethodHandler) -> None:
        """See :meth:`FakeBotApi.register_method` (``handler`` runs in the server thread)."""
        self._call(self.api.register_method, name, handler)

    def get_message(self, chat_id: int | str, message_id: int) -> JSONDict | None:
        """See :meth:`FakeBotApi.get_message`."""
        return self._call(self.api.get_message, chat_id, message_id)

    def get_file(self, file_id: str) -> StoredFile | None:
        """See :meth:`FakeBotApi.get_file`."""
        return self._call(self.api.get_file, file_id)

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """See :meth:`FakeBotApi.commands`."""
        return self._call(self.api.commands, scope, language_code)

    @property
    def pending_updates(self) -> list[JSONDict]:
        """See :attr:`FakeBotApi.pending_updates`."""
        return self._call(lambda: self.api.pending_updates)

    def pushed_at(self, update_id: int) -> float | None:
        """See :meth:`FakeBotApi.pushed_at`."""
        return self._call(self.api.pushed_at, update_id)

    @property
    def waiting_pollers(self) -> int:
        """See :attr:`FakeBotApi.waiting_pollers`."""
        return self._call(lambda: self.api.waiting_pollers)

    @property
    def held_responses(self) -> int:
        """See :attr:`FakeBotApi.held_responses`."""
        return self._call(lambda: self.api.held_responses)


# --------------------------------------------------------------------------------------------
# Command line entry point
# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """``python -m tests.fake_bot_api --port N --token T``: serve until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--rate-limit", type=float, default=None, help="global send*/s limit")
    parser.add_argument("--per-chat-rate-limit", type=float, default=None)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per response")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every call")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
    )

    async def serve() -> None:
        api = FakeBotApi(
            args.token, host=args.host, port=args.port, rate_limit_per_s=args.rate_limit,
            per_chat_rate_limit_per_s=args.per_chat_rate_limit, latency=args.latency,
        )
        async with api:
            print(f"base_url:      {api.base_url}", flush=True)
            print(f"base_file_url: {api.base_file_url}", flush=True)
            print(f"control:       POST {api.url}/_fake/push_text "
                  '{"chat_id": 1, "text": "/start"}  |  GET ' f"{api.url}/_fake/calls", flush=True)
            await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())


if __name__ == "__main__":
    main()
