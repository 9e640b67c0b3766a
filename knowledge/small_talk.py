"""Greetings, thanks and other small talk: recognised so that they get a friendly reply instead of
a search, and are not counted as unanswered questions."""

from __future__ import annotations

import re

from embeddings.lexical import fold

_KINDS: dict[str, tuple[str, ...]] = {
    "greeting": ("hallo", "hallihallo", "hi", "hey", "moin", "moinsen", "servus", "gruess gott", "gruss gott",
                 "guten morgen", "guten tag", "guten abend", "tach", "tag", "hello", "good morning",
                 "good afternoon", "good evening", "na", "huhu", "gruezi", "morgen"),
    "thanks": ("danke", "danke schoen", "dankeschoen", "vielen dank", "besten dank", "herzlichen dank", "merci",
               "thx", "thanks", "thank you", "danke dir", "danke ihnen", "super danke", "toll danke",
               "perfekt danke", "prima danke", "klasse danke", "dank"),
    "bye": ("tschuess", "tschuessi", "ciao", "bye", "goodbye", "bis dann", "bis bald", "auf wiedersehen",
            "schoenen tag", "schoenes wochenende", "bis spaeter", "see you"),
    "about": ("wer bist du", "was bist du", "was kannst du", "wie funktionierst du", "bist du ein bot",
              "bist du ein mensch", "who are you", "what are you", "what can you do", "wie heisst du",
              "was machst du", "wie geht es dir", "wie gehts", "how are you"),
    "ack": ("ok", "okay", "alles klar", "super", "prima", "toll", "gut", "cool", "top", "passt", "verstanden",
            "ja", "nein", "jo", "yes", "no", "great", "nice", "perfekt", "klasse", "sehr gut", "genau"),
}
_FILLER = {"und", "auch", "nochmal", "noch", "mal", "sehr", "so", "ganz", "echt", "vielmals", "liebe", "lieber",
           "bot", "assistent", "ikz", "zusammen", "an", "alle", "euch", "dir", "ihnen", "du", "sie", "fuer", "die",
           "hilfe", "antwort", "info", "infos", "schon", "erstmal", "much", "very", "so", "a", "lot", "the",
           "for", "your", "help", "there", "ihr", "leute", "team", "freundlich", "freundliche", "gruesse", "lg",
           "mfg", "vg"}


def small_talk_kind(text: str) -> str | None:
    """'greeting', 'thanks', 'bye', 'about' or 'ack' when the message is nothing but small talk."""
    folded = fold(text)
    words = re.findall(r"[a-z]+", folded)
    if not words or len(words) > 8:
        return None
    phrase = " ".join(words)
    found: list[str] = []
    rest = f" {phrase} "
    for kind, phrases in _KINDS.items():
        for candidate in sorted(phrases, key=len, reverse=True):
            pattern = f" {candidate} "
            while pattern in rest:
                found.append(kind)
                rest = rest.replace(pattern, " ")
    leftover = [w for w in rest.split() if w not in _FILLER]
    if not found or leftover:
        return None
    for kind in ("about", "thanks", "bye", "greeting", "ack"):  # "Hallo, danke!" is thanks
        if kind in found:
            return kind
    return None
