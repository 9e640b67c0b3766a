"""Fit the confidence rule on the development set (never on tests).

    python -m bench.tune_confidence [--max-answerable-abstained 0.03]

For every development question it records the rule's inputs (dense similarity of the best item,
similarity to the out-of-scope descriptions, ln(1 + BM25)), fits a class-weighted logistic
regression (answerable vs out-of-domain), and picks the threshold that abstains on as many
out-of-domain questions as possible while abstaining on at most the given share of answerable
ones. It prints the settings to use (IKZ_ANSWER_*) and a leave-one-out estimate.
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from bench.sample_kb import BENCH_DIR, open_sample_kb
from knowledge.evaluation import load_cases


def fit_logistic(x: np.ndarray, y: np.ndarray, *, negative_weight: float = 4.0, l2: float = 0.1,
                 steps: int = 4000) -> tuple[np.ndarray, float]:
    w, b = np.zeros(x.shape[1]), 0.0
    sample_weight = np.where(y == 1, 1.0, negative_weight)
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = (p - y) * sample_weight
        w -= 0.1 * (x.T @ g / len(y) + l2 * w)
        b -= 0.1 * g.mean()
    return w, b


def operating_point(scores: np.ndarray, y: np.ndarray, max_answerable_abstained: float) -> tuple[float, float, float]:
    best = (float(scores.min()), 0.0, 0.0)
    for t in np.sort(scores):
        answered = scores >= t
        ans_abst = float(((~answered) & (y == 1)).sum() / max((y == 1).sum(), 1))
        ood_abst = float(((~answered) & (y == 0)).sum() / max((y == 0).sum(), 1))
        if ans_abst <= max_answerable_abstained and ood_abst > best[1]:
            best = (float(t), ood_abst, ans_abst)
    return best


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-answerable-abstained", type=float, default=0.03)
    args = parser.parse_args(argv)
    kb, _ = open_sample_kb()
    cases = load_cases(BENCH_DIR / "devset.jsonl")
    features, labels = [], []
    for case in cases:
        answer = kb.ask(case.q, k=5)
        if answer.filters.restricts_projects and kb.understand(case.q).filter_only:
            continue  # pure list questions are answered by their filters, not by the rule
        s = answer.signals
        features.append([s["dense"], s["out_of_scope"], math.log1p(s["bm25"])])
        labels.append(1.0 if case.gold else 0.0)
    kb.close()
    x, y = np.array(features), np.array(labels)
    mu, sd = x.mean(0), x.std(0)
    xn = (x - mu) / sd
    w, b = fit_logistic(xn, y)
    raw = w / sd
    bias = b - float((w * mu / sd).sum())
    scores = x @ raw + bias
    t, ood, ans = operating_point(scores, y, args.max_answerable_abstained)
    # rule in the form dense − a·out_of_scope + l·ln(1+bm25) ≥ threshold
    anchor_weight, lexical_weight = -raw[1] / raw[0], raw[2] / raw[0]
    threshold = (t - bias) / raw[0]
    loo = np.zeros(len(y))
    for i in range(len(y)):
        mask = np.ones(len(y), bool)
        mask[i] = False
        wi, bi = fit_logistic(xn[mask], y[mask], steps=1000)
        loo[i] = xn[i] @ wi + bi
    _, loo_ood, loo_ans = operating_point(loo, y, args.max_answerable_abstained)
    print(f"IKZ_ANSWER_THRESHOLD={threshold:.4f}\nIKZ_ANSWER_OUT_OF_SCOPE_WEIGHT={anchor_weight:.4f}\n"
          f"IKZ_ANSWER_LEXICAL_WEIGHT={lexical_weight:.4f}")
    print(f"development set: out-of-domain abstained {ood:.3f}, answerable abstained {ans:.3f} "
          f"(leave-one-out: {loo_ood:.3f} / {loo_ans:.3f}); {len(y)} questions, {int((y == 0).sum())} out-of-domain")
    return {"threshold": threshold, "anchor_weight": anchor_weight, "lexical_weight": lexical_weight,
            "ood_abstained": ood, "answerable_abstained": ans, "loo_ood": loo_ood, "loo_answerable": loo_ans}


if __name__ == "__main__":
    main()
