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
from knowledge.query_vocabulary import SECOND_QUESTION
from knowledge.snippets import FACT_PATTERNS

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
        # the tax named ("Grunderwerbsteuer", not "Gewerbesteuer"), or the rate of it ("Gewerbesteuerhebesatz": "Hebesatz")
        taxes = {part for tax, rate in re.findall(r"\b(\w{3,}steuer)(\w*)", folded) for part in (tax, rate) if len(part) >= 5}
        return not any(_PERCENTAGE.search(s) and (any(t in fold(s) for t in taxes) if taxes else _TAXED.search(s))
                       for s in _SENTENCE_END.split(passage))
    if _GRADE_ASKED.search(folded):  # "Welche Besoldungsgruppe …?": a grade, not any amount of money
        return not _GRADE.search(passage)
    return bool(_PAY_ASKED.search(folded)) and not (_GRADE.search(passage) or _PAY.search(passage))


# a project's figures: "Wie viel spart die gemeinsame Vergabestelle pro Jahr?", "Wie viele Mitarbeitende hat …?"
_COST_ASKED = re.compile(r"\b(?:was|wie ?viel)\s+(?:\w+\s+){0,2}kost\w*|\bhow much does\b")
_SAVING_ASKED = re.compile(r"\b(?:was|wie ?viel|how much)\s+(?:\w+\s+){0,4}(?:spar\w*|einspar\w*|eingespart|sav\w+)\b")
_STAFF_ASKED = re.compile(r"\bwie ?viele\s+(?:\w+\s+)?(?:mitarbeit|beschaeftigt|leute|stellen|personen arbeiten|vollzeit)"
                          r"|\bhow many (?:staff|employees|people work)")
_SAVING = re.compile(r"spar|günstiger|weniger|sank|gesunken|reduz|sav", re.I)
_MONEY = re.compile(r"\d[\d.,]*\s*(?:(?:mio|mrd|millionen|milliarden|tsd|tausend)\.?\s*)?(?:euro|eur\b|€)"
                    r"|kostenlos|kostenfrei|gebührenfrei|unentgeltlich|keine kosten|free of charge", re.I)
FIGURE_QUESTION_WORDS = 16  # a longer message asks more than the figure ("Gibt es Beispiele … und was hat das gebracht?")


def figure_unstated(question: str, item_text: str) -> bool:
    """Whether ``question`` asks only for a cost, a saving or a number of staff (every part of it
    does) and ``item_text`` states none of the figures asked (no amount of money or "kostenlos", no
    amount beside a saving, no number of staff)."""
    folded = fold(question)
    if len(folded.split()) > FIGURE_QUESTION_WORDS:
        return False
    cues = ((_COST_ASKED, lambda s: _MONEY.search(s)),
            (_SAVING_ASKED, lambda s: _SAVING.search(s) and (_MONEY.search(s) or _PERCENTAGE.search(s))),
            (_STAFF_ASKED, lambda s: FACT_PATTERNS["staff"].search(s)))
    parts = [p for sentence in re.split(r"[?!.]\s+", folded) for p in SECOND_QUESTION.split(sentence) if p.strip()]
    if not parts or not all(any(cue.search(p) for cue, _ in cues) for p in parts):
        return False  # "Seit wann gibt es … und wie viele Stellen hat die?": the year answers a part
    wanted = [states for cue, states in cues if cue.search(folded)]
    return not any(states(s) for states in wanted for s in _SENTENCE_END.split(item_text))
