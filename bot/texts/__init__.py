"""All user-facing texts, German (default) and English, in one place: one TOML file per area
(``chat.toml``, ``subscriptions.toml``, ``admin.toml``, ``common.toml``) in this folder, each a
table per text key with ``de`` and ``en`` HTML templates. `t()` looks them up; every value
substituted into a template must be escaped by the caller (bot.replies.text_span does that).
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

DEFAULT_LANGUAGE = "de"
LANGUAGES = ("de", "en")
TEXTS_DIR = Path(__file__).parent


@cache
def _texts() -> dict[str, dict[str, str]]:
    texts: dict[str, dict[str, str]] = {}
    for path in sorted(TEXTS_DIR.glob("*.toml")):
        for key, value in tomllib.loads(path.read_text(encoding="utf-8")).items():
            if key in texts:
                raise RuntimeError(f"duplicate text key {key!r} in {path.name}")
            texts[key] = value
    return texts


def language_of(language_code: str | None) -> str:
    """English for users whose Telegram language is English, German otherwise."""
    return "en" if (language_code or "").lower().startswith("en") else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The text ``key`` in ``lang`` (falling back to German) with ``values`` substituted."""
    entry = _texts()[key]
    template = entry[lang] if lang in entry else entry[DEFAULT_LANGUAGE]  # "" is a valid text
    return template.format(**values) if values else template
