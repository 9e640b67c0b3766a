"""Evaluation of retrieval on a question set with gold ids: hit@1, recall@5, MRR, abstention."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.answers import Answer


@dataclass
class EvalCase:
    q: str
    gold: list[str]
    type: str = "general"

    @property
    def answerable(self) -> bool:
        return bool(self.gold)


@dataclass
class EvalOutcome:
    case: EvalCase
    answered: bool
    ranked_ids: list[str]

    @property
    def hit1(self) -> bool:
        return bool(self.ranked_ids) and self.ranked_ids[0] in self.case.gold

    @property
    def recall5(self) -> float:
        gold = set(self.case.gold)
        if not gold:
            return 0.0
        return len(gold & set(self.ranked_ids[:5])) / min(len(gold), 5)

    @property
    def reciprocal_rank(self) -> float:
        for rank, item_id in enumerate(self.ranked_ids, start=1):
            if item_id in self.case.gold:
                return 1.0 / rank
        return 0.0


@dataclass
class EvalReport:
    outcomes: list[EvalOutcome] = field(default_factory=list)

    @staticmethod
    def _metrics(outcomes: list[EvalOutcome]) -> dict[str, float | int]:
        answerable = [o for o in outcomes if o.case.answerable]
        ood = [o for o in outcomes if not o.case.answerable]
        m: dict[str, float | int] = {"n": len(outcomes)}
        if answerable:
            m["hit@1"] = sum(o.hit1 for o in answerable) / len(answerable)
            m["recall@5"] = sum(o.recall5 for o in answerable) / len(answerable)
            m["mrr"] = sum(o.reciprocal_rank for o in answerable) / len(answerable)
            m["answerable_abstained"] = sum(not o.answered for o in answerable) / len(answerable)
        if ood:
            m["ood_abstained"] = sum(not o.answered for o in ood) / len(ood)
        return m

    def summary(self) -> dict:
        by_type: dict[str, list[EvalOutcome]] = defaultdict(list)
        for outcome in self.outcomes:
            by_type[outcome.case.type].append(outcome)
        return {
            "overall": self._metrics(self.outcomes),
            "by_type": {t: self._metrics(o) for t, o in sorted(by_type.items())},
        }

    def failures(self) -> list[dict]:
        out = []
        for o in self.outcomes:
            wrong = (o.case.answerable and (not o.hit1 or not o.answered)) or (not o.case.answerable and o.answered)
            if wrong:
                out.append({"q": o.case.q, "type": o.case.type, "gold": o.case.gold, "got": o.ranked_ids[:5],
                            "answered": o.answered})
        return out


def load_cases(path: Path) -> list[EvalCase]:
    cases = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            cases.append(EvalCase(q=obj["q"], gold=list(obj.get("gold") or []), type=obj.get("type", "general")))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: invalid eval case ({exc})") from exc
    return cases


def evaluate(cases: Iterable[EvalCase], ask: Callable[[str], Answer]) -> EvalReport:
    report = EvalReport()
    for case in cases:
        answer = ask(case.q)
        report.outcomes.append(EvalOutcome(case, answer.answered, [h.id for h in answer.hits]))
    return report


def format_summary(summary: dict) -> str:
    def row(name: str, m: dict) -> str:
        def pct(key: str) -> str:
            return f"{m[key]:.3f}" if key in m else "  -  "

        return (f"{name:<12} n={m['n']:<4} hit@1={pct('hit@1')} recall@5={pct('recall@5')} mrr={pct('mrr')} "
                f"abstain(answerable)={pct('answerable_abstained')} abstain(ood)={pct('ood_abstained')}")

    lines = [row("overall", summary["overall"])]
    lines += [row(t, m) for t, m in summary["by_type"].items()]
    return "\n".join(lines)
