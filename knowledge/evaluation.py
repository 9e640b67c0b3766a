"""Evaluation of answers on a question set with gold ids: hit@1, recall@5, MRR, withheld answers,
and whether the snippet holds the answering passage.

A case (one JSON object per line) has ``q`` and ``gold`` (item ids; empty for out-of-domain
questions) and optionally ``type``, ``split`` (dev/test), ``section`` (statutes: "§ 2b Abs. 3"),
``passage`` (a phrase of the answering sentence), ``facts`` (values the answer must state) and
``now`` (the date a question about "nächsten Monat" is asked on).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from embeddings.lexical import fold
from knowledge.answers import Answer

NOT_SCORED_TYPES = ("smalltalk", "no_answer_in_base")  # reported on their own
TARGET_SNIPPET_TYPES = ("statute", "fact")  # the snippet target of issue 8 is set for these question types


@dataclass
class EvalCase:
    q: str
    gold: list[str]
    type: str = "general"
    split: str = ""
    section: str = ""
    passage: str = ""
    facts: list[str] = field(default_factory=list)
    facts_by_id: dict[str, list[str]] = field(default_factory=dict)  # when each gold item states its own value
    now: datetime | None = None

    @property
    def answerable(self) -> bool:
        return bool(self.gold)

    @property
    def scored(self) -> bool:
        return self.type not in NOT_SCORED_TYPES


@dataclass
class EvalOutcome:
    case: EvalCase
    answered: bool
    ranked_ids: list[str]
    level: str = ""
    snippet: str = ""
    section: str = ""

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

    @property
    def passage_checked(self) -> bool:
        """Whether the top hit's snippet can be checked: a gold fact of that item, or the gold
        passage when the top hit is the item the passage was taken from (``gold[0]``)."""
        if not self.ranked_ids:
            return False
        top = self.ranked_ids[0]
        if top in self.case.facts_by_id:
            return True
        if self.case.facts and not self.case.facts_by_id:
            return top in self.case.gold
        return bool(self.case.passage) and top == self.case.gold[0]

    @property
    def snippet_holds(self) -> bool:
        """The top snippet (with its section heading) contains the answering passage or the facts."""
        text = _normal(f"{self.section} {self.snippet}")
        top = self.ranked_ids[0] if self.ranked_ids else ""
        if top in self.case.facts_by_id:  # that item's own value(s): one of them suffices
            return any(_normal(fact) in text for fact in self.case.facts_by_id[top])
        if self.case.facts:
            return all(_normal(fact) in text for fact in self.case.facts)
        return _normal(self.case.passage) in text

    @property
    def section_matches(self) -> bool:
        """The top result's section is the gold § (and Absatz, where the gold names one)."""
        if not self.case.section:
            return False
        return _normal(self.section).startswith(_normal(self.case.section))


def _normal(text: str) -> str:
    """Words and numbers only; "80 %" and "80 Prozent" state the same fact."""
    return re.sub(r"[^a-z0-9§]+", " ", re.sub(r"\s*%", " prozent", fold(text))).strip()


@dataclass
class EvalReport:
    outcomes: list[EvalOutcome] = field(default_factory=list)

    @staticmethod
    def _metrics(outcomes: list[EvalOutcome]) -> dict[str, float | int]:
        scored = [o for o in outcomes if o.case.scored]
        answerable = [o for o in scored if o.case.answerable]
        ood = [o for o in scored if not o.case.answerable]
        m: dict[str, float | int] = {"n": len(scored)}
        if answerable:
            m["hit@1"] = sum(o.hit1 for o in answerable) / len(answerable)
            m["recall@5"] = sum(o.recall5 for o in answerable) / len(answerable)
            m["mrr"] = sum(o.reciprocal_rank for o in answerable) / len(answerable)
            m["answerable_abstained"] = sum(not o.answered for o in answerable) / len(answerable)
            m["answerable_no_candidates"] = sum(o.level == "none" for o in answerable) / len(answerable)
        if ood:
            m["ood_abstained"] = sum(not o.answered for o in ood) / len(ood)
        checked = [o for o in answerable if o.passage_checked]
        if checked:
            m["snippet_holds"] = sum(o.snippet_holds for o in checked) / len(checked)
            m["snippet_n"] = len(checked)
        targeted = [o for o in checked if o.case.type in TARGET_SNIPPET_TYPES]
        if targeted:
            m["snippet_statute_fact"] = sum(o.snippet_holds for o in targeted) / len(targeted)
        sections = [o for o in answerable if o.case.section]
        if sections:
            m["section@1"] = sum(o.section_matches and o.hit1 for o in sections) / len(sections)
        return m

    def summary(self) -> dict:
        by_type: dict[str, list[EvalOutcome]] = defaultdict(list)
        for outcome in self.outcomes:
            by_type[outcome.case.type].append(outcome)
        return {
            "overall": self._metrics(self.outcomes),
            "by_type": {t: self._metrics(o) for t, o in sorted(by_type.items())},
            "not_scored": {
                t: {"n": len(o), "answered": sum(x.answered for x in o) / len(o)}
                for t, o in sorted(by_type.items()) if t in NOT_SCORED_TYPES
            },
        }

    def failures(self) -> list[dict]:
        out = []
        for o in self.outcomes:
            wrong = (o.case.answerable and (not o.hit1 or not o.answered)) or (not o.case.answerable and o.answered)
            if o.case.answerable and o.passage_checked and not o.snippet_holds:
                wrong = True
            if wrong and o.case.scored:
                out.append({"q": o.case.q, "type": o.case.type, "gold": o.case.gold, "got": o.ranked_ids[:5],
                            "answered": o.answered, "level": o.level, "snippet": o.snippet})
        return out


def load_cases(path: Path, *, split: str | None = None) -> list[EvalCase]:
    """Cases of a JSONL file (only those of ``split`` when given)."""
    cases = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            now = obj.get("now")
            case = EvalCase(
                q=obj["q"], gold=list(obj.get("gold") or []), type=obj.get("type", "general"),
                split=obj.get("split", ""), section=obj.get("section") or "", passage=obj.get("passage") or "",
                facts=list(obj.get("facts") or []), facts_by_id=dict(obj.get("facts_by_id") or {}),
                now=datetime.fromisoformat(now).replace(tzinfo=UTC) if now else None,
            )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}:{number}: invalid eval case ({exc})") from exc
        if split is None or case.split == split:
            cases.append(case)
    return cases


def evaluate(cases: Iterable[EvalCase], ask: Callable[[EvalCase], Answer]) -> EvalReport:
    report = EvalReport()
    for case in cases:
        answer = ask(case)
        best = answer.best
        report.outcomes.append(EvalOutcome(
            case, answer.answered, [h.id for h in answer.hits], answer.level,
            best.snippet if best else "", best.section if best else "",
        ))
    return report


def format_summary(summary: dict) -> str:
    def row(name: str, m: dict) -> str:
        def pct(key: str) -> str:
            return f"{m[key]:.3f}" if key in m else "  -  "

        return (f"{name:<18} n={m['n']:<4} hit@1={pct('hit@1')} recall@5={pct('recall@5')} mrr={pct('mrr')} "
                f"withheld(answerable)={pct('answerable_abstained')} withheld(ood)={pct('ood_abstained')} "
                f"snippet={pct('snippet_holds')}")

    lines = [row("overall", summary["overall"])]
    lines += [row(t, m) for t, m in summary["by_type"].items() if t not in NOT_SCORED_TYPES]
    for t, m in summary.get("not_scored", {}).items():
        lines.append(f"{t:<18} n={m['n']:<4} answered={m['answered']:.3f} (not scored)")
    return "\n".join(lines)
