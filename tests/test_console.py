"""The console chat: same conversation as Telegram, buttons as numbered choices."""

from __future__ import annotations

import io
from pathlib import Path

from sqlmodel import Session, select

from bot.console import run_console
from knowledge.query_log import QueryLog


def _chat(kb, lines: list[str], **kwargs) -> str:  # noqa: ANN003
    out = io.StringIO()
    assert run_console(kb.settings, input_stream=io.StringIO("\n".join(lines) + "\n"), output=out, kb=kb,
                       **kwargs) == 0
    return out.getvalue()


def test_console_answers_questions_with_numbered_buttons(tiny_kb) -> None:
    output = _chat(tiny_kb, ["Wer hat ein gemeinsames Standesamt?"])
    assert "Willkommen beim IKZ-Assistenten" in output  # welcome shown at start
    assert "🤝 Gemeinsames Standesamt Nottuln–Havixbeck" in output
    assert "Kreis: Kreis Coesfeld" in output
    assert "[1] " in output and "👍 Hilfreich" in output
    assert "<b>" not in output and "&lt;" not in output  # plain text, no HTML
    with Session(tiny_kb.engine) as session:
        row = session.exec(select(QueryLog)).one()
    assert row.channel == "console" and row.answered


def test_console_number_presses_the_button(tiny_kb) -> None:
    output = _chat(tiny_kb, ["/themen", "1", "1"])
    assert "Themenbereiche" in output
    assert "Projekte zum Thema Abfallwirtschaft" in output
    assert "Rechtsform: Zweckverband" in output  # the project card opened by its button


def test_console_example_buttons_feedback_and_bad_choice(tiny_kb) -> None:
    output = _chat(tiny_kb, ["1", "99", "/hilfe"])  # welcome's first example, then an invalid number
    assert "Gemeinsames Standesamt Nottuln–Havixbeck" in output
    assert "Bitte eine Zahl von 1 bis" in output
    assert "/themen (/topics) – Projekte nach Themen" in output and "/meine_kommune <Name>" in output


def test_console_feedback_is_stored(tiny_kb) -> None:
    output = _chat(tiny_kb, ["Müllabfuhr im Kreis Borken", "/dokumente"])
    assert "Abfallzweckverband" in output
    lines = ["Müllabfuhr im Kreis Borken"]
    out = _chat(tiny_kb, lines + [str(_choice_number(output, "👍 Hilfreich"))])
    assert "Danke für Ihr Feedback" in out
    with Session(tiny_kb.engine) as session:
        rows = session.exec(select(QueryLog).order_by(QueryLog.id)).all()
    assert rows[-1].feedback == 1


def _choice_number(output: str, label: str) -> int:
    for line in output.splitlines():
        if line.strip().endswith(label):
            return int(line.strip().split("]")[0].lstrip("["))
    raise AssertionError(f"no choice {label!r}")


def test_console_saves_made_files_and_english(tiny_kb) -> None:
    output = _chat(tiny_kb, ["/dokumente", "1", "/veranstaltungen", "1"], lang="en")
    assert "Welcome" in output and "Documents" in output
    assert "Upcoming events" in output
    saved = output.split("📎 File saved: ")[1].split("\n")[0]
    assert saved.endswith(".ics") and Path(saved).read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_console_follow_up_and_exit(tiny_kb) -> None:
    output = _chat(tiny_kb, ["Müllabfuhr", "und im Kreis Borken?", "exit", "Standesamt"])
    assert "Bezogen auf Ihre vorige Frage „Müllabfuhr“" in output
    assert "Nottuln" not in output.split("Bezogen auf")[1]  # nothing after 'exit' was answered


def test_console_is_the_same_bot_with_every_command(tiny_kb) -> None:
    output = _chat(tiny_kb, ["/meine_kommune Havixbek", "/stats 7", "/unbeantwortet", "/status", "/abonnieren",
                             "/themen", "/faq", "/hilfe"])
    assert "Gemerkt: Havixbeck" in output and "Beteiligt an" in output
    assert "Statistik der letzten 7 Tage" in output and "Gründe für 👎" in output
    assert "Keine offenen Anfragen an die Beratungsstelle" in output
    assert "/abonnieren braucht einen Telegram-Chat" in output
    assert "Themenbereiche" in output and "Seite 1 von 1" in output and "/meine_kommune" in output
    assert "<b>" not in output and "Diesen Befehl kenne ich nicht" not in output
