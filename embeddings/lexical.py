"""Lexical BM25 scoring with German stemming, stop words and umlaut folding (bm25s + PyStemmer)."""

from __future__ import annotations

import bisect
import difflib
import math
import os
import re
import threading
from collections import defaultdict
from collections.abc import Sequence

import logging

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_GERMAN

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG

_WORD = re.compile(r"[0-9a-zA-ZäöüÄÖÜß]+(?:[-'][0-9a-zA-ZäöüÄÖÜß]+)*")
MIN_MODIFIER, MIN_HEAD = 4, 5  # an unknown compound "jahres|umsatz" is searched by its known head
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e"})


def fold(text: str) -> str:
    """Lower-case and spell umlauts out (ä→ae, ß→ss) so that 'Buergerbuero' matches 'Bürgerbüro'."""
    return text.lower().translate(_FOLD)


_STOP = {fold(w) for w in STOPWORDS_GERMAN} | {fold(w) for w in STOPWORDS_EN} | {
    "gibt", "welche", "welcher", "welches", "wer", "wie", "was", "wo", "wann", "bitte", "sagen", "kann",
    "koennen", "muss", "muessen", "soll", "sollen", "ueber", "etwas", "infos", "information", "informationen",
    "waere", "waeren", "haette", "haetten", "muesste", "muessten", "duerfte", "duerften", "wuerden", "koennten",
}


_ENDINGS = frozenset({"", "e", "en", "er", "es", "em", "n", "s", "t", "te", "ten", "ter", "tes", "st", "et"})


def _inflected(word: str, other: str) -> bool:
    """Whether two words differ only by an inflection ending ("beauftragen", "beauftragten")."""
    common = len(os.path.commonprefix([word, other]))
    return common >= 4 and word[common:] in _ENDINGS and other[common:] in _ENDINGS


class GermanAnalyzer:
    """Tokenise → fold umlauts → drop stop words → Snowball German stem; hyphenated words also split."""

    def __init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("german")
        self._lock = threading.Lock()  # PyStemmer objects are not thread-safe

    def words(self, text: str) -> list[str]:
        """Folded words without stop words (no stemming)."""
        out: list[str] = []
        for match in _WORD.finditer(text):
            word = fold(match.group())
            parts = [word] + (word.split("-") if "-" in word else [])
            out.extend(p for p in parts if len(p) > 1 and p not in _STOP)
        return out

    def stem(self, words: list[str]) -> list[str]:
        with self._lock:
            return self._stemmer.stemWords(words)

    def tokens(self, text: str) -> list[str]:
        return self.stem(self.words(text))


MAX_CORRECTIONS = 20_000  # spelling corrections remembered per index
SPELLED_SIMILARITY = 0.9  # a correction this close rewrites the word for the dense search too
MIN_SPELLED = 7  # … for words this long (folded): one letter off a short word is often another word


class LexicalIndex:
    """BM25 over a list of texts, addressed by the caller's int64 ids."""

    def __init__(self, ids: Sequence[int], texts: Sequence[str], analyzer: GermanAnalyzer | None = None) -> None:
        self.analyzer = analyzer or GermanAnalyzer()
        self.ids = np.asarray(list(ids), dtype=np.int64)
        self._position = {int(i): p for p, i in enumerate(self.ids)}
        words = [self.analyzer.words(t) for t in texts]
        corpus = [self.analyzer.stem(w) or ["_"] for w in words]
        self._bm25 = bm25s.BM25(k1=1.2, b=0.75)
        self._vocab: set[str] = set()
        if corpus:
            self._bm25.index(corpus, show_progress=False)
            self._vocab = {tok for doc in corpus for tok in doc}
        self._words = {w for doc in words for w in doc}
        self._surface: dict[str, str] = {}  # folded word → as the texts write it ("zweckverband" → "Zweckverband")
        for text in texts:
            for match in _WORD.finditer(text):
                word = match.group()  # a lower-case form where the texts have one ("darüber", not "Darüber")
                if word[0].islower() or fold(word) not in self._surface:
                    self._surface[fold(word)] = word
        document_frequency: dict[str, int] = defaultdict(int)
        for doc in corpus:
            for token in set(doc):
                document_frequency[token] += 1
        n = max(len(corpus), 1)
        self._share = {t: df / n for t, df in document_frequency.items()}
        self._unknown_idf = math.log(1 + (n + 0.5) / 0.5)
        self._sorted_words = sorted(self._words)
        self._by_initial: dict[str, list[str]] = defaultdict(list)
        for word in sorted(self._words):
            if len(word) >= 4:
                self._by_initial[word[0]].append(word)
        self._lock = threading.Lock()
        self._corrections: dict[str, str] = {}  # unknown word → its correction (bounded, see ``correct``)

    def correct(self, word: str) -> str:
        """A corpus word close to an unknown ``word`` (typo tolerance), or ``word`` itself."""
        if word in self._words or len(word) < 5 or word.isdigit():
            return word
        corrected = self._corrections.get(word)  # a question's words are looked up several times per ask
        if corrected is None:
            close = difflib.get_close_matches(word, self._by_initial.get(word[0], ()), n=1, cutoff=0.84)
            corrected = close[0] if close else word
            if len(self._corrections) >= MAX_CORRECTIONS:
                self._corrections.clear()
            self._corrections[word] = corrected
        return corrected

    def __len__(self) -> int:
        return len(self.ids)

    def spelled(self, text: str, *, similarity: float = SPELLED_SIMILARITY) -> str:
        """``text`` with its misspelt words written as the corpus writes the word they are corrected to
        ("wie grüdet man einen zweckverbad" → "wie gründet man einen Zweckverband"), for the dense search.
        Only close corrections (``similarity``): "Gedicht" is no typo of "Gewicht"; nor is another form of a
        word the corpus uses ("Nachbar" → "Nachbarn", "Mitarbeiter" ~ "mitarbeiten") rewritten."""
        def fix(match: re.Match[str]) -> str:
            word = fold(match.group())
            if word in self._words or word in _STOP or len(word) < MIN_SPELLED:  # "denken" is no typo of "denen"
                return match.group()
            corrected = self.correct(word)
            if (_inflected(word, corrected)  # "Nachbar" ~ "Nachbarn", "beauftragen" ~ "beauftragten": a form, no typo
                    or self.analyzer.stem([word])[0] in self._vocab  # "Mitarbeiter": a form of "mitarbeiten"
                    or difflib.SequenceMatcher(None, word, corrected).ratio() < similarity):
                return match.group()
            return self._surface.get(corrected, match.group())

        return _WORD.sub(fix, text)

    def query_tokens(self, query: str, *, heads: bool = False) -> list[str]:
        """The query's analysed tokens that occur in the corpus (unknown words spelling-corrected;
        ``heads``: an unknown compound by its known head, "Jahresumsatz" → "umsatz")."""
        words = [self.correct(w) for w in self.analyzer.words(query)]
        tokens = (t if t in self._vocab else self._known_head(t) if heads else ""
                  for t in self.analyzer.stem(words))
        return [t for t in dict.fromkeys(tokens) if t]

    def _known_head(self, token: str) -> str:
        """An unknown compound's longest head that the corpus uses ("jahresumsatz" → "umsatz"), or ""."""
        for start in range(MIN_MODIFIER, len(token) - MIN_HEAD + 1):
            if token[start:] in self._vocab:
                return token[start:]
        return ""

    @property
    def max_idf(self) -> float:
        """IDF of a term in a single passage; grows with ln(corpus size), used to normalise scores."""
        return self._unknown_idf

    def is_known(self, word: str) -> bool:
        """Whether the corpus uses the (folded) word, a close spelling, or a compound starting with it."""
        if word in self._words or self.correct(word) in self._words:
            return True
        if len(word) >= 5:
            position = bisect.bisect_left(self._sorted_words, word)
            return position < len(self._sorted_words) and self._sorted_words[position].startswith(word)
        return False

    def joins_known_words(self, word: str) -> bool:
        """Whether the (folded) compound is two words the corpus uses ("breitbandausbau": "breitband" +
        "ausbau", also with a linking s); not "handyvertrag", whose first part it does not use."""
        for i in range(6, len(word) - 5):  # parts of 6 letters or more: "Kreisumlage" is no "Kreis" + "Umlage"
            head = word[i:]
            if head in self._words and (word[:i] in self._words or word[i - 1] == "s" and word[:i - 1] in self._words):
                return True
        return False

    def idf(self, token: str) -> float:
        """BM25 inverse document frequency of an analysed (stemmed) token; 0 for unknown tokens."""
        share = self._share.get(token)
        if share is None:
            return 0.0
        n = max(len(self.ids), 1)
        df = share * n
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def is_common(self, word: str, share: float = 0.15) -> bool:
        """Whether the word (stemmed) occurs in more than ``share`` of all passages."""
        stems = self.analyzer.stem([self.correct(word)])
        return bool(stems) and self._share.get(stems[0], 0.0) > share

    def all_scores(self, query: str) -> np.ndarray:
        """BM25 score of every text, in id order (zeros when no query term is known)."""
        tokens = self.query_tokens(query)
        if not tokens or not len(self.ids):
            return np.zeros(len(self.ids), dtype=np.float32)
        with self._lock:
            return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

    def top(self, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The ``k`` best ids with positive scores (from :meth:`all_scores`), best first."""
        if not scores.size or k <= 0:
            return []
        k = min(k, scores.size)
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best])]
        return [(int(self.ids[p]), float(scores[p])) for p in best if scores[p] > 0]

    def pick(self, scores: np.ndarray, ids: Sequence[int]) -> dict[int, float]:
        """The scores (from :meth:`all_scores`) of chosen ids."""
        return {int(i): float(scores[self._position[int(i)]]) for i in ids if int(i) in self._position}
