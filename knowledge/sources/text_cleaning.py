"""Turning portal HTML (with WordPress shortcodes and entities) into our plain text with sections."""

from __future__ import annotations

import re

from knowledge.ingest.documents import html_to_text

# [shortcode], [shortcode attr="x"], [/shortcode] — but not "[1]" or "[…]" in running text.
SHORTCODE = re.compile(r"\[/?[A-Za-z][\w-]*(?:\s[^\]\[]*)?/?\]")


def strip_shortcodes(html: str) -> str:
    return SHORTCODE.sub("", html)


def portal_html_to_text(html: str) -> str:
    """Body HTML → text with ``## `` sections; shortcodes removed, entities decoded."""
    _title, text = html_to_text(f"<html><body>{strip_shortcodes(html or '')}</body></html>")
    return text


def inline_text(html: str) -> str:
    """A one-line plain text (titles, excerpts): tags, shortcodes and entities resolved."""
    from bs4 import BeautifulSoup

    text = BeautifulSoup(strip_shortcodes(html or ""), "html.parser").get_text(" ", strip=True)
    return re.sub(r"\s+", " ", text).strip()
