"""A logging filter that removes the bot token from every log record (defence in depth:
httpx, which logs request URLs containing the token, is also kept at WARNING)."""

from __future__ import annotations

import logging


class TokenRedactingFilter(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s and len(s) >= 8]

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
    """Attach the filter to every handler of the root logger."""
    token_filter = TokenRedactingFilter(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(token_filter)
