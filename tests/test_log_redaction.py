import logging

from bot.log_redaction import TokenRedactingFilter

TOKEN = "123456:ABCDEF-secret-token"


def test_token_is_removed_from_messages_and_tracebacks(caplog) -> None:
    logger = logging.getLogger("test.redaction")
    caplog.handler.addFilter(TokenRedactingFilter([TOKEN]))
    with caplog.at_level(logging.INFO):
        logger.info("POST https://api.telegram.org/bot%s/getMe", TOKEN)
        try:
            raise RuntimeError(f"failed for https://api.telegram.org/bot{TOKEN}/sendMessage")
        except RuntimeError:
            logger.exception("request failed")
    text = caplog.text
    assert TOKEN not in text
    assert "bot***/getMe" in text and "bot***/sendMessage" in text


def test_a_rejected_token_from_dotenv_is_never_printed(tmp_path) -> None:
    """``bot.py run`` with a wrong token that comes only from ``.env``: a clear message, no token."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from tests.fake_bot_api import FakeBotApiThread

    wrong = "999999:WrongTokenFromDotEnvFile-abcdef"
    (tmp_path / ".env").write_text(f"TELEGRAM_BOT_TOKEN={wrong}\n", encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    with FakeBotApiThread() as api:  # accepts only its own token: 401 for ours
        env = {k: v for k, v in os.environ.items() if not k.startswith(("IKZ_", "TELEGRAM_"))}
        env.update(TELEGRAM_API_URL=api.base_url, IKZ_DATA_DIR=str(tmp_path / "data"), HF_HUB_OFFLINE="1")
        done = subprocess.run([sys.executable, str(root / "bot.py"), "run"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode == 2
    assert wrong not in output and wrong.split(":")[1] not in output
    assert "Telegram rejected the bot token" in output and "TELEGRAM_API_URL" in output


def test_install_adds_settings_secrets_to_the_existing_filter(caplog) -> None:
    from bot.log_redaction import install

    root = logging.getLogger()
    root.addHandler(caplog.handler)
    try:
        install(["first-secret-1234"])
        install(["second-secret-5678"])
        assert len([f for f in caplog.handler.filters if isinstance(f, TokenRedactingFilter)]) == 1
        with caplog.at_level(logging.INFO):
            logging.getLogger("test.redaction").info("a first-secret-1234 b second-secret-5678")
        assert "first-secret" not in caplog.text and "second-secret" not in caplog.text
    finally:
        root.removeHandler(caplog.handler)


def test_ptb_update_dumps_stay_out_of_debug_logs(caplog) -> None:
    from telegram import Update

    from bot.log_redaction import TelegramDumpFilter

    update = Update.de_json({"update_id": 42, "message": {
        "message_id": 1, "date": 0, "chat": {"id": 5, "type": "private", "first_name": "Erika"},
        "from": {"id": 5, "is_bot": False, "first_name": "Erika", "last_name": "Mustermann"},
        "text": "Geheime Frage zum Personalrat"}}, None)
    caplog.handler.addFilter(TelegramDumpFilter())
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("telegram.ext.Application").debug("Processing update %s", update)
        logging.getLogger("telegram.Bot").debug("Calling Bot API endpoint `%s` with parameters `%s`", "sendMessage",
                                                {"chat_id": 5, "text": "Antwort an Erika Mustermann"})
    assert "Mustermann" not in caplog.text and "Geheime Frage" not in caplog.text and "Erika" not in caplog.text
    assert "<Update 42>" in caplog.text and "sendMessage" in caplog.text


def test_an_unreachable_bot_api_is_reported_without_the_token(tmp_path) -> None:
    import os
    import socket
    import subprocess
    import sys
    from pathlib import Path

    token = "999999:TokenForAnUnreachableApi-abcdef"
    with socket.socket() as probe:  # a free port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IKZ_", "TELEGRAM_"))}
    env.update(TELEGRAM_BOT_TOKEN=token, TELEGRAM_API_URL=f"http://127.0.0.1:{port}/bot",
               IKZ_DATA_DIR=str(tmp_path / "data"), HF_HUB_OFFLINE="1")
    done = subprocess.run([sys.executable, str(root / "bot.py"), "run"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode == 2 and token not in output and token.split(":")[1] not in output
    assert "cannot reach the Telegram Bot API" in output
