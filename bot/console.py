"""Console chat (``python bot.py chat``): the same conversation as on Telegram, in a terminal.

Buttons are shown as numbered choices; typing the number presses the button.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TextIO

from bot.console_commands import ConsoleCommands
from bot.conversation import Conversation, Turn
from bot.formatting import render_plain
from bot.replies import Button, GeneratedFile, Reply
from bot.texts import language_of, t
from knowledge.clock import Clock, utc_now
from knowledge.service import KnowledgeBase
from knowledge.settings import Settings

log = logging.getLogger(__name__)

EXIT_WORDS = {"exit", "quit", "/exit", "/quit", "/ende", "ende"}


class ConsoleChat:
    """One console session: feeds lines to the conversation and prints plain-text replies."""

    def __init__(self, conversation: Conversation, output: TextIO, *, lang: str = "de") -> None:
        self.conversation = conversation
        self.output = output
        self.turn = Turn(chat_key="console", user_id="console", lang=lang, channel="console")
        self.choices: list[Button] = []
        self.others = ConsoleCommands(conversation.kb, conversation.settings, conversation.clock,
                                      conversation.handoffs.open_list)

    def handle(self, line: str) -> Reply | None:
        """Process one input line and print the reply; None for empty input."""
        text = line.strip()
        if not text:
            return None
        if text.isdigit() and self.choices:
            number = int(text)
            if not 1 <= number <= len(self.choices):
                reply = self.conversation.simple("console_bad_choice", self.turn.lang, count=len(self.choices))
                self._print(reply, keep_choices=True)
                return reply
            button = self.choices[number - 1]
            if button.url:
                self._write(button.url)
                return None
            if button.share:
                self._write(t("console_share", self.turn.lang, query=button.share))
                return None
            reply = self.conversation.press(self.turn, button.data)
        elif text.startswith("/"):
            command, _, args = text[1:].partition(" ")
            name = command.split("@")[0]
            reply = self.others.run(name, args, self.turn.lang) or self.conversation.command(self.turn, name, args)
        else:
            reply = self.conversation.ask(self.turn, text)
        self._print(reply)
        return reply

    def _print(self, reply: Reply, *, keep_choices: bool = False) -> None:
        if reply.notice and not reply.lines:
            self._write(reply.notice)
        rendered = render_plain(reply)
        if rendered:
            self._write(rendered)
        if isinstance(reply.document, GeneratedFile):
            self._write(t("console_file_saved", self.turn.lang, path=str(self._save(reply.document))))
        elif reply.document is not None:
            self._write(t("console_document", self.turn.lang, path=str(reply.document.path)))
        if not keep_choices and (reply.all_buttons or reply.lines):
            self.choices = reply.all_buttons
        self._write("")

    def _save(self, document: GeneratedFile) -> Path:
        """Files made for a reply (CSV, PDF, .ics) go to ``<data dir>/exports``."""
        folder = Path(self.conversation.settings.data_dir) / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / Path(document.file_name).name
        path.write_bytes(document.content)
        return path.resolve()

    def _write(self, text: str) -> None:
        self.output.write(text + "\n")
        self.output.flush()


def run_console(
    settings: Settings,
    *,
    input_stream: TextIO | None = None,
    output: TextIO | None = None,
    kb: KnowledgeBase | None = None,
    clock: Clock = utc_now,
    lang: str | None = None,
) -> int:
    """Chat on stdin/stdout (or the given streams) until EOF or 'exit'."""
    input_stream = input_stream or sys.stdin
    output = output or sys.stdout
    own_kb = kb is None
    kb = kb or KnowledgeBase(settings)
    try:
        language = lang or language_of(_locale_language())
        chat = ConsoleChat(Conversation(kb, settings, clock), output, lang=language)
        interactive = input_stream.isatty() if hasattr(input_stream, "isatty") else False
        chat._write(t("console_intro", language))
        chat._print(chat.conversation.welcome(language))
        while True:
            if interactive:
                output.write("> ")
                output.flush()
            line = input_stream.readline()
            if not line:
                break
            if line.strip().lower() in EXIT_WORDS:
                break
            try:
                chat.handle(line)
            except Exception:  # noqa: BLE001 - one bad question must not end the session
                log.exception("error in the console chat")
                chat._write(t("error_apology", language))
    finally:
        if own_kb:
            kb.close()
    return 0


def _locale_language() -> str | None:
    """German unless IKZ_CONSOLE_LANGUAGE says otherwise (e.g. 'en')."""
    return os.environ.get("IKZ_CONSOLE_LANGUAGE")
