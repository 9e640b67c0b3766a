"""The knowledge bases that retrieval is measured on, built into data directories.

* ``sample`` — the bundled illustrative NRW base (data/sample/).
* ``base_b`` — a second illustrative base written independently (data/base_b/: Hessen, other
  topics and style) plus the real statutes from ``../shared/real-law/`` (read from there at build
  time, never copied into the repository).

Built bases are cached under ``bench/out/bases/<name>`` and rebuilt when their files change.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from knowledge.evaluation import EvalCase, load_cases
from knowledge.service import KnowledgeBase
from knowledge.settings import PROJECT_ROOT, SAMPLE_DIR, Settings

BASE_B_DIR = PROJECT_ROOT / "data" / "base_b"
def find_real_law() -> Path:
    """The shared statutes: ``$IKZ_REAL_LAW_DIR``, else ``shared/real-law`` beside the checkout (or
    beside the workplace's main checkout when this is a clone elsewhere). Never copied in here."""
    candidates = [Path(os.environ["IKZ_REAL_LAW_DIR"])] if os.environ.get("IKZ_REAL_LAW_DIR") else []
    candidates += [PROJECT_ROOT.parent / "shared" / "real-law", Path("/work/shared/real-law")]
    return next((c for c in candidates if c.is_dir()), candidates[0])


REAL_LAW_DIR = find_real_law()
CACHE_DIR = PROJECT_ROOT / "bench" / "out" / "bases"
QUESTIONS_DIR = PROJECT_ROOT / "bench" / "questions"
LATER_DEV_SETS = ("dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9", "dev10", "dev11", "dev12", "dev13", "dev14")  # blind sets written after the first, all for fitting
NOT_YET_FITTED = ("dev14",)  # measured on the build it was written against, no rule fitted on it yet


def statute_files(folder: Path = REAL_LAW_DIR) -> list[Path]:
    """The statute files of ``../shared/real-law`` (its README is not a statute)."""
    return sorted(p for p in folder.glob("*.md") if p.name.lower() != "readme.md")


def _sources(name: str) -> list[tuple[str, Path]]:
    if name == "sample":
        return [("projects", SAMPLE_DIR / "projects.jsonl"), ("documents", SAMPLE_DIR / "documents"),
                ("faq", SAMPLE_DIR / "faq.jsonl"), ("events", SAMPLE_DIR / "events.jsonl")]
    if name == "base_b":
        return [("projects", BASE_B_DIR / "projects.csv"), ("documents", BASE_B_DIR / "documents"),
                ("faq", BASE_B_DIR / "faq.jsonl"), ("events", BASE_B_DIR / "events.ics"),
                *(("documents", path) for path in statute_files())]
    raise ValueError(f"unknown base {name!r} (sample, base_b)")


def _fingerprint(name: str) -> str:
    digest = hashlib.sha256()
    for _, path in _sources(name):
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    for module in ("chunking.py", "plain_text.py", "store.py"):  # passages depend on these
        digest.update((PROJECT_ROOT / "knowledge" / module).read_bytes())
    return digest.hexdigest()[:16]


def build_base(name: str, data_dir: Path, *, encoder=None, progress: Callable | None = None) -> KnowledgeBase:
    """Ingest base ``name`` into ``data_dir`` (which may already hold an older build)."""
    kb = KnowledgeBase(Settings(_env_file=None, data_dir=data_dir, telegram_bot_token=None), encoder=encoder)
    for kind, path in _sources(name):
        report = kb.ingest(kind, path, source=f"bench:{name}:{path.name}", progress=progress)
        if report.problems:
            raise RuntimeError(f"{name}: problems while loading {path}: {report.problems[:3]}")
    return kb


def cached_base(name: str, *, encoder=None) -> KnowledgeBase:
    """The base, built once into ``bench/out/bases/<name>`` and reused while its files are unchanged."""
    target = CACHE_DIR / name
    stamp = target / "fingerprint"
    fingerprint = _fingerprint(name)
    if stamp.exists() and stamp.read_text() == fingerprint:
        return KnowledgeBase(Settings(_env_file=None, data_dir=target, telegram_bot_token=None), encoder=encoder)
    work = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=CACHE_DIR.parent if CACHE_DIR.parent.exists() else None))
    if target.exists():  # keep cached vectors: only changed passages are embedded again
        shutil.copytree(target, work, dirs_exist_ok=True)
    kb = build_base(name, work, encoder=encoder)
    kb.close()
    (work / "fingerprint").write_text(fingerprint)
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(work), str(target))
    return KnowledgeBase(Settings(_env_file=None, data_dir=target, telegram_bot_token=None), encoder=encoder)


def questions(name: str, split: str | None = None) -> list[EvalCase]:
    """The blind question set of base ``name`` (bench/questions/<name>.jsonl), optionally one split.
    ``dev2`` … ``dev14``: the later blind development sets (<name>_dev2.jsonl … <name>_dev14.jsonl,
    written later, all for fitting)."""
    if split in LATER_DEV_SETS:
        return load_cases(QUESTIONS_DIR / f"{name}_{split}.jsonl")
    return load_cases(QUESTIONS_DIR / f"{name}.jsonl", split=split)
