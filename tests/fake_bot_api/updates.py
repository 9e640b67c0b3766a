"""The updates a test pushes (user messages, button presses, inline queries) and the server's
memory of chats and messages that they refer to."""

from __future__ import annotations

import asyncio
import copy
import itertools
import time
from typing import Any

from tests.fake_bot_api.entities import JSONDict, detect_entities

DEFAULT_GROUP_USER_ID = 424242


def normalize_chat_id(value: Any) -> int | str | None:
    """``"123"`` → 123; ``"@channel"`` and None stay."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


class UpdateFactory:
    """Builds Telegram ``Update`` JSON and queues it for ``getUpdates``."""

    def __init__(self, bot_id: int, bot_username: str) -> None:
        self.bot_id, self.bot_username = bot_id, bot_username
        self.updates: list[JSONDict] = []
        self.messages: dict[tuple[int, int], JSONDict] = {}
        self.updates_event: asyncio.Event | None = None
        self._next_update_id = 1
        self._pushed_at: dict[int, float] = {}
        self._message_ids: dict[int, int] = {}
        self._counter = itertools.count(1)

    @property
    def bot_user(self) -> JSONDict:
        return {"id": self.bot_id, "is_bot": True, "first_name": "IKZ-Assistent", "username": self.bot_username}

    def wake_pollers(self) -> None:
        event = self.updates_event
        if event is not None:
            self.updates_event = asyncio.Event()
            event.set()

    def push_update(self, update: JSONDict) -> JSONDict:
        """Queue a raw update (an ``update_id`` is assigned); returns it."""
        data = {"update_id": self._next_update_id, **update}
        self._next_update_id = int(data["update_id"]) + 1
        self.updates.append(data)
        self._pushed_at[data["update_id"]] = time.monotonic()
        self.wake_pollers()
        return data

    def pushed_at(self, update_id: int) -> float | None:
        """``time.monotonic()`` when the update was pushed (latency benchmarks)."""
        return self._pushed_at.get(update_id)

    def get_message(self, chat_id: int | str, message_id: int) -> JSONDict | None:
        """The current state of a message (sent, edited or pushed)."""
        message = self.messages.get((int(chat_id), message_id))
        return copy.deepcopy(message) if message is not None else None

    # --- users, chats, messages ---------------------------------------------------------------------
    @staticmethod
    def user(user_id: int, language_code: str | None = "de", first_name: str = "Test") -> JSONDict:
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        return user

    @staticmethod
    def chat(chat_id: Any, chat_type: str | None = None) -> JSONDict:
        """Private for positive ids, group (supergroup for -100… ids) for negative ones."""
        cid = normalize_chat_id(chat_id)
        if not isinstance(cid, int):
            from tests.fake_bot_api.entities import BotApiError

            raise BotApiError(400, "Bad Request: chat not found")
        kind = chat_type or ("private" if cid > 0 else "supergroup" if cid <= -1_000_000_000_000 else "group")
        return {"id": cid, "type": kind, **({"first_name": "Test"} if kind == "private" else {"title": "Test Group"})}

    def _next_message_id(self, chat_id: int) -> int:
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    def _reply_to(self, chat_id: int, reply: JSONDict | int | None) -> JSONDict | None:
        if reply is None or isinstance(reply, dict):
            return copy.deepcopy(reply)
        stored = copy.deepcopy(self.messages.get((chat_id, int(reply))))
        if stored is None:
            return {"message_id": int(reply), "date": int(time.time()), "chat": self.chat(chat_id),
                    "from": self.bot_user}
        stored.pop("reply_to_message", None)
        return stored

    def bot_message(self, chat_id: Any, extra: JSONDict, markup: JSONDict | None,
                    reply_parameters: JSONDict | None) -> JSONDict:
        """Store a message the bot sent; returns the ``Message`` result."""
        chat = self.chat(chat_id)
        message: JSONDict = {"message_id": self._next_message_id(chat["id"]), "from": self.bot_user, "chat": chat,
                             "date": int(time.time()), **extra}
        if reply_parameters:
            message["reply_to_message"] = self._reply_to(chat["id"], reply_parameters.get("message_id"))
        if markup is not None:
            message["reply_markup"] = markup
        self.messages[(chat["id"], message["message_id"])] = message
        return copy.deepcopy(message)

    def _user_message(self, chat_id: int, extra: JSONDict, *, user_id: int | None = None,
                      language_code: str | None = "de", reply_to_message: JSONDict | int | None = None,
                      chat_type: str | None = None) -> JSONDict:
        author = user_id if user_id is not None else chat_id if chat_id > 0 else DEFAULT_GROUP_USER_ID
        chat = self.chat(chat_id, chat_type)
        message: JSONDict = {"message_id": self._next_message_id(chat["id"]), "from": self.user(author, language_code),
                             "chat": chat, "date": int(time.time()), **extra}
        reply = self._reply_to(chat["id"], reply_to_message)
        if reply is not None:
            message["reply_to_message"] = reply
        self.messages[(chat["id"], message["message_id"])] = message
        return self.push_update({"message": copy.deepcopy(message)})

    # --- what users do ----------------------------------------------------------------------------------
    def push_text(self, chat_id: int, text: str, **kwargs: Any) -> JSONDict:
        """A text message; a leading /command and @mentions get their entities."""
        entities = detect_entities(text)
        return self._user_message(chat_id, {"text": text, **({"entities": entities} if entities else {})}, **kwargs)

    def push_edited_text(self, chat_id: int, message_id: int, text: str, *, user_id: int | None = None) -> JSONDict:
        """An ``edited_message`` for a message pushed before."""
        old = self.messages.get((chat_id, message_id)) or {}
        message = {**old, "message_id": message_id, "chat": self.chat(chat_id), "text": text,
                   "from": self.user(user_id if user_id is not None else chat_id),
                   "date": old.get("date", int(time.time()) - 60), "edit_date": int(time.time())}
        self.messages[(chat_id, message_id)] = message
        return self.push_update({"edited_message": copy.deepcopy(message)})

    def push_callback(self, chat_id: int, data: str, message_id: int, *, user_id: int | None = None,
                      language_code: str | None = "de") -> JSONDict:
        """A button press on message ``message_id`` (its stored state, or a minimal bot message)."""
        chat = self.chat(chat_id)
        message = self.messages.get((chat["id"], message_id)) or {
            "message_id": message_id, "date": int(time.time()), "chat": chat, "from": self.bot_user}
        author = user_id if user_id is not None else chat_id if chat_id > 0 else DEFAULT_GROUP_USER_ID
        query = {"id": str(4_000_000_000 + next(self._counter)), "from": self.user(author, language_code),
                 "message": copy.deepcopy(message), "chat_instance": str(-7_000_000 - abs(chat["id"])), "data": data}
        return self.push_update({"callback_query": query})

    def push_inline_query(self, user_id: int, query: str, *, language_code: str | None = "de") -> JSONDict:
        """``@bot query`` typed by ``user_id``."""
        inline = {"id": str(5_000_000_000 + next(self._counter)), "from": self.user(user_id, language_code),
                  "query": query, "offset": "", "chat_type": "sender"}
        return self.push_update({"inline_query": inline})

    def push_sticker(self, chat_id: int, **kwargs: Any) -> JSONDict:
        n = next(self._counter)
        sticker = {"file_id": f"CAACAgIAAxkBFAKE-sticker-{n}", "file_unique_id": f"AgADsticker{n}", "type": "regular",
                   "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"}
        return self._user_message(chat_id, {"sticker": sticker}, **kwargs)

    def push_photo(self, chat_id: int, content: bytes = b"\xff\xd8\xff\xe0FAKEJPEG", **kwargs: Any) -> JSONDict:
        n = next(self._counter)
        sizes = [{"file_id": f"AgACAgIAAxkBFAKE-photo-{n}-{w}", "file_unique_id": f"AgADphoto{n}{w}", "width": w,
                  "height": h, "file_size": len(content)} for w, h in ((90, 68), (800, 600))]
        return self._user_message(chat_id, {"photo": sizes}, **kwargs)

    def push_voice(self, chat_id: int, **kwargs: Any) -> JSONDict:
        n = next(self._counter)
        voice = {"file_id": f"AwACAgIAAxkBFAKE-voice-{n}", "file_unique_id": f"AgADvoice{n}", "duration": 2,
                 "mime_type": "audio/ogg"}
        return self._user_message(chat_id, {"voice": voice}, **kwargs)

    def push_location(self, chat_id: int, latitude: float = 52.52, longitude: float = 13.405, **kwargs: Any) -> JSONDict:
        return self._user_message(chat_id, {"location": {"latitude": latitude, "longitude": longitude}}, **kwargs)
