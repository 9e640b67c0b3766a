"""The vector a question is searched with: for a chatty question, that of its asking clause.

"Ich bin in der Kämmerei einer kleinen Gemeinde im Sauerland … Mein Chef will wissen, wie man die
Kosten … fair aufteilt?" — encoded whole, the context pulls the vector towards long general guides.
The dense search uses the asking clause (``knowledge.snippets.ask_clause``) instead; the lexical
search still reads the whole question, context included. ``clause_weight`` below 1 blends the two
vectors instead (measured: no better on the dev sets, and a second encoding costs about 15 ms).
"""

from __future__ import annotations

import re

import numpy as np

from embeddings.encoder import Encoder
from embeddings.lexical import LexicalIndex, fold
from knowledge.glossary import expand_query
from knowledge.indexing import MAX_EMBED_CHARS
from knowledge.snippets import ask_clause

CHATTY_WORDS = 8  # a question this long with context besides its asking clause is searched by the clause
MIN_CLAUSE_WORDS = 3  # … when its asking clause has this many words the base knows (it names what is asked)
# … and does not point back at the context for its subject ("was muss man da beachten", "gibt es dafür …")
_POINTS_BACK = re.compile(r"\b(?:da|dabei|dafuer|dazu|davon|dort|hierbei|hierfuer|sowas|so etwas|there|for that)\b")


# "zeig mir …", "gib mir …", "show me …": a command framing that reads like "schreib mir ein Gedicht" (out of scope)
_COMMAND = re.compile(r"^\s*(?:bitte\s+)?(?:zeig|zeige|zeigt|zeigen\s+sie|gib|gebt|geben\s+sie|nenn|nenne|nennen\s+sie|"
                      r"sag|sage|sagen\s+sie|such|suche|list|show|give|tell|find)\s+(?:mir|uns|me|us)\b[\s,:]*",
                      re.IGNORECASE)


def without_command(text: str) -> str:
    """The question without a leading "zeig mir" / "show me" (what is asked for follows it)."""
    rest = _COMMAND.sub("", text, count=1)
    return rest if len(rest.split()) >= 2 else text


def question_vector(encoder: Encoder, lexical: LexicalIndex, search_text: str, question: str, *,
                    clause_weight: float) -> np.ndarray:
    """The unit query vector of ``search_text`` (the question with glossary additions), or, when the
    question is chatty and its asking clause names what is asked, of that clause (``clause_weight``
    1; below 1: that share of the clause's vector blended with the whole question's). A clause
    without the subject ("… einen Zweckverband gründen – was müssen wir beachten?", "Wann ist das
    sinnvoll?") has few words the base knows: the whole question is searched."""
    search_text, question = lexical.spelled(without_command(search_text)), lexical.spelled(without_command(question))
    clause = ask_clause(question)
    if (not clause_weight or clause == question or len(question.split()) < CHATTY_WORDS
            or len(lexical.query_tokens(clause)) < MIN_CLAUSE_WORDS or _POINTS_BACK.search(fold(clause))):
        return encoder.encode_queries([search_text[:MAX_EMBED_CHARS]])[0]
    if clause_weight >= 1.0:  # the clause alone: one encoding of a shorter text
        return encoder.encode_queries([expand_query(clause)[:MAX_EMBED_CHARS]])[0]
    whole, asking = encoder.encode_queries([search_text[:MAX_EMBED_CHARS], expand_query(clause)[:MAX_EMBED_CHARS]])
    vector = (1.0 - clause_weight) * whole + clause_weight * asking
    return vector / np.linalg.norm(vector)
