"""Recent answers by query-log id, so "more results" pages without searching again."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from knowledge.answers import Answer

ANSWER_CACHE_SIZE = 2000


class AnswerCache:
    """The last ``size`` answers; a miss (e.g. after a restart) asks ``reask(qid)`` (thread-safe)."""

    def __init__(self, reask: Callable[[int], Answer | None], size: int = ANSWER_CACHE_SIZE) -> None:
        self.reask = reask
        self.size = size
        self._lock = threading.Lock()
        self._answers: OrderedDict[int, Answer] = OrderedDict()

    def put(self, qid: int, answer: Answer) -> None:
        with self._lock:
            self._answers[qid] = answer
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)

    def get(self, qid: int) -> Answer | None:
        with self._lock:
            answer = self._answers.get(qid)
        if answer is not None:
            return answer
        answer = self.reask(qid)
        if answer is not None:
            self.put(qid, answer)
        return answer

    def discard(self, qids: set[int]) -> None:
        """Forget these answers (their questions were erased)."""
        with self._lock:
            for qid in qids:
                self._answers.pop(qid, None)
