"""The one table of commands: names (German first, English aliases) and menu descriptions of
every command; chat commands also say what they do. Telegram registers its handlers and command
menus from it, and :meth:`bot.conversation.Conversation.command` dispatches through it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.replies import Reply, text_span

Conversation = Any  # bot.conversation.Conversation (which dispatches through this table)
Turn = Any  # bot.conversation.Turn


@dataclass(frozen=True)
class CommandSpec:
    """A command: its names (the first is shown in the menu) and the menu descriptions."""

    names: tuple[str, ...]
    german: str
    english: str

    @property
    def name(self) -> str:
        return self.names[0]


@dataclass(frozen=True)
class ChatCommand(CommandSpec):
    """A chat command answered by the conversation: ``run(conversation, turn, args, bot_name)``."""

    run: Callable[[Conversation, Turn, str, str], Reply]  # (conversation, turn, args, bot name)


def _start(conversation: Conversation, turn: Turn, args: str, bot_name: str) -> Reply:
    if args.startswith("projekt_"):  # deep link from an inline card
        return conversation.browsing.project(args.removeprefix("projekt_"), turn.lang)
    return conversation.welcome(turn.lang)


CHAT_COMMANDS: tuple[ChatCommand, ...] = (
    ChatCommand(("start",), "Start und Beispielfragen", "Start and example questions", _start),
    ChatCommand(("hilfe", "help"), "Hilfe und Befehle", "Help and commands",
                lambda c, turn, args, bot_name: Reply().add(text_span("help", turn.lang, bot=bot_name))),
    ChatCommand(("themen", "topics"), "Projekte nach Themen", "Projects by topic",
                lambda c, turn, args, bot_name: c.browsing.topics_menu(turn.lang)),
    ChatCommand(("kreis", "district"), "Projekte in einem Kreis", "Projects in a district (Kreis)",
                lambda c, turn, args, bot_name: c.browsing.kreis(args, turn.lang)),
    ChatCommand(("projekt", "project"), "Ein Projekt anzeigen", "Show a project",
                lambda c, turn, args, bot_name: c.browsing.project(args.split()[0] if args else "", turn.lang)),
    ChatCommand(("dokumente", "documents"), "Leitfäden und Dokumente", "Guides and documents",
                lambda c, turn, args, bot_name: c.browsing.documents(turn.lang)),
    ChatCommand(("faq",), "Häufige Fragen", "Frequent questions",
                lambda c, turn, args, bot_name: c.browsing.faq_list(turn.lang)),
    ChatCommand(("veranstaltungen", "events"), "Kommende Veranstaltungen", "Upcoming events",
                lambda c, turn, args, bot_name: c.browsing.events(turn.lang)),
    ChatCommand(("datenschutz", "privacy"), "Datenschutz", "Privacy",
                lambda c, turn, args, bot_name: c.privacy(turn.lang)),
)
SUBSCRIBE = CommandSpec(("abonnieren", "subscribe"), "Veranstaltungen abonnieren", "Subscribe to events")
MY_SUBSCRIPTIONS = CommandSpec(("meine_abos", "my_subscriptions"), "Meine Abonnements", "My subscriptions")
UNSUBSCRIBE = CommandSpec(("abbestellen", "unsubscribe"), "Abonnement beenden", "Unsubscribe")
SUBSCRIPTION_COMMANDS: tuple[CommandSpec, ...] = (SUBSCRIBE, MY_SUBSCRIPTIONS, UNSUBSCRIBE)
# Data protection: the user's rights of access and erasure (bot.handlers.privacy).
MY_DATA = CommandSpec(("meine_daten", "mydata"), "Meine gespeicherten Daten", "My stored data")
ERASE = CommandSpec(("loeschen", "delete"), "Meine Daten löschen", "Delete my data")
PRIVACY_COMMANDS: tuple[CommandSpec, ...] = (MY_DATA, ERASE)
# Maintainer commands are not in everybody's menu; admins get them in their own chat's menu.
REINDEX = CommandSpec(("reindex",), "Quellen jetzt aktualisieren", "Refresh sources now")
STATUS = CommandSpec(("status",), "Zustand von Wissensbasis und Quellen", "State of knowledge base and sources")
STATS = CommandSpec(("stats",), "Nutzungsstatistik (Tage)", "Usage statistics (days)")
UNANSWERED = CommandSpec(("unbeantwortet", "unanswered"), "Unbeantwortete und 👎-Fragen", "Unanswered and 👎 questions")
BROADCAST = CommandSpec(("broadcast",), "Nachricht an alle Abonnenten", "Message to all subscribers")
ADMIN_COMMANDS: tuple[CommandSpec, ...] = (REINDEX, STATUS, STATS, UNANSWERED, BROADCAST)
PUBLIC_MENU: tuple[CommandSpec, ...] = CHAT_COMMANDS + SUBSCRIPTION_COMMANDS + PRIVACY_COMMANDS

_CHAT_BY_NAME = {name: command for command in CHAT_COMMANDS for name in command.names}


def chat_command(name: str) -> ChatCommand | None:
    """The chat command called ``name`` (any of its names, case-insensitive)."""
    return _CHAT_BY_NAME.get(name.lower())


def all_names(commands: tuple[CommandSpec, ...]) -> list[str]:
    """Every name (German and English) of ``commands``, for one CommandHandler."""
    return [name for command in commands for name in command.names]


def menu(commands: tuple[CommandSpec, ...], lang: str) -> list[tuple[str, str]]:
    """(command, description) pairs of a command menu in ``lang``."""
    return [(c.name, c.german if lang == "de" else c.english) for c in commands]
