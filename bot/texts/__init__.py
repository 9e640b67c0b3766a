"""All user-facing texts, German (default) and English, in one place.

Each area keeps its texts in a module here (``chat``, ``subscriptions``, ``admin``) as
``TEXTS = {"key": {"de": "...", "en": "..."}}``; `t()` looks them up. Texts are HTML templates:
every value substituted into them must be escaped by the caller (bot/formatting does that).
"""

from __future__ import annotations

import importlib
import pkgutil

DEFAULT_LANGUAGE = "de"
LANGUAGES = ("de", "en")

_TEXTS: dict[str, dict[str, str]] = {}


def _load() -> dict[str, dict[str, str]]:
    if not _TEXTS:
        for info in pkgutil.iter_modules(__path__):
            module = importlib.import_module(f"{__name__}.{info.name}")
            for key, value in getattr(module, "TEXTS", {}).items():
                if key in _TEXTS:
                    raise RuntimeError(f"duplicate text key {key!r} in bot.texts.{info.name}")
                _TEXTS[key] = value
    return _TEXTS


def language_of(language_code: str | None) -> str:
    """English for users whose Telegram language is English, German otherwise."""
    return "en" if (language_code or "").lower().startswith("en") else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The text ``key`` in ``lang`` (falling back to German) with ``values`` substituted."""
    entry = _load()[key]
    template = entry[lang] if lang in entry else entry[DEFAULT_LANGUAGE]  # "" is a valid text
    return template.format(**values) if values else template
