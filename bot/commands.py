"""The one table of commands: names (German first, English aliases) and menu descriptions of
every command; chat commands also say what they do. Telegram registers its handlers and command
menus from it, and :meth:`bot.conversation.Conversation.command` dispatches through it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.replies import Reply

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
                lambda c, turn, args, bot_name: help_reply(turn.lang, bot_name)),
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
    ChatCommand(("meine_kommune", "my_municipality"), "Meine Kommune: Projekte, Kreis, Termine",
                "My municipality: projects, Kreis, events",
                lambda c, turn, args, bot_name: c.my_municipality.command(turn.user_id, args, turn.lang)),
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


# Arguments shown in /hilfe after a command's name.
HELP_ARGUMENTS = {"kreis": "&lt;Name&gt;", "projekt": "&lt;ID oder Name&gt;", "meine_kommune": "&lt;Name&gt;",
                  "abonnieren": "[Thema | meine_kommune | mein_kreis | nrw]", "stats": "[Tage]",
                  "unbeantwortet": "[n]", "reindex": "[Quelle]", "broadcast": "&lt;Text&gt;"}


def help_reply(lang: str, bot_name: str) -> Reply:
    """/hilfe: how to ask and every command of the bot (from this table, so none is missing)."""
    import html

    def lines(specs: tuple[CommandSpec, ...]) -> str:
        out = []
        for spec in specs:
            aliases = [f"/{name}" for name in spec.names[1:]]
            argument = f" {HELP_ARGUMENTS[spec.name]}" if spec.name in HELP_ARGUMENTS else ""
            alias_text = f" ({', '.join(aliases)})" if aliases else ""
            description = spec.german if lang == "de" else spec.english
            out.append(f"/{spec.name}{argument}{html.escape(alias_text)} – {html.escape(description)}")
        return "\n".join(out)

    from bot.replies import html_span
    from bot.texts import t

    reply = Reply().add(html_span(t("help", lang, commands=lines(PUBLIC_MENU), bot=html.escape(bot_name))))
    return reply.blank().add(html_span(t("help_admin", lang, commands=lines(ADMIN_COMMANDS))))
