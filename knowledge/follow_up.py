"""Follow-up questions: whether a message refines the chat's previous question, and the question
they make together ("Standesamt Beispiele?" → "und im Kreis Coesfeld?")."""

from __future__ import annotations

from datetime import datetime

from knowledge.query_understanding import Gazetteer, QueryFilters, UnderstoodQuery

FOLLOW_UP_CUES = (
    "und ", "und?", "nur ", "auch ", "aber ", "sowie ", "oder ", "dasselbe ", "das gleiche ", "ebenso ",
    "what about", "how about", "and ", "only ", "also ", "same ", "or ",
)
PLACE_CUES = ("im ", "in ", "bei ", "für ", "fuer ", "mit ", "ohne ", "als ")


def is_follow_up(text: str, filters: QueryFilters) -> bool:
    """Short messages that start like a refinement ("und im Kreis Borken?", "nur Zweckverbände")."""
    lowered = " ".join(text.lower().split())
    words = len(lowered.split())
    if words > 8:
        return False
    if lowered.startswith(FOLLOW_UP_CUES):
        return True
    return filters.any and words <= 4 and lowered.startswith(PLACE_CUES)


def merged_question(gazetteer: Gazetteer, understood: UnderstoodQuery, previous_text: str,
                    previous_filters: QueryFilters, *, now: datetime, timezone: str) -> UnderstoodQuery:
    """The follow-up read together with the previous question: its filters refine the previous ones,
    and the previous question's content words stay ("Standesamt" + "im Kreis Borken")."""
    before = gazetteer.understand(previous_text, now=now, timezone=timezone)
    residual = list(dict.fromkeys(before.residual_words + understood.residual_words))
    return UnderstoodQuery(understood.text, understood.filters.merged_into(previous_filters), residual,
                           understood.period or before.period, timezone)
