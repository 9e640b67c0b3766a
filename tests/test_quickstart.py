"""The README's run command path: `python bot.py start` loads the sample base, then chats in the console."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_start_without_token_loads_sample_and_opens_console(sample_kb) -> None:
    # a private copy, already embedded (on the PostgreSQL backend its database is a private clone,
    # named by IKZ_DATABASE_URL): start re-ingests without embedding
    data_dir = sample_kb.settings.data_dir
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IKZ_", "TELEGRAM_")) or k == "IKZ_DATABASE_URL"}
    env["IKZ_DATA_DIR"] = str(data_dir)
    result = subprocess.run(
        [sys.executable, "bot.py", "start"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        input="Welche Projekte gibt es im Kreis Coesfeld?\n/themen\nexit\n",
    )
    assert result.returncode == 0, result.stderr
    assert "0 chunks embedded" in result.stderr  # the sample was loaded (incrementally) before the chat
    assert "projects: 0 added" in result.stderr and "0 problem(s)" in result.stderr
    assert "Kreis: Kreis Coesfeld" in result.stdout
    assert "Themenbereiche" in result.stdout


def test_run_without_token_explains_how_to_get_one(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IKZ_", "TELEGRAM_")) or k == "IKZ_DATABASE_URL"}
    env["IKZ_DATA_DIR"] = str(tmp_path / "d")
    result = subprocess.run([sys.executable, "bot.py", "run"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2 and "TELEGRAM_BOT_TOKEN" in result.stderr and "BotFather" in result.stderr
