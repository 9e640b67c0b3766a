"""Questions for a tax rate, and whether the passage found states one.

"Welcher Umsatzsteuersatz gilt für Speisen im Restaurant?" on a base holding the UStG excerpt, or "Wie
hoch ist die Grunderwerbsteuer in Hessen?" on a base with a guide on sharing trade tax: the passage
found is on the subject, but it states no rate, so it does not answer (the rates are not in the base).
"""

from __future__ import annotations

import re

from embeddings.lexical import fold

_RATE_ASKED = re.compile(r"\w*(?:steuer|hebe)(?:satz|saetze)\b|\bwie hoch (?:ist|sind) (?:\w+ ){0,2}\w*steuer\b"
                         r"|\b(?:tax|vat) rates?\b")
_RATE = re.compile(r"\d[\d.,]*\s*(?:prozent|%|vom hundert|prozentpunkte)", re.I)


def rate_unstated(question: str, passage: str) -> bool:
    """Whether ``question`` asks for a tax rate that ``passage`` does not state (it gives no percentage)."""
    return bool(_RATE_ASKED.search(fold(question))) and not _RATE.search(passage)
