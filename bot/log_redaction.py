"""A logging filter that removes the bot token from every log record (defence in depth:
httpx, which logs request URLs containing the token, is also kept at WARNING)."""

from __future__ import annotations

import logging


class TokenRedactingFilter(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets: list[str] = []
        self.add(secrets)

    def add(self, secrets: list[str]) -> None:
        """Redact these secrets too (short strings are ignored: they would redact ordinary words)."""
        for secret in secrets:
            if secret and len(secret) >= 8 and secret not in self._secrets:
                self._secrets.append(secret)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        redacted = message
        for secret in self._secrets:
            redacted = redacted.replace(secret, "***")
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if any(secret in text for secret in self._secrets):
                for secret in self._secrets:
                    text = text.replace(secret, "***")
                record.msg = f"{record.msg}\n{text}"
                record.exc_info, record.exc_text = None, None
        return True


def install(secrets: list[str]) -> None:
    """Attach the filter to every handler of the root logger (or add the secrets to its filter)."""
    for handler in logging.getLogger().handlers:
        existing = next((f for f in handler.filters if isinstance(f, TokenRedactingFilter)), None)
        if existing is not None:
            existing.add(secrets)
        else:
            handler.addFilter(TokenRedactingFilter(secrets))


class TelegramDumpFilter(logging.Filter):
    """Keeps python-telegram-bot's debug dumps (whole updates, request parameters, API answers:
    message texts, names, user ids) out of the log: such arguments are replaced by a short summary."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("telegram") or not record.args:
            return True
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        if any(not isinstance(arg, str | int | float | bool | type(None)) for arg in args):
            record.args = tuple(_summary(arg) for arg in args)
        return True


def _summary(value: object) -> object:
    if isinstance(value, str | int | float | bool | type(None)):
        return value
    update_id = getattr(value, "update_id", None)
    if update_id is not None:
        return f"<{type(value).__name__} {update_id}>"
    if isinstance(value, dict | list | tuple):
        return f"<{type(value).__name__} of {len(value)}>"
    return f"<{type(value).__name__}>"


def install_privacy_filter() -> None:
    """Attach :class:`TelegramDumpFilter` to every handler of the root logger."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, TelegramDumpFilter) for f in handler.filters):
            handler.addFilter(TelegramDumpFilter())
