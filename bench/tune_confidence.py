"""Grid-search the confidence rule on the development set (never on tests).

    python -m bench.tune_confidence

Prints the best thresholds: maximise correct decisions subject to ≥ 90 % out-of-domain abstained
and ≤ 5 % answerable abstained (with a safety margin), preferring fewer answerable abstentions.
"""

from __future__ import annotations

import itertools

import numpy as np

from bench.sample_kb import BENCH_DIR, open_sample_kb
from knowledge.evaluation import load_cases
from knowledge.retrieval import ConfidenceRule, lexical_coverage


def main(argv: list[str] | None = None) -> dict:
    kb, _ = open_sample_kb()
    cases = load_cases(BENCH_DIR / "devset.jsonl")
    rows = []
    for case in cases:
        answer = kb.ask(case.q, k=10)
        snapshot = kb.snapshot()
        top = answer.hits[0] if answer.hits else None
        chunk_text = ""
        if top is not None:
            key = (top.kind, top.id)
            texts = [snapshot.chunks[c].embed_text for c in snapshot.item_chunks.get(key, [])
                     if snapshot.chunks[c].text == top.snippet or True]
            chunk_text = " ".join(texts)
        coverage = lexical_coverage(answer.highlight_terms, chunk_text) if top else 0.0
        listy = bool(answer.filters.places or (answer.filters.legal_forms and answer.filters.list_intent))
        rows.append((case, top.dense if top else 0.0, coverage, listy, answer.answered))
        print(f"{'OOD' if not case.gold else 'ans'} dense={rows[-1][1]:.3f} cov={coverage:.2f} list={listy} "
              f"answered={answer.answered} {case.q}")
    best = None
    for t_hi, t_lo, cov in itertools.product(np.arange(0.80, 0.90, 0.005), np.arange(0.78, 0.88, 0.005),
                                             np.arange(0.2, 0.9, 0.05)):
        if t_lo > t_hi:
            continue
        rule = ConfidenceRule(float(t_hi), float(t_lo), float(cov))
        ood_abst = ans_abst = 0
        n_ood = n_ans = 0
        for case, dense, coverage, listy, answered in rows:
            decided = answered if listy else rule.decide(dense, coverage)
            if case.gold:
                n_ans += 1
                ans_abst += not decided
            else:
                n_ood += 1
                ood_abst += not decided
        ood_rate, ans_rate = ood_abst / max(n_ood, 1), ans_abst / max(n_ans, 1)
        score = (ood_rate >= 0.95, ans_rate <= 0.03, ood_rate + (1 - ans_rate) * 1.5)
        if best is None or score > best[0]:
            best = (score, rule, ood_rate, ans_rate)
    print(f"best: {best[1]} ood_abstained={best[2]:.3f} answerable_abstained={best[3]:.3f}")
    kb.close()
    return {"rule": best[1], "ood_abstained": best[2], "answerable_abstained": best[3]}


if __name__ == "__main__":
    main()
