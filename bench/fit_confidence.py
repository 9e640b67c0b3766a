"""Fit the confidence model's weights on the development split of one base, measure on the other.

    python -m bench.fit_confidence            # fit on the sample base's dev split, print weights
    python -m bench.fit_confidence --on base_b

The features are relative to each base (knowledge/confidence.py), so weights fitted on one base
are meant to hold on another; BENCHMARKS.md reports both directions (bench/bench_retrieval.py).
Answerable questions are positives, out-of-domain questions negatives; small talk is decided by
its own rule and questions whose answer is not in the base are left out of the fit.
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from bench.bases import cached_base, questions
from embeddings.encoder import create_encoder
from knowledge.confidence import ConfidenceModel, Signals
from knowledge.evaluation import EvalCase
from knowledge.service import KnowledgeBase

FEATURES = ("dense", "scope", "lexical", "known")
TARGET_OOD_ANSWERED = 0.0  # on the dev split: no out-of-domain question answered
LOW_RECALL = 0.97  # "low" keeps candidates for this share of answerable dev questions


def collect(kb: KnowledgeBase, cases: list[EvalCase]) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows (relative to this base) and labels (1 answerable, 0 out of domain)."""
    model = kb.confidence_model()
    rows, labels = [], []
    for case in cases:
        if case.type in ("smalltalk", "no_answer_in_base"):
            continue
        answer = kb.ask(case.q, k=5, now=case.now)
        if not answer.hits:
            continue
        features = model.features(Signals(**answer.signals))
        rows.append([features[name] for name in FEATURES])
        labels.append(1 if case.gold else 0)
    return np.asarray(rows, dtype=np.float64), np.asarray(labels, dtype=np.float64)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 20000) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression on standardised features (gradient descent, classes
    weighted equally); returns weights and bias for the unstandardised features."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / scale
    w = np.zeros(x.shape[1])
    b = 0.0
    weight = np.where(y == 1, 0.5 / max(y.sum(), 1), 0.5 / max((1 - y).sum(), 1))
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        grad = (p - y) * weight
        w -= 0.5 * (z.T @ grad + l2 * w / len(y))
        b -= 0.5 * grad.sum()
    return w / scale, b - float((w * mean / scale).sum())


def fit(x: np.ndarray, y: np.ndarray) -> ConfidenceModel:
    w, b = fit_logistic(x, y)
    scores = x @ w
    negatives = np.sort(scores[y == 0])[::-1]
    positives = np.sort(scores[y == 1])
    # high: the bias puts the decision just above the allowed share of out-of-domain questions
    allowed = int(math.floor(TARGET_OOD_ANSWERED * len(negatives)))
    cut = negatives[allowed] if len(negatives) > allowed else negatives[-1]
    bias = -(cut + 1e-6)
    low_cut = positives[int(math.floor((1 - LOW_RECALL) * len(positives)))] if len(positives) else cut
    low = min(low_cut + bias, -1e-3)
    weights = {name: round(float(value), 4) for name, value in zip(FEATURES, w)}
    return ConfidenceModel(weights=weights, bias=round(float(bias), 4), low=round(float(low), 4))


def rates(model: ConfidenceModel, x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    scores = x @ np.asarray([model.weights[name] for name in FEATURES]) + model.bias
    return {
        "answerable_withheld": float(np.mean(scores[y == 1] < 0)) if (y == 1).any() else float("nan"),
        "ood_withheld": float(np.mean(scores[y == 0] < 0)) if (y == 0).any() else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--on", default="sample", choices=("sample", "base_b"), help="base to fit on (dev split)")
    args = parser.parse_args()
    other = "base_b" if args.on == "sample" else "sample"
    encoder = create_encoder("e5-small-q4")
    kb = cached_base(args.on, encoder=encoder)
    x, y = collect(kb, questions(args.on, "dev"))
    model = fit(x, y)
    print(f"fitted on {args.on} dev ({int(y.sum())} answerable, {int((1 - y).sum())} out of domain):")
    print(f"  weights={model.weights} bias={model.bias} low={model.low}")
    print(f"  {args.on} dev: {rates(model, x, y)}")
    kb_other = cached_base(other, encoder=encoder)
    for split in ("dev", "test"):
        xo, yo = collect(kb_other, questions(other, split))
        print(f"  {other} {split}: {rates(model, xo, yo)}")
    print(f"  {args.on} test: {rates(model, *collect(kb, questions(args.on, 'test')))}")


if __name__ == "__main__":
    main()
