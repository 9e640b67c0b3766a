"""The fake Bot API server: records calls, long-polls ``getUpdates``, answers what the bot calls,
and injects failures (403 for blocked chats, 429 flood limits, one-shot errors, latency)."""

from __future__ import annotations

import asyncio
import collections
import copy
import json
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fake_bot_api.entities import BotApiError, JSONDict, parse_entities
from tests.fake_bot_api.updates import UpdateFactory, normalize_chat_id

log = logging.getLogger("fake_bot_api")

DEFAULT_TOKEN = "123456789:AAFakeTokenIKZAssistentTests-000000"
MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
Predicate = Callable[[], Any]
Method = Callable[[JSONDict, dict], Awaitable[Any]]
# Parameters that stay strings when they arrive as form fields (a text "42" is not the number 42).
_STRING_PARAMS = frozenset({"text", "caption", "query", "callback_query_id", "inline_query_id", "parse_mode",
                            "url", "description", "language_code", "action", "document", "file_id"})
_CHAT_ACTIONS = frozenset({"typing", "upload_photo", "upload_document", "find_location"})


@dataclass
class ApiCall:
    """One recorded Bot API request and what the server answered."""

    method: str
    params: JSONDict
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    time: float = field(default_factory=time.monotonic)
    ok: bool = True
    result: Any = None
    error_code: int | None = None
    description: str | None = None

    @property
    def chat_id(self) -> int | str | None:
        return normalize_chat_id(self.params.get("chat_id"))

    @property
    def text(self) -> str | None:
        value = self.params.get("text", self.params.get("caption"))
        return value if isinstance(value, str) else None

    def buttons(self) -> list[JSONDict]:
        markup = self.params.get("reply_markup") or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    def button_texts(self) -> list[str]:
        return [button["text"] for button in self.buttons()]

    def callback_data(self) -> list[str]:
        """All ``callback_data`` of the inline keyboard sent with this call."""
        return [button["callback_data"] for button in self.buttons() if "callback_data" in button]


class _SlidingWindow:
    """At most ``per_s`` events in any one-second window (Telegram's flood control)."""

    def __init__(self, per_s: float) -> None:
        self.window_s, self.max_events = (1.0 / per_s, 1) if per_s < 1 else (1.0, int(per_s))
        self._events: collections.deque[float] = collections.deque()

    def wait_s(self, now: float) -> int | None:
        while self._events and self._events[0] <= now - self.window_s:
            self._events.popleft()
        if len(self._events) >= self.max_events:
            return max(1, math.ceil(self._events[0] + self.window_s - now))
        self._events.append(now)
        return None


def _decode(name: str, value: Any, from_form: bool) -> Any:
    """Form fields come JSON-encoded (PTB); plain string parameters stay strings."""
    if not isinstance(value, str) or name in _STRING_PARAMS:
        return value
    if not from_form and not value.lstrip().startswith(("{", "[")):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _require(params: JSONDict, name: str) -> Any:
    value = params.get(name)
    if value is None or value == "":
        raise BotApiError(400, f"Bad Request: {name} is empty")
    return value


class FakeBotApi(UpdateFactory):
    """The fake server in the current event loop: ``async with FakeBotApi(token) as api: …``."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, host: str = "127.0.0.1", port: int = 0,
                 bot_username: str = "ikz_assistent_test_bot", rate_limit_per_s: float | None = None,
                 latency: float = 0.0, record_get_updates: bool = True) -> None:
        head = token.split(":", 1)[0]
        super().__init__(int(head) if head.isdigit() else 123456789, bot_username)
        self.token, self.host, self._requested_port = token, host, port
        self.port: int | None = None
        self.latency = latency
        self.method_latency: dict[str, float] = {}
        self.record_get_updates = record_get_updates
        self._flood: _SlidingWindow | None = None
        self.set_rate_limit(rate_limit_per_s)
        self._calls: list[ApiCall] = []
        self._blocked: set[Any] = set()
        self._failures: list[tuple[str, int, str, int | None]] = []
        self._runner: web.AppRunner | None = None
        self._cond: asyncio.Condition | None = None
        self._closing = False
        self.waiting_pollers = 0
        self.held_responses = 0
        self._methods: dict[str, Method] = {
            "getMe": self._get_me, "getUpdates": self._get_updates, "deleteWebhook": self._true,
            "close": self._true, "logOut": self._true, "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text, "editMessageReplyMarkup": self._edit_reply_markup,
            "answerCallbackQuery": self._answer_callback_query, "answerInlineQuery": self._answer_inline_query,
            "sendDocument": self._send_document, "sendPhoto": self._send_photo, "setMyCommands": self._set_my_commands,
            "sendChatAction": self._send_chat_action, "setWebhook": self._true,
        }

    # --- lifecycle ------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("FakeBotApi is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    async def start(self) -> FakeBotApi:
        self._cond = asyncio.Condition()
        self.updates_event = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._requested_port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner, self.port = runner, runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        """Release pending long polls and shut the server down."""
        if self._runner is None:
            return
        self._closing = True
        self.wake_pollers()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # --- failures -----------------------------------------------------------------------------------
    def set_rate_limit(self, per_s: float | None = None) -> None:
        """Flood limit of send* calls per second (``None``: none); beyond it a 429 with retry_after."""
        self._flood = _SlidingWindow(per_s) if per_s else None

    def set_latency(self, seconds: float, method: str | None = None) -> None:
        """Hold the answers (of one ``method``, or all) for ``seconds``."""
        if method is None:
            self.latency = seconds
        else:
            self.method_latency[method] = seconds

    def block_chat(self, chat_id: int | str) -> None:
        """Sending to ``chat_id`` fails with 403 (the user blocked the bot)."""
        self._blocked.add(normalize_chat_id(chat_id))

    def unblock_chat(self, chat_id: int | str) -> None:
        self._blocked.discard(normalize_chat_id(chat_id))

    def fail_next(self, method: str, error_code: int = 400, description: str = "Bad Request: injected failure",
                  retry_after: int | None = None) -> None:
        """The next call of ``method`` fails with this error (429 with ``retry_after`` like Telegram)."""
        self._failures.append((method.lower(), error_code, description, retry_after))

    # --- recorded calls -------------------------------------------------------------------------------
    def calls(self, method: str | None = None, chat_id: int | str | None = None, *,
              ok: bool | None = None) -> list[ApiCall]:
        """Recorded calls in order, filtered by method, chat and success."""
        wanted = normalize_chat_id(chat_id)
        return [c for c in self._calls if (method is None or c.method.lower() == method.lower())
                and (chat_id is None or c.chat_id == wanted) and (ok is None or c.ok == ok)]

    def sent_messages(self, chat_id: int | str | None = None) -> list[ApiCall]:
        """Successful sendMessage, sendDocument, sendPhoto and editMessageText calls."""
        kinds = {"sendmessage", "senddocument", "sendphoto", "editmessagetext"}
        return [c for c in self.calls(chat_id=chat_id, ok=True) if c.method.lower() in kinds]

    def sent_texts(self, chat_id: int | str | None = None) -> list[str]:
        return [c.text for c in self.sent_messages(chat_id) if c.text is not None]

    def last_message(self, chat_id: int | str | None = None) -> ApiCall | None:
        messages = self.sent_messages(chat_id)
        return messages[-1] if messages else None

    async def wait_for(self, predicate: Predicate, timeout: float = 10.0) -> Any:
        """Wait until ``predicate()`` is truthy (checked after every call and every new long poll)."""
        assert self._cond is not None, "FakeBotApi is not started"
        async with self._cond:
            try:
                return await asyncio.wait_for(self._cond.wait_for(predicate), timeout)
            except TimeoutError:
                last = ", ".join(f"{c.method}({c.chat_id}){'' if c.ok else c.error_code}" for c in self._calls[-8:])
                raise TimeoutError(f"condition not met within {timeout}s; last calls: {last}") from None

    async def wait_for_calls(self, method: str, count: int = 1, chat_id: int | str | None = None,
                             timeout: float = 10.0, *, ok: bool | None = None) -> list[ApiCall]:
        """Wait until ``count`` matching calls were recorded; returns all of them."""
        return await self.wait_for(lambda: (found := self.calls(method, chat_id, ok=ok)) and len(found) >= count
                                   and found, timeout)

    async def _notify(self) -> None:
        assert self._cond is not None
        async with self._cond:
            self._cond.notify_all()

    # --- HTTP ------------------------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        arrived, name = time.monotonic(), request.match_info["method"]
        method = next((m for m in self._methods if m.lower() == name.lower()), name)
        params: JSONDict = {}
        files: dict[str, tuple[str, bytes]] = {}
        try:
            if request.match_info["token"] != self.token:
                raise BotApiError(401, "Unauthorized")
            params, files = await self._read(request)
            result, answer = await self._dispatch(method, params, files), None
            call = ApiCall(method, params, files, arrived, True, result)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a Bot API error answer
            error = exc if isinstance(exc, BotApiError) else BotApiError(500, f"Internal Server Error: {exc!r}")
            if not isinstance(exc, BotApiError):
                log.exception("fake Bot API handler for %s failed", method)
            call = ApiCall(method, params, files, arrived, False, None, error.error_code, error.description)
            answer = web.json_response(error.to_payload(), status=error.error_code)
        if method != "getUpdates" or self.record_get_updates:
            self._calls.append(call)
            await self._notify()
        delay = self.method_latency.get(method, self.latency)
        if delay > 0:
            self.held_responses += 1
            try:
                await self._notify()
                await asyncio.sleep(delay)
            finally:
                self.held_responses -= 1
        return answer or web.json_response({"ok": True, "result": call.result})

    @staticmethod
    async def _read(request: web.Request) -> tuple[JSONDict, dict[str, tuple[str, bytes]]]:
        params: JSONDict = {k: _decode(k, v, True) for k, v in request.query.items()}
        files: dict[str, tuple[str, bytes]] = {}
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                params.update({k: _decode(k, v, False) for k, v in body.items()})
            else:
                for key, value in (await request.post()).items():
                    if isinstance(value, web.FileField):
                        files[key] = (value.filename or key, value.file.read())
                    else:
                        params[key] = _decode(key, value, True)
        return params, files

    async def _dispatch(self, method: str, params: JSONDict, files: dict) -> Any:
        handler = self._methods.get(method)
        if handler is None:
            raise BotApiError(404, "Not Found: method not found")
        for failure in self._failures:
            if failure[0] == method.lower():
                self._failures.remove(failure)
                raise BotApiError(*failure[1:])
        chat_id = normalize_chat_id(params.get("chat_id"))
        if method.startswith(("send", "edit")) and chat_id in self._blocked:
            raise BotApiError(403, "Forbidden: bot was blocked by the user")
        if method.startswith("send") and method != "sendChatAction" and self._flood is not None:
            wait = self._flood.wait_s(time.monotonic())
            if wait is not None:
                raise BotApiError(429, f"Too Many Requests: retry after {wait}", wait)
        return await handler(params, files)

    # --- methods ------------------------------------------------------------------------------------
    async def _true(self, params: JSONDict, files: dict) -> bool:
        return True

    async def _get_me(self, params: JSONDict, files: dict) -> JSONDict:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": True}

    async def _get_updates(self, params: JSONDict, files: dict) -> list[JSONDict]:
        offset, limit = int(params.get("offset") or 0), int(params.get("limit") or 100)
        if offset > 0:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while not (self.updates or self._closing):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            event = self.updates_event
            self.waiting_pollers += 1
            try:
                await self._notify()
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return []
            finally:
                self.waiting_pollers -= 1
        return copy.deepcopy(self.updates[:limit])

    def _text(self, params: JSONDict, key: str, limit: int) -> JSONDict:
        text, entities = parse_entities(str(params.get(key) or ""), params.get("parse_mode"))
        if len(text) > limit:
            raise BotApiError(400, f"Bad Request: message {'caption' if key == 'caption' else ''} is too long")
        extra: JSONDict = {key: text}
        if entities:
            extra["entities" if key == "text" else "caption_entities"] = entities
        return extra

    @staticmethod
    def _markup(params: JSONDict) -> JSONDict | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if not button.get("text") or (data is not None and not 0 < len(data.encode()) <= 64):
                    raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup if "inline_keyboard" in markup else None

    async def _send_message(self, params: JSONDict, files: dict) -> JSONDict:
        extra = self._text(params, "text", MAX_MESSAGE_LENGTH)
        if not extra["text"].strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        return self.bot_message(_require(params, "chat_id"), extra, self._markup(params), params.get("reply_parameters"))

    def _send_file(self, params: JSONDict, files: dict, field: str) -> JSONDict:
        name, content = files.get(field) or (None, None)
        if content is None:
            raise BotApiError(400, f"Bad Request: there is no {field} in the request")
        stored = {"file_id": f"BQACAgIAAxkBFAKE-{field}-{len(content)}", "file_unique_id": "AgADfake",
                  "file_size": len(content)}
        sent = {**stored, "file_name": name} if field == "document" else [{**stored, "width": 800, "height": 600}]
        caption = self._text(params, "caption", MAX_CAPTION_LENGTH) if params.get("caption") else {}
        return self.bot_message(_require(params, "chat_id"), {field: sent, **caption}, self._markup(params), None)

    async def _send_document(self, params: JSONDict, files: dict) -> JSONDict:
        return self._send_file(params, files, "document")

    async def _send_photo(self, params: JSONDict, files: dict) -> JSONDict:
        return self._send_file(params, files, "photo")

    def _edit(self, params: JSONDict, changes: JSONDict) -> JSONDict:
        key = (self.chat(_require(params, "chat_id"))["id"], int(_require(params, "message_id")))
        message = self.messages.setdefault(key, {"message_id": key[1], "from": self.bot_user,
                                                 "chat": self.chat(key[0]), "date": int(time.time())})
        markup = self._markup(params)
        updated = {k: v for k, v in message.items() if k not in changes and k != "reply_markup"}
        updated.update({k: v for k, v in changes.items() if v})
        if markup is not None:
            updated["reply_markup"] = markup
        if all(message.get(k) == updated.get(k) for k in {*changes, "reply_markup"}):
            raise BotApiError(400, "Bad Request: message is not modified: specified new message content and "
                                   "reply markup are exactly the same as a current content and reply markup")
        message.clear()
        message.update(updated, edit_date=int(time.time()))
        return copy.deepcopy(message)

    async def _edit_message_text(self, params: JSONDict, files: dict) -> JSONDict:
        extra = self._text(params, "text", MAX_MESSAGE_LENGTH)
        return self._edit(params, {"text": extra["text"], "entities": extra.get("entities")})

    async def _edit_reply_markup(self, params: JSONDict, files: dict) -> JSONDict:
        return self._edit(params, {})

    async def _answer_callback_query(self, params: JSONDict, files: dict) -> bool:
        _require(params, "callback_query_id")
        if len(str(params.get("text") or "")) > 200:
            raise BotApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    async def _answer_inline_query(self, params: JSONDict, files: dict) -> bool:
        _require(params, "inline_query_id")
        ids = [str(r.get("id", "")) for r in params.get("results") or []]
        if len(ids) > 50 or not all(ids) or len(set(ids)) != len(ids):
            raise BotApiError(400, "Bad Request: RESULT_ID_INVALID")
        return True

    async def _set_my_commands(self, params: JSONDict, files: dict) -> bool:
        for command in params.get("commands") or []:
            if not 1 <= len(command.get("command", "")) <= 32 or not 1 <= len(command.get("description", "")) <= 256:
                raise BotApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        return True

    async def _send_chat_action(self, params: JSONDict, files: dict) -> bool:
        _require(params, "chat_id")
        if params.get("action") not in _CHAT_ACTIONS:
            raise BotApiError(400, "Bad Request: wrong parameter action in request")
        return True
