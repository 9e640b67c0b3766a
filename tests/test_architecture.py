"""The layering and size rules of docs/ARCHITECTURE.md, checked on the source: inner packages
never import outer ones (embeddings ← knowledge ← jobs ← bot ← bot.py), ``jobs`` never imports
``telegram``, and no module outside the tests has more than 350 lines."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["embeddings", "knowledge", "jobs", "bot"]
MAX_LINES = 350


def _modules() -> list[Path]:
    return [p for layer in LAYERS for p in (ROOT / layer).rglob("*.py") if "migrations" not in p.parts]


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_inner_packages_never_import_outer_ones() -> None:
    wrong = []
    for path in _modules():
        layer = path.relative_to(ROOT).parts[0]
        outer = set(LAYERS[LAYERS.index(layer) + 1:]) | ({"telegram"} if layer in ("embeddings", "knowledge", "jobs")
                                                         else set())
        wrong += [f"{path.relative_to(ROOT)} imports {name}" for name in sorted(_imported(path) & outer)]
    assert wrong == []


def test_no_module_is_longer_than_350_lines() -> None:
    long = [f"{p.relative_to(ROOT)}: {n}" for p in [*_modules(), ROOT / "bot.py"]
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert long == []
