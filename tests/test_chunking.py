from knowledge.chunking import chunk_document, split_sections, word_windows


def test_sections_split_on_headings() -> None:
    text = "Vorwort ohne Überschrift.\n## Teil A\nText A.\n## Teil B\nText B.\n### Unterpunkt\nText C."
    assert split_sections(text) == [("", "Vorwort ohne Überschrift."), ("Teil A", "Text A."),
                                    ("Teil B", "Text B."), ("Unterpunkt", "Text C.")]


def test_windows_overlap_and_cover_every_word() -> None:
    words = [f"w{i}" for i in range(500)]
    windows = word_windows(" ".join(words), size=100, overlap=20)
    assert all(len(w.split()) <= 133 for w in windows)
    covered = [w for window in windows for w in window.split()]
    assert set(covered) == set(words)
    # consecutive windows share exactly the overlap
    first, second = windows[0].split(), windows[1].split()
    assert first[-20:] == second[:20]


def test_short_tail_joins_last_window() -> None:
    windows = word_windows(" ".join(f"w{i}" for i in range(210)), size=100, overlap=20)
    assert len(windows[-1].split()) >= 100 // 3


def test_document_chunks_carry_title_and_section_context() -> None:
    long_section = " ".join(f"Verwaltung{i}" for i in range(300))
    text = f"## Fördersatz\nBis zu 80 Prozent.\n## Antrag\n{long_section}"
    chunks = chunk_document("Förderrichtlinie", text, size=110, overlap=25)
    assert chunks[0].section == "Fördersatz" and chunks[0].embed_text.startswith("Förderrichtlinie – Fördersatz:")
    assert len([c for c in chunks if c.section == "Antrag"]) >= 3
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    assert len({c.content_hash for c in chunks}) == len(chunks)
