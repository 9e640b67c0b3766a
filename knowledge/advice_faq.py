"""Turn an answered hand-off into an FAQ entry: stored, indexed and answered from then on."""

from __future__ import annotations

from knowledge import handoffs
from knowledge.ingest.records import FaqRecord
from knowledge.query_log import logged_question
from knowledge.service import KnowledgeBase

ADVICE_FAQ_SOURCE = "beratungsstelle"
ADVICE_FAQ_PROVENANCE = "Antwort der Beratungsstelle"


def adopt_as_faq(kb: KnowledgeBase, handoff_id: int) -> str | None:
    """Store question and advisor's answer of hand-off ``handoff_id`` as FAQ ``B<id>`` and
    update the search index (blocking: embeds one passage). None when the hand-off has no
    answer or was adopted already."""
    row = handoffs.get(kb.engine, handoff_id)
    if row is None or row.status != handoffs.ANSWERED or not row.answer:
        return None
    topic = ""
    if row.query_id is not None:
        logged = logged_question(kb.engine, row.query_id)
        topic = (logged.top_topic or "") if logged is not None else ""
    faq_id = f"B{row.id}"
    record = FaqRecord(id=faq_id, question=row.question, answer=row.answer, topic=topic,
                       source=ADVICE_FAQ_PROVENANCE)
    if handoffs.mark_adopted(kb.engine, handoff_id, faq_id) is None:
        return None  # adopted by someone else meanwhile
    kb.apply("faq", [record], source=ADVICE_FAQ_SOURCE)
    return faq_id
