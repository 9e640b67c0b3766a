"""The vector a question is searched with: for a chatty question, its asking clause counts as much
as the whole.

"Mein Amtsleiter fragt, wie man die Kosten … fair aufteilt, wenn die Gemeinden ganz unterschiedlich
groß sind. Nach Einwohnern oder nach Fallzahlen?" — encoded whole, the context ("Mein Amtsleiter
fragt", "unterschiedlich groß") pulls the vector towards long general guides. The asking clause
(``knowledge.snippets.ask_clause``) is encoded as well, and the two vectors are blended.
"""

from __future__ import annotations

import numpy as np

from embeddings.encoder import Encoder
from embeddings.lexical import LexicalIndex
from knowledge.glossary import expand_query
from knowledge.indexing import MAX_EMBED_CHARS
from knowledge.snippets import ask_clause

CHATTY_WORDS = 8  # a question this long that has context besides its asking clause is blended
MIN_CLAUSE_WORDS = 3  # … when its asking clause has this many words the base knows (it names what is asked)


def question_vector(encoder: Encoder, lexical: LexicalIndex, search_text: str, question: str, *,
                    clause_weight: float) -> np.ndarray:
    """The unit query vector of ``search_text`` (the question with glossary additions), blended with
    ``clause_weight`` of its asking clause's vector when the question is chatty and the clause names
    what is asked. A clause without the subject ("… einen Zweckverband gründen – was müssen wir
    beachten?", "Wann ist das sinnvoll?") has few words the base knows and is not blended."""
    clause = ask_clause(question)
    if (not clause_weight or clause == question or len(question.split()) < CHATTY_WORDS
            or len(lexical.query_tokens(clause)) < MIN_CLAUSE_WORDS):
        return encoder.encode_queries([search_text[:MAX_EMBED_CHARS]])[0]
    whole, asking = encoder.encode_queries([search_text[:MAX_EMBED_CHARS], expand_query(clause)[:MAX_EMBED_CHARS]])
    vector = (1.0 - clause_weight) * whole + clause_weight * asking
    return vector / np.linalg.norm(vector)
