"""Event notices, digests and broadcasts: always valid Telegram HTML within Telegram's limits, and
only safe links (issue 10, defects 6 and 9)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.event_messages import MAX_CAPTION, MAX_MESSAGE, render_notice
from bot.formatting import safe_url, utf16_len
from jobs.notices import Notice
from knowledge.models import Event, Project
from tests.fake_bot_api import parse_entities

START = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)


def _valid(text: str, limit: int) -> str:
    assert utf16_len(text) <= limit
    plain, _entities = parse_entities(text, "HTML")  # raises like Telegram ("can't parse entities")
    return plain


def test_a_digest_over_the_limit_is_cut_between_lines_never_inside_a_link() -> None:
    projects = [
        Project(id=f"P{i}", title=f"Zweckverband „Wasser & Abwasser“ Nr. {i} 🤝" + " Kooperation" * 5,
                    topic="Wasser & Abwasser", url=f"https://portal.example/projekte/{i}?a=1&b=2&" + "x" * 40)
        for i in range(30)
    ]
    message = render_notice(Notice("digest", 1, "de", "Europe/Berlin", projects=projects))
    plain = _valid(message.html, MAX_MESSAGE)
    assert plain.rstrip().endswith("…") and "Nr. 0" in plain


def test_a_long_broadcast_is_escaped_and_fits() -> None:
    text = "Hinweis <b>&amp; \"Zitat\"</b> " * 400
    message = render_notice(Notice("broadcast", 1, "de", "Europe/Berlin", text=text))
    plain = _valid(message.html, MAX_MESSAGE)
    assert "<b>&amp;" in plain  # the maintainers' text shows literally, it is not markup


def test_an_event_caption_with_an_escape_heavy_title_fits_1024() -> None:
    event = Event(id="e1", title="&" * 300, start=START, description="<" * 2000, location="<Rathaus>")
    message = render_notice(Notice("remind", 1, "de", "Europe/Berlin", event=event, days=1, calendar=b"BEGIN:VCALENDAR"))
    _valid(message.html, MAX_CAPTION)
    announce = render_notice(Notice("announce", 1, "en", "Europe/Berlin", event=event))
    _valid(announce.html, MAX_MESSAGE)


def test_unsafe_urls_never_reach_an_href() -> None:
    event = Event(id="e1", title="Webinar", start=START, online_url="javascript:alert(1)",
                      registration_url="https://anmeldung.example/?x=1&y=2")
    text = render_notice(Notice("announce", 1, "de", "Europe/Berlin", event=event)).html
    assert "javascript" not in text and 'href="https://anmeldung.example/?x=1&amp;y=2"' in text
    digest = render_notice(Notice("digest", 1, "de", "Europe/Berlin", projects=[
        Project(id="p", title="Böse", topic="", url="JavaScript:alert(1)"),
        Project(id="q", title="Daten", topic="", url="data:text/html,<script>")])).html
    assert "href" not in digest and "Böse" in digest
    for bad in ("javascript:x", "data:x", "file:///etc/passwd", "https://", "https://a b", "http://x\n.de", "//x.de",
                "vbscript:x", ""):
        assert safe_url(bad) is None, bad
    for good in ("https://www.interkommunales.nrw/projekte/1", "mailto:ikz@beispiel.nrw", "tg://resolve?domain=x",
                 "http://x.de/a?b=\"c\""):
        assert safe_url(good) == good
