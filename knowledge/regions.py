"""The German Länder a question names, and the ones a knowledge base covers.

A base is written for a region (the sample base: NRW; base B: Hessen). A question about another
Land ("Gibt es eine Förderung für IKZ auch in Bayern?", "Wie funktioniert das bayerische KommZG?")
is not answered with confidence from it, however similar its passages are: the funding rules,
statutes and projects of one Land do not answer for another. Which Länder a base covers is read
from the base itself (how often its passages name each Land), not configured.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from embeddings.lexical import fold

# names (German and English), adjectives and the Land's own cooperation statutes, as folded text
_LAENDER: dict[str, str] = {
    "Baden-Württemberg": r"baden-wuerttemberg\w*|gkz\s+bw",
    "Bayern": r"bayern|bayerisch\w*|kommzg|bavaria\w*",
    "Berlin": r"berlin(?:er)?",
    "Brandenburg": r"brandenburg\w*|gkgbbg",
    "Bremen": r"bremen|bremisch\w*",
    "Hamburg": r"hamburg(?:er|isch\w*)?",
    "Hessen": r"hessen|hessisch\w*|kgg|hgo|hesse|hessian",
    "Mecklenburg-Vorpommern": r"mecklenburg(?:-vorpommern)?|vorpommern|western\s+pomerania",
    "Niedersachsen": r"niedersachsen|niedersaechsisch\w*|nkomzg|lower\s+saxony",
    "Nordrhein-Westfalen": r"nordrhein-westfal\w*|nrw|gkg\s+nrw|north\s+rhine-westphalia\w*",
    "Rheinland-Pfalz": r"rheinland-pfal\w*|rlp|rhineland-palatinate",
    "Saarland": r"saarland\w*|saarlaendisch\w*",
    "Sachsen": r"sachsen(?!-anhalt)|saechsisch\w*|(?<!lower\s)saxony(?!-anhalt)",
    "Sachsen-Anhalt": r"sachsen-anhalt\w*|saxony-anhalt",
    "Schleswig-Holstein": r"schleswig-holstein\w*",
    "Thüringen": r"thueringen|thueringisch\w*|thuringia\w*",
}
# all Länder in one pass over a text; the named group tells which Land matched
_ANY = re.compile("|".join(rf"(?<![\w-])(?P<l{i}>{pattern})(?![\w-])" for i, pattern in enumerate(_LAENDER.values())))
_GROUP_LAND = {f"l{i}": land for i, land in enumerate(_LAENDER)}
MIN_MENTIONS = 3  # a base naming no Land this often is region-neutral (federal statutes only, say)
COVERED_SHARE = 0.1  # a Land named at least this share as often as the base's own Land is covered too


def laender_named(text: str) -> frozenset[str]:
    """The Länder a text names ("in Bayern", "nach dem GkG NRW", "hessische Kommunen")."""
    return frozenset(_GROUP_LAND[match.lastgroup] for match in _ANY.finditer(fold(text)) if match.lastgroup)


def land_words(text: str) -> frozenset[str]:
    """The folded words of the Länder a text names ("north", "rhine-westphalia", "rhine", "westphalia")."""
    words = [w for m in _ANY.finditer(fold(text)) for w in m.group().split()]
    return frozenset(words) | {part for w in words for part in w.split("-")}


SAMPLED_TEXTS = 2_000  # a base's region shows in an even sample of its passages (bounds start-up on large bases)


def covered_laender(texts: Sequence[str]) -> frozenset[str] | None:
    """The Länder a base's passages cover; None when the base is not about any Land in particular."""
    counts: Counter[str] = Counter()
    for text in texts[:: max(1, len(texts) // SAMPLED_TEXTS)]:
        counts.update(_GROUP_LAND[match.lastgroup] for match in _ANY.finditer(fold(text)) if match.lastgroup)
    most = max(counts.values(), default=0)
    if most < MIN_MENTIONS:
        return None
    return frozenset(land for land, count in counts.items() if count >= max(MIN_MENTIONS, COVERED_SHARE * most))


# "als bei uns in NRW", "wir hier in Hessen": where the asker is, not what the question is about
_ASKERS_OWN = re.compile(r"(?:\bbei\s+uns|\bhier|\bwir(?:\s+sind|\s+hier)?)\s+(?:in|im|aus)\s+(?:dem\s+|der\s+)?$")


def about_other_land(question: str, covered: frozenset[str] | None) -> bool:
    """The question asks about a Land the base does not cover (and about none that it does); the
    asker's own Land ("gibt es in Bayern andere Regeln als bei uns in NRW?") is not what it asks about."""
    if covered is None:
        return False
    folded = fold(question)
    named = frozenset(_GROUP_LAND[m.lastgroup] for m in _ANY.finditer(folded)
                      if m.lastgroup and not _ASKERS_OWN.search(folded[:m.start()]))
    return bool(named) and not named & covered
