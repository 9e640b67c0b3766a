"""⬇️ CSV buttons: any list (search results, a Kreis, a topic, upcoming events) as a CSV file
(UTF-8 with BOM, ``;``-separated: Excel opens it right). "meine Kommune" exports in
:mod:`bot.my_municipality`. Blocking (database)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from knowledge.csv_export import events_csv, items_csv, projects_csv
from knowledge.service import KnowledgeBase
from knowledge.settings import Settings

from bot.answer_cache import AnswerCache
from bot.replies import GeneratedFile, Reply
from bot.texts import t

EXPORT_LIMIT = 1000


def _slug(text: str) -> str:
    folded = text.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:40] or "liste"


class ListExports:
    def __init__(self, kb: KnowledgeBase, settings: Settings, answers: AnswerCache,
                 clock: Callable[[], datetime]) -> None:
        self.kb = kb
        self.settings = settings
        self.answers = answers
        self.clock = clock

    def _file(self, content: bytes, name: str, title: str, count: int, lang: str) -> Reply:
        return Reply(document=GeneratedFile(content, f"{name}.csv", t("csv_caption", lang, title=title, count=count)))

    def results(self, query_id: int, lang: str) -> Reply | None:
        """All results of a logged question, best first (None: unknown question)."""
        answer = self.answers.get(query_id)
        if answer is None:
            return None
        items = [hit.item for hit in answer.hits]
        title = t("csv_title_results", lang, question=answer.question)
        return self._file(items_csv(items), f"treffer-{_slug(answer.question)}", title, len(items), lang)

    def projects(self, action: str, index: int, lang: str) -> Reply | None:
        """All projects of topic (``action`` "t") or Kreis ("k") number ``index``."""
        names = [name for name, _ in (self.kb.topics() if action == "t" else self.kb.kreise())]
        if not 0 <= index < len(names):
            return None
        name = names[index]
        topic, kreis = (name, None) if action == "t" else (None, name)
        projects, _total = self.kb.projects(topic=topic, kreis=kreis, limit=EXPORT_LIMIT)
        title = t("csv_title_topic" if action == "t" else "csv_title_kreis", lang, name=name)
        return self._file(projects_csv(projects), f"projekte-{_slug(name)}", title, len(projects), lang)

    def events(self, lang: str) -> Reply:
        events = self.kb.upcoming_events(now=self.clock(), limit=EXPORT_LIMIT)
        return self._file(events_csv(events, timezone=self.settings.timezone), "veranstaltungen",
                          t("csv_title_events", lang), len(events), lang)
