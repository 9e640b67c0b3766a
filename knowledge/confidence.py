"""The confidence decision: "high" (answer), "low" (maybe — show candidates), "none" (honest no).

Signals of a question (knowledge/retrieval.py) are first made relative to the knowledge base it is
asked of, then combined linearly:

* ``dense`` — cosine similarity of the best passage — is placed on the scale spanned by the same
  similarity for generic out-of-scope probe questions (0) and generic in-scope probe questions (1)
  against this base (:class:`Calibration`, computed at every index build from knowledge/probes.py);
* ``scope`` — similarity to the in-scope descriptions minus similarity to the out-of-scope ones
  (knowledge/scope.py), the same on every base;
* ``lexical`` — ln(1 + BM25 top score / IDF of a word in one passage of this base);
* ``known`` — share of the question's words that the base uses.

The weights are fitted on the development split of one base and measured on the other
(``python -m bench.fit_confidence``, BENCHMARKS.md); no constant depends on one base's size,
vocabulary or score range, which the calibration supplies.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Signals:
    dense: float
    in_scope: float = 0.0
    out_of_scope: float = 0.0
    lexical: float = 0.0
    known: float = 0.0
    margin: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {key: round(value, 5) for key, value in asdict(self).items()}


@dataclass(frozen=True)
class Calibration:
    """Where this base puts generic out-of-scope and in-scope questions on the dense scale."""

    out_dense: float = 0.80
    in_dense: float = 0.87
    out_lexical: float = 0.2
    in_lexical: float = 0.6
    probes: int = 0
    model_id: str = ""

    @classmethod
    def from_probe_signals(cls, inside: list[Signals], outside: list[Signals], model_id: str = "") -> "Calibration":
        """Medians of the probes' signals; a robust centre that a few unusual probes do not move."""
        if not inside or not outside:
            return cls(model_id=model_id)
        out_dense = statistics.median(s.dense for s in outside)
        in_dense = statistics.median(s.dense for s in inside)
        if in_dense - out_dense < 0.01:  # degenerate base (tiny or off-topic): keep a usable scale
            in_dense = out_dense + 0.01
        return cls(
            out_dense=out_dense,
            in_dense=in_dense,
            out_lexical=statistics.median(s.lexical for s in outside),
            in_lexical=statistics.median(s.lexical for s in inside),
            probes=len(inside) + len(outside),
            model_id=model_id,
        )

    def relative_dense(self, dense: float) -> float:
        return (dense - self.out_dense) / (self.in_dense - self.out_dense)

    def relative_lexical(self, lexical: float) -> float:
        return (lexical - self.out_lexical) / max(self.in_lexical - self.out_lexical, 0.05)

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "Calibration | None":
        try:
            return cls(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None


@dataclass(frozen=True)
class ConfidenceModel:
    """``score = bias + Σ weight·feature``; high when ≥ 0, low when ≥ ``low`` (< 0), else none."""

    # fitted on the sample base's development split (python -m bench.fit_confidence, BENCHMARKS.md)
    weights: dict[str, float] = field(default_factory=lambda: {
        "dense": 0.8094, "scope": 72.9628, "lexical": 0.4675, "known": 0.1386,
    })
    bias: float = -0.5636
    low: float = -1.0
    calibration: Calibration = field(default_factory=Calibration)

    def features(self, signals: Signals) -> dict[str, float]:
        cal = self.calibration
        return {
            "dense": cal.relative_dense(signals.dense),
            "scope": signals.in_scope - signals.out_of_scope,
            "lexical": cal.relative_lexical(signals.lexical),
            "known": signals.known,
        }

    def score(self, signals: Signals) -> float:
        features = self.features(signals)
        return self.bias + sum(self.weights.get(name, 0.0) * value for name, value in features.items())

    def level(self, score: float) -> str:
        if score >= 0:
            return "high"
        return "low" if score >= self.low else "none"

    def with_calibration(self, calibration: Calibration) -> "ConfidenceModel":
        return ConfidenceModel(self.weights, self.bias, self.low, calibration)
