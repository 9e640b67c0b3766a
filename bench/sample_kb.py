"""Build (or reuse) the sample knowledge base in a benchmark data directory."""

from __future__ import annotations

from pathlib import Path

from knowledge.service import KnowledgeBase
from knowledge.sample_base import load_base
from knowledge.settings import Settings

BENCH_DIR = Path(__file__).resolve().parent
OUT = BENCH_DIR / "out"


def open_sample_kb(name: str = "sample", encoder=None, **settings: object) -> tuple[KnowledgeBase, list]:
    """The sample knowledge base in bench/out/<name> (ingest is incremental, so re-runs are fast)."""
    kb = KnowledgeBase(Settings(_env_file=None, data_dir=OUT / name, **settings), encoder=encoder)
    return kb, load_base(kb)
