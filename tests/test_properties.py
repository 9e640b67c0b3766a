"""Property-based tests (hypothesis): the reply splitter always yields valid Telegram HTML within
4096 UTF-16 units, and query parsing never fails and only reports names it knows."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.formatting import fit_html, render_html, safe_url, split_html, utf16_len
from bot.replies import Reply, Span
from knowledge.catalog import ItemInfo
from knowledge.query_understanding import Gazetteer
from tests.fake_bot_api import parse_entities

# Text that stresses the splitter: escapes (& < > "), astral characters (2 UTF-16 units each),
# combining marks, newlines and long words.
NASTY = st.lists(st.sampled_from(list("ab &<>\"'\n\t äöüß€") + ["😀", "𝔘", "\u0301", "ⅷ", "x" * 50]),
                 max_size=300).map("".join)
STYLES = st.sampled_from([None, "b", "i", "code", "link"])
URLS = st.sampled_from(["https://portal.example/a?b=1&c=2", "javascript:alert(1)", "mailto:x@y.de", "data:x", None])


@st.composite
def replies(draw) -> Reply:
    reply = Reply()
    for _ in range(draw(st.integers(0, 25))):
        spans = [Span(draw(NASTY) * draw(st.sampled_from([1, 1, 1, 9])), draw(STYLES), draw(URLS))
                 for _ in range(draw(st.integers(1, 4)))]
        reply.lines.append(spans)
    return reply


def _assert_valid(message: str, limit: int) -> None:
    assert utf16_len(message) <= limit
    parse_entities(message, "HTML")  # raises BotApiError(400, "can't parse entities") like Telegram


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replies(), st.sampled_from([4096, 1024, 200]))
def test_render_html_is_always_valid_and_within_the_limit(reply: Reply, limit: int) -> None:
    messages = render_html(reply, limit=limit)
    assert messages
    for message in messages:
        _assert_valid(message, limit)
    plain = "".join(parse_entities(m, "HTML")[0] for m in messages)
    for line in reply.lines:  # nothing is lost: every word of the reply is in some message
        words = set("".join(span.text for span in line).split())  # spans run together: "xx" + "aa" is one word
        for span in line:
            for word in span.text.split()[:3]:
                assert word in plain or len(word) > 40 or word not in words


@settings(max_examples=150, deadline=None)
@given(st.lists(st.builds(lambda t, u, b: (f'<a href="{u}">' if u else "") + t + ("</a>" if u else "")
                          if not b else f"<b>{t}</b>",
                          NASTY.map(lambda s: s.replace("\n", " ").replace("&", "&amp;").replace("<", "&lt;")
                                    .replace(">", "&gt;")),
                          st.sampled_from(["https://x.de/?a=1&amp;b=2", None]), st.booleans()), max_size=60),
       st.sampled_from([4096, 1024, 100]))
def test_split_and_fit_keep_markup_whole(lines: list[str], limit: int) -> None:
    text = "\n".join(lines)
    parse_entities(text, "HTML")  # the input is valid …
    for message in split_html(text, limit):
        _assert_valid(message, limit)  # … and so is every part
    _assert_valid(fit_html(text, limit), limit)


@given(st.text(max_size=300))
def test_safe_url_only_passes_web_mail_and_telegram_links(url: str) -> None:
    checked = safe_url(url)
    if checked is not None:
        assert checked.lower().startswith(("http://", "https://", "mailto:", "tg://"))
        assert not any(c.isspace() or ord(c) < 32 for c in checked)


ITEMS = [
    ItemInfo("project", "P1", "Standesamt", topic="Standesamt", kreis="Kreis Höxter",
             municipalities=("Nieheim", "Marienmünster", "Steinheim"), legal_form="öffentlich-rechtliche Vereinbarung",
             start_year=2016),
    ItemInfo("project", "P2", "Abfall", topic="Abfallwirtschaft", kreis="Märkischer Kreis",
             municipalities=("Altena", "Lüdenscheid"), legal_form="Zweckverband", start_year=2004),
    ItemInfo("project", "P3", "Bauhof", topic="Bauhof", kreis="Kreis Borken", municipalities=("Bocholt", "Rhede"),
             legal_form="AöR", start_year=2021),
]
GAZETTEER = Gazetteer(ITEMS)
WORDS = st.sampled_from(["im", "Kreis", "Borken", "Höxter", "Märkischer", "Zweckverband", "AöR", "seit", "2016",
                         "vor", "2010", "nach", "1999", "zwischen", "und", "Bauhof", "Abfall", "Standesamt", "in",
                         "Bocholt", "Nieheim", "?", "!", "-", "\u0000", "😀", "welche", "Projekte", "gibt", "es",
                         "nächsten", "Monat", "Woche", "Termine", "Veranstaltungen", "im", "März", "2031", "heute"])
NOW = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(WORDS, max_size=20).map(" ".join), st.text(max_size=400)))
def test_query_parsing_never_fails_and_reports_only_known_names(question: str) -> None:
    understood = GAZETTEER.understand(question, now=NOW)
    filters = understood.filters
    assert filters.kreise <= {"Kreis Höxter", "Märkischer Kreis", "Kreis Borken"}
    assert filters.towns <= {"Nieheim", "Marienmünster", "Steinheim", "Altena", "Lüdenscheid", "Bocholt", "Rhede"}
    assert filters.topics <= {"Standesamt", "Abfallwirtschaft", "Bauhof"}
    if filters.year_min is not None and filters.year_max is not None:
        assert filters.year_min <= filters.year_max
    if understood.period is not None:
        assert understood.period.start < understood.period.end
    assert GAZETTEER.understand(question, now=NOW).filters == filters  # deterministic


# --- callback data: one schema builds and parses every button ------------------------------------------
from bot import callback_data  # noqa: E402


@st.composite
def built_callbacks(draw) -> tuple[str, tuple[str, ...]]:
    action = draw(st.sampled_from(callback_data.ACTIONS))
    args = tuple(draw(st.from_regex(field, fullmatch=True)) for field in action.fields)
    return action.code, args


@settings(max_examples=300, deadline=None)
@given(built_callbacks())
def test_callback_data_round_trips_within_64_bytes(call: tuple[str, tuple[str, ...]]) -> None:
    code, args = call
    try:
        data = callback_data.build(code, *args)
    except ValueError:
        return  # over 64 bytes: refused at build time, never sent
    assert len(data.encode("utf-8")) <= callback_data.MAX_CALLBACK_BYTES
    assert callback_data.parse(data) == (code, args)
    assert not callback_data.is_unclaimed(data)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=80), st.builds(lambda c, rest: c + rest,
                                                  st.sampled_from([a.code + ":" for a in callback_data.ACTIONS]),
                                                  st.text(max_size=70))))
def test_any_callback_data_is_parsed_safely(data: str) -> None:
    parsed = callback_data.parse(data)
    if parsed is not None:  # whatever parses is exactly what build would have made
        assert callback_data.build(parsed.action, *parsed.args) == data
        assert len(data.encode("utf-8")) <= callback_data.MAX_CALLBACK_BYTES
    assert callback_data.is_owner_bound("m") and callback_data.is_owner_bound("f")
    assert not callback_data.is_owner_bound("o")
