"""Regenerate common_words.txt: ordinary German words within typo distance of an NRW place name.

Developer tool, not used at run time. It needs the `wordfreq` package (not a project dependency):
install it into a scratch folder and put that on PYTHONPATH, from the repository root:

    /work/main/.venv/bin/python -m pip install --target /tmp/wf wordfreq==3.1.1
    PYTHONPATH=/tmp/wf:. .venv/bin/python data/places/build_common_words.py

Rerun it whenever names or aliases in knowledge/places.py change.
"""

from __future__ import annotations

import re
from pathlib import Path

import wordfreq
from rapidfuzz import process
from rapidfuzz.distance import OSA

from embeddings.lexical import fold
from knowledge.places import MunicipalRegister, _fold_plain, _max_edits

# (language, minimum Zipf frequency): German from about 3 in 100 million words on (typos of place names
# are rarer than that); English, for questions asked in English, from 3 in 10 million on.
LANGUAGES = (("de", 1.5), ("en", 2.5))
OUT = Path(__file__).resolve().parent / "common_words.txt"


def main() -> None:
    register = MunicipalRegister.load()
    single = {a for a in register._aliases if " " not in a}
    by_first: dict[str, list[str]] = {}
    for alias in register._aliases:
        for word in alias.split():
            if len(word) >= 5:
                by_first.setdefault(word[0], []).append(word)
    kreis_keys = list(register._kreis_keys)
    found: set[str] = set()
    words = {
        word
        for lang, min_zipf in LANGUAGES
        for word in wordfreq.get_frequency_dict(lang, wordlist="large")
        if re.fullmatch(r"[a-zäöüß]+", word) and wordfreq.zipf_frequency(word, lang) >= min_zipf
    }
    for word in sorted(words):
        key = fold(word)
        if key in single or _fold_plain(word) in single:
            continue
        limit = _max_edits(len(key))  # the longest form a user may type (ae for ä)
        near_name = limit and process.extractOne(key, by_first.get(key[0], []), scorer=OSA.distance, score_cutoff=limit)
        near_kreis = len(word) >= 4 and process.extractOne(key, kreis_keys, scorer=OSA.distance, score_cutoff=max(1, limit))
        if near_name or near_kreis:
            found.add(key)
    OUT.write_text("\n".join(sorted(found)) + "\n", encoding="utf-8")
    print(f"{len(found)} words → {OUT}")


if __name__ == "__main__":
    main()
