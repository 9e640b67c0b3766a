"""End to end: the real ``python bot.py run`` process long-polls the local fake Bot API."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fake_bot_api import DEFAULT_TOKEN, FakeBotApiThread, parse_entities

ROOT = Path(__file__).resolve().parent.parent
CHAT = 777

pytestmark = pytest.mark.slow


def _bot_env(api: FakeBotApiThread, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IKZ_", "TELEGRAM_")) or k == "IKZ_DATABASE_URL"}
    env.update(
        TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,
        TELEGRAM_API_URL=api.base_url,
        IKZ_DATA_DIR=str(data_dir),
        IKZ_ADMIN_IDS="9001",
        IKZ_ADMIN_CHAT_ID="-100900",
        HF_HUB_OFFLINE="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def test_bot_process_answers_over_the_fake_bot_api(tiny_kb, tmp_path: Path) -> None:
    data_dir = tiny_kb.settings.data_dir
    tiny_kb.close()
    log_path = tmp_path / "bot.log"
    with FakeBotApiThread(token=DEFAULT_TOKEN) as api, log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "bot.py", "run"], cwd=ROOT, env=_bot_env(api, data_dir), stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            api.wait_for_calls("getUpdates", 1, timeout=120)
            commands = api.wait_for_calls("setMyCommands", 3, timeout=30)
            languages = {c.params.get("language_code", "") for c in commands}
            assert {"de", "en"} <= languages
            assert any(cmd["command"] == "themen" for cmd in commands[0].params["commands"])

            api.push_text(CHAT, "/start")
            welcome = api.wait_for_calls("sendMessage", 1, chat_id=CHAT, timeout=30)[-1]
            assert "Willkommen" in welcome.text and welcome.callback_data()

            api.push_text(CHAT, "<b>Hallo</b> <script>alert(1)</script> gemeinsames Standesamt?")
            answer = api.wait_for_calls("sendMessage", 2, chat_id=CHAT, timeout=30)[-1]
            assert answer.ok and "<script>" not in answer.text
            assert any(c.params.get("action") == "typing" for c in api.calls("sendChatAction", CHAT))

            api.push_text(CHAT, "und <script>x</script> im Kreis Borken?")
            follow_up = api.wait_for_calls("sendMessage", 3, chat_id=CHAT, timeout=30)[-1]
            # the refinement quotes the previous question: escaped, so the user sees exactly what they typed
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in follow_up.text and "<script>" not in follow_up.text
            plain, _ = parse_entities(follow_up.text, "HTML")
            assert "„<b>Hallo</b> <script>alert(1)</script> gemeinsames Standesamt?“" in plain

            api.push_sticker(CHAT)
            reply = api.wait_for_calls("sendMessage", 4, chat_id=CHAT, timeout=30)[-1]
            assert "als Text" in reply.text

            api.push_callback(CHAT, "o:p../../etc/passwd", answer.result["message_id"])
            api.push_callback(CHAT, "\x00<b>forged</b>", answer.result["message_id"])
            answers = api.wait_for_calls("answerCallbackQuery", 2, timeout=30)
            assert all("nicht (mehr) gültig" in a.params["text"] for a in answers)

            feedback = next(d for d in answer.callback_data() if d.startswith("f:") and d.endswith(":1"))
            api.push_callback(CHAT, feedback, answer.result["message_id"])
            thanks = api.wait_for_calls("answerCallbackQuery", 3, timeout=30)[-1]
            assert "Danke" in thanks.params["text"]

            api.push_inline_query(CHAT, "Standesamt")
            inline = api.wait_for_calls("answerInlineQuery", 1, timeout=30)[-1]
            assert inline.params["results"][0]["title"].startswith("Gemeinsames Standesamt")

            assert not api.calls("sendMessage", -100900)  # no error reached the admins
            assert not [c for c in api.calls() if not c.ok and c.method != "getUpdates"]
        finally:
            process.send_signal(signal.SIGINT)
            try:
                code = process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                code = process.wait()
    output = log_path.read_text()
    assert code == 0, output[-3000:]
    assert DEFAULT_TOKEN not in output  # the token never reaches the logs
    assert "Traceback" not in output, output[-3000:]


def test_run_without_token_explains_what_to_do(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IKZ_", "TELEGRAM_")) or k == "IKZ_DATABASE_URL"}
    env["IKZ_DATA_DIR"] = str(tmp_path)
    result = subprocess.run([sys.executable, "bot.py", "run"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2 and "TELEGRAM_BOT_TOKEN" in result.stderr
