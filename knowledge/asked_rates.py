"""Questions for a rate (a tax rate, a pay grade or salary), and whether the passage found states one.

"Welcher Umsatzsteuersatz gilt für Speisen im Restaurant?" on a base holding the UStG excerpt, "Wie
hoch ist die Grunderwerbsteuer in Hessen?" on a base with a guide on sharing trade tax, "Welche
Entgeltgruppe bekommt eine Verwaltungsfachangestellte?" on a base with a guide on staff transfer: the
passage found is on the subject, but it states no rate, so it does not answer (the rates are not in the
base; a question about one person's pay is no question about cooperation).
"""

from __future__ import annotations

import re

from embeddings.lexical import fold

_TAX_RATE_ASKED = re.compile(r"\w*(?:steuer|hebe)(?:satz|saetze)\b|\bwie hoch (?:ist|sind) (?:\w+ ){0,2}\w*steuer\b"
                             r"|\b(?:tax|vat) rates?\b")
_PERCENTAGE = re.compile(r"\d[\d.,]*\s*(?:prozent|%|vom hundert|prozentpunkte)", re.I)
_PAY_ASKED = re.compile(r"\b(?:welche|welcher|in welche)\s+(?:entgelt|besoldungs|gehalts|lohn|tarif)(?:gruppe|stufe)\w*"
                        r"|\b(?:was|wie ?viel)\s+(?:\w+\s+){0,3}verdien\w*|\bgehalt\s+(?:eine[rs]?|vo[nm])\b"
                        r"|\b(?:pay grade|salary)\b")
_PAY = re.compile(r"\b(?:Entgeltgruppe|Besoldungsgruppe|EG|E|A)\s?\d{1,2}[a-c]?\b|\d[\d.,]*\s*(?:euro|eur\b|€)", re.I)


def rate_unstated(question: str, passage: str) -> bool:
    """Whether ``question`` asks for a tax rate or pay that ``passage`` does not state (no percentage,
    no pay grade or amount)."""
    folded = fold(question)
    if _TAX_RATE_ASKED.search(folded):
        return not _PERCENTAGE.search(passage)
    return bool(_PAY_ASKED.search(folded)) and not _PAY.search(passage)
