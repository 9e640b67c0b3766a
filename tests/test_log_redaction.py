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
