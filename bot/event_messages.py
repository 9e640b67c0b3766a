"""Renders the jobs' notices as Telegram HTML (and .ics attachments), times in the notice's time zone."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from bot.event_time import format_when
from bot.formatting import fit_html, safe_url, utf16_len
from bot.texts import t
from jobs.calendar_file import ics_filename
from jobs.notices import Notice
from jobs.sender import OutgoingMessage
from knowledge.models import Event

MAX_CAPTION = 1024
MAX_MESSAGE = 4096
def event_lines(event: Event, lang: str, tz: ZoneInfo, *, description: bool = True) -> list[str]:
    esc = html.escape
    lines = [f"<b>{esc(event.title)}</b>", t("ev_when", lang, when=esc(format_when(event.start, event.end, lang, tz)))]
    if event.location:
        lines.append(t("ev_where", lang, where=esc(event.location)))
    online_url = safe_url(event.online_url)
    if online_url and not event.cancelled:
        lines.append(t("ev_online", lang, url=esc(online_url, quote=True)))
    if description and event.description:
        text = event.description if len(event.description) <= 400 else event.description[:397] + "…"
        lines.append(esc(text))
    registration_url = safe_url(event.registration_url)
    if registration_url and not event.cancelled:
        lines.append(t("ev_registration", lang, url=esc(registration_url, quote=True)))
    return lines


def _heading(notice: Notice) -> str:
    lang = notice.language
    if notice.kind == "announce":
        return t("ev_announce", lang)
    if notice.kind == "remind":
        return t("ev_remind_tomorrow", lang) if notice.days == 1 else t("ev_remind_days", lang, days=notice.days)
    if notice.kind == "change":
        return t("ev_change", lang)
    if notice.kind == "cancel":
        return t("ev_removed", lang) if notice.event_removed else t("ev_cancel", lang)
    return ""


def render_notice(notice: Notice) -> OutgoingMessage:
    """The message for a notice: text (announce, cancel, digest, broadcast) or .ics with caption."""
    lang, tz = notice.language, ZoneInfo(notice.timezone)
    if notice.kind == "broadcast":
        text = f"{t('ev_broadcast_title', lang)}\n\n{html.escape(notice.text or '')}"
        return OutgoingMessage(fit_html(text, MAX_MESSAGE))
    if notice.kind == "digest":
        lines = [t("ev_digest_title", lang), ""]
        for project in notice.projects[:30]:
            title = html.escape(project.title)
            if url := safe_url(project.url):
                title = f'<a href="{html.escape(url, quote=True)}">{title}</a>'
            lines.append(f"• {title} <i>({html.escape(project.topic)})</i>" if project.topic else f"• {title}")
        lines += ["", t("ev_footer", lang)]
        return OutgoingMessage(fit_html("\n".join(lines), MAX_MESSAGE))
    assert notice.event is not None
    event = notice.event
    with_file = notice.calendar is not None and notice.kind in ("remind", "change")
    lines = [_heading(notice), *event_lines(event, lang, tz, description=notice.kind == "announce")]
    if with_file:
        lines.append(t("ev_calendar_hint", lang))
    lines.append(t("ev_footer", lang))
    text = "\n".join(lines)
    if with_file:
        if utf16_len(text) > MAX_CAPTION:
            text = "\n".join([_heading(notice), f"<b>{html.escape(event.title[:300])}</b>",
                              t("ev_when", lang, when=html.escape(format_when(event.start, event.end, lang, tz)))])
        return OutgoingMessage(fit_html(text, MAX_CAPTION), (ics_filename(event), notice.calendar))
    return OutgoingMessage(fit_html(text, MAX_MESSAGE))
