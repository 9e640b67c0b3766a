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
_TAXED = re.compile(r"steuer|hebesatz|hebesaetze|satz|tax|vat", re.I)  # a percentage stated as a rate
_GRADE_ASKED = re.compile(r"\b(?:welche|welcher|in welche)\s+(?:entgelt|besoldungs|gehalts|lohn|tarif)(?:gruppe|stufe)\w*"
                          r"|\bpay grade\b")
_PAY_ASKED = re.compile(r"\b(?:was|wie ?viel)\s+(?:\w+\s+){0,3}verdien\w*|\bgehalt\s+(?:eine[rs]?|vo[nm])\b|\bsalary\b")
_GRADE = re.compile(r"\b(?:Entgeltgruppe|Besoldungsgruppe|EG|E|A)\s?\d{1,2}[a-c]?\b")
_PAY = re.compile(r"\d[\d.,]*\s*(?:euro|eur\b|€)", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def rate_unstated(question: str, passage: str) -> bool:
    """Whether ``question`` asks for a tax rate or pay that ``passage`` does not state (no percentage,
    no pay grade or amount)."""
    folded = fold(question)
    if _TAX_RATE_ASKED.search(folded):  # a percentage beside the tax or rate ("Hebesatz von 380 Prozent")
        return not any(_PERCENTAGE.search(s) and _TAXED.search(s) for s in _SENTENCE_END.split(passage))
    if _GRADE_ASKED.search(folded):  # "Welche Besoldungsgruppe …?": a grade, not any amount of money
        return not _GRADE.search(passage)
    return bool(_PAY_ASKED.search(folded)) and not (_GRADE.search(passage) or _PAY.search(passage))
