"""Rendering: escaping, highlighting, splitting under Telegram's limits, callback data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.callback_data import build, handler_pattern, is_unclaimed, item_ref, parse
from bot.formatting import (
    highlighted,
    inline_keyboard,
    render_html,
    render_plain,
    utf16_len,
)
from bot.rate_limit import UserRateLimiter
from bot.replies import Button, Reply, Span
from knowledge.follow_up import is_follow_up
from knowledge.query_understanding import QueryFilters
from tests.fake_bot_api import parse_entities


def test_everything_is_escaped_and_valid_telegram_html() -> None:
    reply = Reply().add(Span("<script>&"), Span("<b>", "b"), Span("x", "link", 'https://e.de/?a=1&b="2"'))
    (text,) = render_html(reply)
    assert text == '&lt;script&gt;&amp;<b>&lt;b&gt;</b><a href="https://e.de/?a=1&amp;b=&quot;2&quot;">x</a>'
    plain, _ = parse_entities(text, "HTML")
    assert plain == "<script>&<b>x"


def test_javascript_links_are_not_rendered_as_links() -> None:
    (text,) = render_html(Reply().add(Span("click", "link", "javascript:alert(1)")))
    assert text == "click"


def test_highlight_marks_question_words_in_bold() -> None:
    spans = highlighted("Ein gemeinsames Standesamt für zwei Gemeinden.", ["standesamt", "gemeind"])
    (text,) = render_html(Reply().add(*spans))
    assert text == "Ein gemeinsames <b>Standesamt</b> für zwei <b>Gemeinden</b>."


@pytest.mark.parametrize("piece", ["Zeile mit <Sonderzeichen> & mehr ", "ä" * 50 + " ", "😀" * 30, "x" * 9000])
def test_long_replies_are_split_under_4096_and_stay_valid(piece: str) -> None:
    reply = Reply()
    for i in range(400):
        reply.add(Span(f"{i}. "), Span(piece, "b" if i % 2 else ""))
    reply.row(Button("ok", "o:pT1"))
    parts = render_html(reply)
    assert len(parts) > 1
    for part in parts:
        assert utf16_len(part) <= 4096
        plain, _ = parse_entities(part, "HTML")
        assert plain
    assert "399. " in parts[-1] or piece.startswith("x")


def test_callback_data_is_compact_and_validated() -> None:
    assert build("m", 12345, 2) == "m:12345:2"
    with pytest.raises(ValueError):
        build("o", "p" + "x" * 70)
    with pytest.raises(ValueError):
        build("m", "abc", 1)  # would not parse back
    long_ref = item_ref("document", "sehr-langer-dokumentname-" * 5)
    assert long_ref.startswith("#") and len(long_ref) == 13
    assert parse(f"d:{long_ref}") == ("d", (long_ref,))
    assert parse("m:1:2") == ("m", ("1", "2"))
    for forged in ("m:1", "m:a:1", "f:1:2", "o:", "o:x1", "q:1", "t:1:2:3", "x" * 65, "", None, "e:1; drop"):
        assert parse(forged) is None


def test_every_area_claims_its_own_callback_data() -> None:
    assert parse("sub:t:0123456789") == ("sub:t", ("0123456789",))
    assert parse("adm:bc:ok:0123456789ab") == ("adm:bc:ok", ("0123456789ab",))
    assert handler_pattern("chat").match("m:1:2") and not handler_pattern("chat").match("sub:a")
    assert handler_pattern("subscriptions").match("sub:x") and not handler_pattern("subscriptions").match("s:p1")
    assert handler_pattern("admin").match("adm:bc:no:zz")
    assert is_unclaimed("q:1") and is_unclaimed("zzz") and not is_unclaimed("sub:d")


def test_inline_keyboard_drops_oversized_callback_data() -> None:
    markup = inline_keyboard([[Button("a", "m:1:1"), Button("b", "x" * 65)], [Button("c", url="https://e.de")]])
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["a"], ["c"]]
    assert inline_keyboard([[Button("b", "x" * 65)]]) is None


def test_plain_rendering_numbers_buttons() -> None:
    reply = Reply().add(Span("Titel", "b"), " & <x>").row(Button("Eins", "e:0"), Button("Zwei", "e:1"))
    assert render_plain(reply) == "Titel & <x>\n\n  [1] Eins\n  [2] Zwei"


@pytest.mark.parametrize(
    ("text", "has_filters", "expected"),
    [("und im Kreis Borken?", True, True), ("nur Zweckverbände", True, True), ("what about Coesfeld", True, True),
     ("im Kreis Borken", True, True), ("im Kreis Borken", False, False), ("Standesamt", False, False),
     ("Welche Kommunen betreiben gemeinsam ein Standesamt im Kreis Borken?", True, False),
     ("und dann noch eine sehr lange Frage mit vielen vielen Wörtern darin", False, False)],
)
def test_follow_up_detection(text: str, has_filters: bool, expected: bool) -> None:
    filters = QueryFilters(kreise=frozenset({"Kreis Borken"})) if has_filters else QueryFilters()
    assert is_follow_up(text, filters) is expected


def test_rate_limiter_sliding_minute() -> None:
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    limiter = UserRateLimiter(2, lambda: now[0])
    assert limiter.allow(1) and limiter.allow(1) and not limiter.allow(1)
    assert limiter.allow(2)
    assert 55 <= limiter.retry_after_s(1) <= 60
    now[0] += timedelta(seconds=30)
    assert not limiter.allow(1)
    now[0] += timedelta(seconds=31)
    assert limiter.allow(1) and limiter.retry_after_s(2) == 0
