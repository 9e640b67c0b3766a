"""Adapts ``telegram.Bot`` to the jobs' `Sender` protocol (Telegram errors → jobs errors)."""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from jobs.sender import Blocked, PermanentError, RetryLater, TransientError


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    """Sends HTML messages and documents; raises `Blocked`, `RetryLater`, `TransientError`, `PermanentError`."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send_message(self, chat_id: int, html_text: str) -> int:
        async def call() -> int:
            message = await self.bot.send_message(
                chat_id, html_text, parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
            )
            return message.message_id

        return await self._translated(call)

    async def send_document(self, chat_id: int, filename: str, data: bytes, caption: str | None = None) -> int:
        async def call() -> int:
            message = await self.bot.send_document(
                chat_id, document=data, filename=filename, caption=caption, parse_mode=ParseMode.HTML
            )
            return message.message_id

        return await self._translated(call)

    @staticmethod
    async def _translated(call) -> int:  # noqa: ANN001 - a zero-argument coroutine function
        try:
            return await call()
        except Forbidden as exc:
            raise Blocked(str(exc)) from exc
        except RetryAfter as exc:
            with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta
                warnings.simplefilter("ignore")
                seconds = _seconds(exc.retry_after)
            raise RetryLater(seconds) from exc
        except ChatMigrated as exc:
            raise PermanentError(f"chat migrated to {exc.new_chat_id}") from exc
        except BadRequest as exc:  # a subclass of NetworkError: check it first
            raise PermanentError(str(exc)) from exc
        except NetworkError as exc:  # includes TimedOut and 5xx answers
            raise TransientError(str(exc)) from exc
        except TelegramError as exc:
            raise PermanentError(str(exc)) from exc
