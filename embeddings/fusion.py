"""Reciprocal rank fusion of several ranked lists."""

from __future__ import annotations

from collections.abc import Hashable, Sequence


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[Hashable]], *, k: int = 60, weights: Sequence[float] | None = None
) -> dict[Hashable, float]:
    """Fuse ranked lists (best first) into one score per key: sum of ``w / (k + rank)``."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[Hashable, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + weight / (k + rank)
    return fused
