"""Telegram's HTML ``parse_mode``: plain text plus entities (UTF-16 offsets), or the 400 error
Telegram answers for malformed markup."""

from __future__ import annotations

import re
from typing import Any

JSONDict = dict[str, Any]


class BotApiError(Exception):
    """An error answer of the Bot API (``error_code`` doubles as the HTTP status)."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(f"{error_code}: {description}")
        self.error_code, self.description, self.retry_after = error_code, description, retry_after

    def to_payload(self) -> JSONDict:
        payload: JSONDict = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.retry_after is not None:
            payload["parameters"] = {"retry_after": self.retry_after}
        return payload


def utf16_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


_LEADING_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b")


def detect_entities(text: str) -> list[JSONDict]:
    """Entities Telegram attaches to a user's message: a leading /command and @mentions."""
    entities: list[JSONDict] = []
    match = _LEADING_COMMAND.match(text)
    if match:
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(match.group())})
    for match in _MENTION.finditer(text):
        if entities and entities[0]["offset"] == 0 and match.start() < entities[0]["length"]:
            continue  # part of "/cmd@botname"
        entities.append({"type": "mention", "offset": utf16_len(text[: match.start()]),
                         "length": utf16_len(match.group())})
    return entities


_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
    "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote",
}


def _unescape(value: str) -> str:
    def replace(match: re.Match[str]) -> str:
        token = match.group(1)
        if token in _NAMED:
            return _NAMED[token]
        try:
            return chr(int(token[2:], 16) if token[1] in "xX" else int(token[1:]))
        except (ValueError, OverflowError):
            return match.group()

    return _ENTITY.sub(replace, value)


class _Html:
    """A small HTML scanner with Telegram's error messages."""

    def __init__(self, text: str) -> None:
        self.text, self.i = text, 0
        self.parts: list[str] = []
        self.u16 = 0
        self.entities: list[JSONDict] = []
        self.stack: list[JSONDict] = []

    def error(self, message: str, at: int | None = None) -> BotApiError:
        where = f" at byte offset {len(self.text[:at].encode())}" if at is not None else ""
        return BotApiError(400, f"Bad Request: can't parse entities: {message}{where}")

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.u16 += utf16_len(chunk)

    def name_at(self, j: int) -> int:
        while j < len(self.text) and (self.text[j].isalnum() or self.text[j] == "-"):
            j += 1
        return j

    def parse(self) -> tuple[str, list[JSONDict]]:
        text, n = self.text, len(self.text)
        while self.i < n:
            char = text[self.i]
            if char == "&":
                match = _ENTITY.match(text, self.i)
                self.add(_unescape(match.group()) if match else "&")
                self.i = match.end() if match else self.i + 1
            elif char != "<":
                j = self.i
                while j < n and text[j] not in "<&":
                    j += 1
                self.add(text[self.i : j])
                self.i = j
            elif text.startswith("</", self.i):
                self.end_tag()
            else:
                self.start_tag()
        if self.stack:
            raise self.error(f'Can\'t find end tag corresponding to start tag "{self.stack[-1]["tag"]}"')
        return "".join(self.parts), sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))

    def end_tag(self) -> None:
        begin, text = self.i, self.text
        j = self.name_at(self.i + 2)
        tag = text[self.i + 2 : j].lower()
        while j < len(text) and text[j].isspace():
            j += 1
        if j >= len(text) or text[j] != ">":
            raise self.error("Unclosed end tag", begin)
        self.i = j + 1
        if not self.stack:
            raise self.error("Unexpected end tag", begin)
        top = self.stack.pop()
        if tag != top["tag"]:
            raise self.error(f'Unmatched end tag, expected "</{top["tag"]}>", found "</{tag}>"', begin)
        length = self.u16 - top["offset"]
        if top["type"] and length > 0:
            self.entities.append({"type": top["type"], "offset": top["offset"], "length": length, **top["extra"]})

    def start_tag(self) -> None:
        begin, text, n = self.i, self.text, len(self.text)
        j = self.name_at(self.i + 1)
        tag = text[self.i + 1 : j].lower()
        if tag not in _TAGS:
            raise self.error(f'Unsupported start tag "{tag}"', begin)
        attrs: dict[str, str] = {}
        self.i = j
        while True:
            while self.i < n and text[self.i].isspace():
                self.i += 1
            if self.i >= n:
                raise self.error("Unclosed start tag", begin)
            if text[self.i] == ">":
                self.i += 1
                break
            k = self.i
            while k < n and not text[k].isspace() and text[k] not in "=>":
                k += 1
            name, self.i = text[self.i : k].lower(), k
            if not name:
                raise self.error(f'Empty attribute name in the tag "{tag}"', begin)
            if self.i >= n or text[self.i] != "=":
                attrs[name] = ""
                continue
            self.i += 1
            quote = text[self.i] if self.i < n else ""
            if quote in ("\"", "'"):
                end = text.find(quote, self.i + 1)
                if end == -1:
                    raise self.error("Unclosed start tag", begin)
                attrs[name], self.i = _unescape(text[self.i + 1 : end]), end + 1
            else:
                k = self.i
                while k < n and not text[k].isspace() and text[k] != ">":
                    k += 1
                attrs[name], self.i = _unescape(text[self.i : k]), k
        etype: str | None = _TAGS[tag]
        extra: JSONDict = {}
        if tag == "a":
            if attrs.get("href"):
                extra["url"] = attrs["href"]
            else:
                etype = None
        self.stack.append({"tag": tag, "type": etype, "offset": self.u16, "extra": extra})


def parse_entities(text: str, parse_mode: str | None) -> tuple[str, list[JSONDict]]:
    """Plain text and entities of ``text`` as the Bot API makes them (HTML or no parse mode)."""
    if not parse_mode:
        return text, []
    if parse_mode.lower() == "html":
        return _Html(text).parse()
    raise BotApiError(400, f"Bad Request: unsupported parse_mode in this fake: {parse_mode}")
