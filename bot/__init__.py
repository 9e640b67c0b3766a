"""The Telegram channel (python-telegram-bot v22) and the console chat."""
