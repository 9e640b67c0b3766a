"""The one way the bot shows when an event takes place: 'Di, 02.04.2030, 10:00–11:30 Uhr' /
'Tue, 02 Apr 2030, 10:00–11:30', in the configured time zone (``settings.timezone``)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.texts import t

WEEKDAYS = {"de": ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"), "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _date(local: datetime, lang: str) -> str:
    if lang == "en":  # fixed names: strftime's %b would follow the process locale
        return f"{local.day:02d} {MONTHS_EN[local.month - 1]} {local.year}"
    return f"{local:%d.%m.%Y}"


def format_when(start: datetime, end: datetime | None, lang: str, tz: ZoneInfo) -> str:
    """Weekday, date and time of ``start`` (and ``end``) in ``tz``, correct across DST changes."""
    local = (start if start.tzinfo else start.replace(tzinfo=UTC)).astimezone(tz)
    day = WEEKDAYS.get(lang, WEEKDAYS["de"])[local.weekday()]
    text = f"{day}, {_date(local, lang)}, {local:%H:%M}"
    if end is not None:
        local_end = (end if end.tzinfo else end.replace(tzinfo=UTC)).astimezone(tz)
        if local_end.date() == local.date():
            text += f"–{local_end:%H:%M}"
        else:
            end_day = WEEKDAYS.get(lang, WEEKDAYS["de"])[local_end.weekday()]
            text += f" – {end_day}, {_date(local_end, lang)}, {local_end:%H:%M}"
    return text + t("ev_time_suffix", lang)
