"""A typed CallbackContext exposing the services instead of dict lookups in every handler."""

from __future__ import annotations

from telegram.ext import Application, CallbackContext, ExtBot

from bot.services import Services


class IKZContext(CallbackContext[ExtBot, dict, dict, dict]):
    """``context.services`` / ``context.kb`` / ``context.settings`` in every handler and job."""

    def __init__(self, application: Application, chat_id: int | None = None, user_id: int | None = None) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def services(self) -> Services:
        return self.application.bot_data["services"]

    @property
    def kb(self):  # noqa: ANN201 - KnowledgeBase
        return self.services.kb

    @property
    def settings(self):  # noqa: ANN201 - Settings
        return self.services.settings
