"""The answering sentence(s) of a passage: the snippet shown with an answer.

Sentences are scored by the question's (stemmed) words they contain, weighted by how rare each word
is in the knowledge base, plus a bonus when the question asks for a kind of fact (an amount, a
deadline, a contact, a number) and the sentence states one. The best sentence is shown with a
neighbour where that fits, so the snippet answers instead of repeating the passage's opening.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from embeddings.lexical import fold
from knowledge.plain_text import clean_markup, split_sentences
from knowledge.query_vocabulary import addresses_the_service as addresses_the_service  # re-exported

MAX_SNIPPET_CHARS = 360
MAX_PROVISION_CHARS = 800  # a statute's Absatz is the unit it is cited by: shown whole up to this length

_AMOUNT = re.compile(r"\d[\d.,]*\s*(?:€|euro|eur\b|prozent|%|mio|millionen|tsd|tausend|cent)", re.I)
_DATE = re.compile(
    r"\b\d{1,2}\.\s*(?:\d{1,2}\.|januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember)"
    r"|\b(?:bis zum|bis spätestens|spätestens|innerhalb von|frist|stichtag|jeweils zum)\b|\b(?:19|20)\d\d\b"
    r"|\b(?:\d+\.|ersten|zweiten|dritten|vierten|fünften|sechsten|siebten|zehnten)\s+(?:Tag|Werktag|Woche|Monat)"
    r"|\b(?:\d+|eine[mnr]?|zwei|drei|vier|fünf|sechs|acht|neun|zehn|zwölf|achtzehn|vierundzwanzig)\s+"
    r"(?:bis\s+\w+\s+)?(?:arbeits)?(?:tage?n?|wochen?|monate?n?|jahre?n?)\b",  # durations: "vier Wochen"
    re.I,
)
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\b0\d{2,5}[ /-]?\d{2,}|\bansprech|\bkontakt|\btelefon", re.I)
_NUMBER_WORDS = ("zwei|drei|vier|fünf|fuenf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwoelf|zwanzig|dreißig|dreissig|"
                 "vierzig|fünfzig|fuenfzig|hundert|tausend|dutzend")
_COUNT = re.compile(rf"\b\d[\d.,]*\b|\b(?:{_NUMBER_WORDS})\w*\b", re.I)
# "„Nutzerkonto“ ist …", "Bauaufträge sind Verträge über …", "… im Sinne dieses Gesetzes sind …"
_DEFINITION = re.compile(
    r"[„\"»][^“\"«]{2,60}[“\"«]\s+(?:im Sinne [^,;]{3,60}?\s+)?(?:ist|sind|bezeichnet|bedeutet|meint)\b"
    r"|\bim Sinne (?:dieses|dieser) [^,;]{2,40}?\s+(?:ist|sind)\b"
    r"|^(?:\(\d+[a-z]?\)\s*)?(?:Ein|Eine|Der|Die|Das)?\s*(?:[A-ZÄÖÜ][a-zäöüß]+e[nrs]?\s+)?[A-ZÄÖÜ][\wäöüß-]+\s+"
    r"(?:(?:eines|einer|des|der)\s+[A-ZÄÖÜ][\wäöüß-]+\s+)?"
    r"(?:ist|sind)\s+(?:ein|eine|der|die|das|alle|[A-ZÄÖÜ][a-zäöüß]+(?:en|er|e|n)\b(?=[ ,]))\b"
    r"|^(?:\(\d+[a-z]?\)\s*)?[A-ZÄÖÜ][\wäöüß-]+\s+ist,\s+wer\b",  # "Unternehmer ist, wer …"
)

FACT_CUES: dict[str, tuple[str, ...]] = {
    "amount": ("wie viel", "wieviel", "wie hoch", "kosten", "kostet", "kost ", "betrag", "hoehe", "euro", "prozent",
               "foerdersatz", "hoechstbetrag", "zuschuss", "foerderquote", "umlage", "gebuehr", "entgelt", "budget",
               "how much", "cost", "amount", "funding rate", "spart", "einsparung", "savings"),
    # a bare "wann" often asks for conditions ("Wann gilt eine Kommune nicht als Unternehmerin?")
    "date": ("frist", "bis wann", "ab wann", "seit wann", "wann findet", "wann beginnt", "wann endet", "wann startet",
             "wann laeuft", "wann muss", "wann kann man", "an welchem tag", "deadline", "stichtag", "zeitraum",
             "dauer", "wie lange", "when", "how long", "termin"),
    "contact": ("kontakt", "ansprechpartner", "ansprechperson", "an wen", "wen kann", "wen muss", "zustaendig",
                "erreiche", "erreichbar", "mail", "telefon", "rufnummer", "anrufen", "contact", "who do i",
                "whom", "phone"),
    "count": ("wie viele", "wieviele", "anzahl", "how many"),
    # a rate asks for a percentage, not any amount ("Wie viel Prozent fördert das Land?")
    "percent": ("prozent", "%", "foerdersatz", "foerderquote", "quote", "percent", "rate "),
    # a deadline or an event's day asks for a day of the calendar, not a duration ("Bis wann muss der Antrag rein?")
    "calendar": ("bis wann", "ab wann", "stichtag", "deadline", "an welchem tag", "datum", "wann findet",
                 "wann muss", "by when", "what date"),
    "staff": ("wie viele mitarbeit", "wie viele beschaeftigt", "wie viele leute", "wie viele stellen", "wie viel personal",
              "wie viele personen arbeiten", "personalstaerke", "personalausstattung", "how many staff",
              "how many employees", "how many people work"),
    "definition": ("was ist ein", "was ist der", "was ist die", "was ist das", "was sind ", "was versteht man",
                   "wie definiert", "definition", "was bedeutet", "was heisst", "begriff", "what is a", "what is the",
                   "what are ", "what does", "meaning of", "unterschied", "unterscheidet"),
}
# the date of a cited act ("Richtlinie 2009/81/EG … vom 13. Juli 2009", "ABl. L 94 vom 28.3.2014") states no date asked
_CITED_DATE = re.compile(r"\b(?:vom|of)\s+\d{1,2}\.\s*(?:[A-Za-zä]+|\d{1,2}\.)\s*(?:19|20)\d\d\b|\b\d{4}/\d+/(?:EG|EU|EWG)\b"
                         r"|\bABl\.[^)]*\)")
# a number of people at work: "Zwei Vergabesachbearbeiter", "ein Team aus vier Standesbeamtinnen", "2,5 Stellen"
_STAFF = re.compile(rf"(?:\b\d[\d.,]*|\b(?:eine?[mnr]?|{_NUMBER_WORDS}))\s+(?:[\w-]+\s+){{0,2}}?"
                    r"(?:[\w-]*(?:mitarbeit|beschäftigt|bearbeiter|kräfte|kraft\b|beamt|angestellt|lotsin|lotsen)[\w-]*"
                    r"|(?:vollzeit|teilzeit|plan)?stellen?\b|personen\b|köpfe\b|fachleute\b|leute\b)", re.I)
_PERCENT = re.compile(r"\d[\d,]*\s*(?:%|prozent|percent)", re.I)
_CALENDAR = re.compile(r"\b\d{1,2}\.\s*(?:\d{1,2}\.|januar|februar|märz|april|mai|juni|juli|august|september|oktober"
                       r"|november|dezember)|\b(?:januar|februar|märz|april|mai|juni|juli|august|september|oktober"
                       r"|november|dezember)\s+(?:19|20)\d\d\b", re.I)
FACT_PATTERNS = {"amount": _AMOUNT, "date": _DATE, "contact": _CONTACT, "count": _COUNT, "definition": _DEFINITION,
                 "staff": _STAFF, "percent": _PERCENT, "calendar": _CALENDAR}


def _states(kind: str, sentence: str) -> bool:
    """Whether ``sentence`` states a fact of ``kind`` (the date of a cited act is none)."""
    return bool(FACT_PATTERNS[kind].search(_CITED_DATE.sub(" ", sentence) if kind in ("date", "calendar") else sentence))


_REFERRING = ("dies", "diese", "dieser", "dieses", "das ", "sie ", "er ", "es ", "dabei", "hierfür", "hierfuer",
              "dafür", "dafuer", "damit", "außerdem", "ausserdem", "zudem", "ferner", "auch ")


# definition questions the fixed cues miss: "Was versteht das OZG unter …", "Was ist umsatzsteuerlich
# eine sonstige Leistung?", "Wann liegt eine Lieferung vor?"
_DEFINITION_ASKED = re.compile(
    r"\bversteh\w*\b.{0,60}\bunter\b|\bwas (?:genau\s+)?(?:ist|sind)\s+(?:\w+lich\s+|genau\s+)*(?:ein|eine|einer|der|die|das"
    r"|diese[rs]?)\b"
    r"|\bwann (?:liegt|liegen)\b.{0,60}\bvor\b")


_CONDITIONS_ASKED = re.compile(
    r"\b(?:wann (?:greift|gilt|darf|duerfen|ist|sind|kann|koennen|liegt|liegen|muss|muessen)|unter welchen "
    r"(?:voraussetzungen|bedingungen|umstaenden)|welche (?:voraussetzungen|bedingungen)|in welchen faellen"
    r"|under what conditions|when (?:does|do|can|may|is|are))\b")


def asks_conditions(question: str) -> bool:
    """Whether the question asks for conditions, which a list states from its first item on."""
    return bool(_CONDITIONS_ASKED.search(fold(question)))


_HOW_MANY = re.compile(r"\bwie ?viele\b")
_BY_MAIL = re.compile(r"\b(?:per|via|ueber|by|through)\s+(?:e-?)?mail\w*|\b(?:e-?)?mail-?(?:verkehr|austausch)\b")


def asked_facts(question: str) -> frozenset[str]:
    """The kinds of fact a question asks for: amount, date, contact, count, staff, definition."""
    folded = f" {fold(question)} "
    kinds = {kind for kind, cues in FACT_CUES.items() if any(cue in folded for cue in cues)}
    if "contact" in kinds and not any(cue in _BY_MAIL.sub(" ", folded) for cue in FACT_CUES["contact"]):
        kinds.discard("contact")  # "eine Einigung per E-Mail": the means, not a contact asked for
    if "amount" in kinds and not any(cue in _HOW_MANY.sub(" ", folded) for cue in FACT_CUES["amount"]):
        kinds.discard("amount")  # "wie viele Mitarbeiter" asks for a count, not an amount
    if "staff" in kinds:
        kinds.discard("count")  # the number of people, not any number
    if _DEFINITION_ASKED.search(folded):
        kinds.add("definition")
    return frozenset(kinds)


_ASK_CUES = re.compile(
    r"\b(?:wie|was|welche\w*|wer|wo|wobei|worauf|woran|wann|warum|weshalb|wieso|gibt es|gibts|muss|müssen|"
    r"kann|können|darf|dürfen|brauch\w*|soll\w*|how|what|which|who|where|when|why|is there|are there|can|must)\b",
    re.I)
_CLAUSE_BREAK = re.compile(
    r"\s[–—-]\s|[;:?!]|\.\s|,\s(?=(?:und\s)?(?:wie|was|welche\w*|wer|wo|worauf|wann|gibt|muss|kann|darf)\b)", re.I)


_BOILERPLATE = re.compile(r"\bim\s+sinne\s+(?:des|der|dieses|von)\b", re.I)


def answer_words(question: str) -> str:
    """The question without legal boilerplate whose words no answer needs ("im Sinne des UStG")."""
    return _BOILERPLATE.sub(" ", question)


def ask_clause(question: str) -> str:
    """The part of a chatty question that asks ("Wir sind … und wollen … – wie teilt man dann die
    Gewerbesteuer auf?" → "wie teilt man dann die Gewerbesteuer auf"); the whole question when no
    clause or every clause asks."""
    clauses = [c.strip() for c in _CLAUSE_BREAK.split(question) if c and c.strip()]
    asking = [c for c in clauses if _ASK_CUES.search(c)]
    if not asking or len(asking) == len(clauses):
        return question
    return " ".join(asking)


_LAW = r"(?:[a-zäöü]{1,6}g|gwb|bgb|go|gemo|hgo|tvöd)\b"  # UStG, GkG, VwVfG, OZG, GWB, … (as typed: "ustg")
_CITED = re.compile(
    r"(?:(?P<sign>§|Art(?:ikel|\.)?|Paragra(?:ph|f)(?:en)?|Para\.?)\s*"
    rf"|\b(?=\d{{1,3}}[a-z]?\s+(?:(?:Abs\.?|Absatz)\s*\d+[a-z]?\s+)?{_LAW}))(?P<number>\d{{1,3}}[a-z]?)\b(?:\s*(?:Abs\.?|Absatz)\s*(?P<absatz>\d+[a-z]?))?", re.I)


def cited_provisions(question: str) -> frozenset[str]:
    """The provisions a question names, as section prefixes: "§ 2b", "§ 2b Abs. 3" (also typed as
    "Paragraph 2b", "2b ustg")."""
    out = set()
    for match in _CITED.finditer(question):
        sign = "Art." if (match.group("sign") or "").lower().startswith("art") else "§"
        out.add(f"{sign} {match.group('number')}")
        if match.group("absatz"):
            out.add(f"{sign} {match.group('number')} Abs. {match.group('absatz')}")
    return frozenset(out)


@dataclass(frozen=True)
class SnippetQuery:
    """What the snippet should answer: the question's stems with their weights, asked facts, and
    the provisions it names ("§ 2b Abs. 3")."""

    weights: dict[str, float]
    facts: frozenset[str] = frozenset()
    provisions: frozenset[str] = frozenset()
    conditions: bool = False  # "Wann greift …?", "Unter welchen Voraussetzungen …?": a list from its start
    document: bool = False  # the question asks for a document ("Gibt es einen Leitfaden …?")

    @property
    def term(self) -> str:
        """The question's rarest word: what a definition question asks about."""
        return max(self.weights, key=self.weights.__getitem__, default="")

    @property
    def heads(self) -> dict[str, frozenset[str]]:
        """Each stem's compound heads ("forderantrag" → "antrag", …), for German compounds."""
        return _heads(tuple(self.weights))

    def cites(self, section: str) -> int:
        """How closely a passage's section (a statute's "§ 2b Abs. 3", or a heading such as "Die
        Sonderregel: § 2b Abs. 3 UStG") matches a named provision: 2 (§ and Absatz), 1 (§), 0."""
        matches = [p for p in self.provisions if re.search(rf"{re.escape(p)}(?![\w.])", section)]
        return max((p.count(" Abs. ") + 1 for p in matches), default=0)


def make_snippet(text: str, query: SnippetQuery | None, tokenize: Callable[[str], list[str]] | None = None,
                 max_chars: int = MAX_SNIPPET_CHARS, *, lead: bool = False, whole: bool = False) -> str:
    """The sentence(s) of ``text`` that best answer the query, as plain text of at most ``max_chars``.
    ``lead``: the text opens with its answer (FAQ answers, project descriptions), so the first
    sentence is preferred unless another one matches the question clearly better. ``whole``: the text
    is one unit (a statute's Absatz, an FAQ answer) shown whole when it fits."""
    sentences = list(passage_sentences(text))
    text = " ".join(sentences)
    if not sentences:
        return ""
    if whole and len(text) <= max_chars:
        return text
    if query is None or tokenize is None:
        return _trim(text, max_chars)
    if len(sentences) == 1:
        return _focus(text, query, tokenize, max_chars)
    scores = [_score(sentence, position, query, tokenize) for position, sentence in enumerate(sentences)]
    if lead and (not query.facts or any(_states(kind, sentences[0]) for kind in query.facts)):
        scores[0] += 0.5 * max(query.weights.values(), default=1.0)  # unless it lacks the fact asked for
    best = max(range(len(sentences)), key=lambda i: scores[i])
    if len(sentences[best]) > max_chars:  # one long enumeration: its answering item, under its lead-in
        return ("… " if best > 0 else "") + _focus(sentences[best], query, tokenize, max_chars)
    chosen = [best]
    if fold(sentences[best]).startswith(_REFERRING) and best > 0:
        chosen.insert(0, best - 1)  # "Dies gilt …" needs the sentence it refers to
    if sentences[best].rstrip().endswith(":") and best + 1 < len(sentences):
        chosen.append(best + 1)  # "… (vereinfachte Darstellung):" introduces what follows
    # extend with neighbours while they fit: following sentences that also score, else context
    for neighbour in (best + 1, best - 1, best + 2):
        if 0 <= neighbour < len(sentences) and neighbour not in chosen:
            length = sum(len(sentences[i]) + 1 for i in chosen) + len(sentences[neighbour])
            if length <= max_chars and (scores[neighbour] > 0 or length <= max_chars // 2):
                chosen.append(neighbour)
    chosen.sort()
    snippet = " ".join(sentences[i] for i in chosen)
    prefix = "… " if chosen[0] > 0 else ""
    return prefix + _trim(snippet, max_chars)


MIN_HEAD = 5  # shortest compound head that counts ("antrag" in "Förderantrag", "umsatz" in "Jahresumsatz")


@lru_cache(maxsize=4_096)
def _heads(stems: tuple[str, ...]) -> dict[str, frozenset[str]]:
    return {stem: frozenset(stem[i:] for i in range(1, len(stem) - MIN_HEAD + 1)) for stem in stems}


@lru_cache(maxsize=20_000)
def _suffixes(tokenize: Callable[[str], list[str]], text: str) -> frozenset[str]:
    """The compound heads of a sentence's words, for questions asking with the short word."""
    return frozenset(t[i:] for t in _token_set(tokenize, text) for i in range(1, len(t) - MIN_HEAD + 1))


@lru_cache(maxsize=10_000)
def passage_sentences(text: str) -> tuple[str, ...]:
    """A passage as plain-text sentences (cached: the same passages are read for many questions)."""
    return tuple(split_sentences(re.sub(r"\s+", " ", clean_markup(text)).strip()))


@lru_cache(maxsize=20_000)
def _token_set(tokenize: Callable[[str], list[str]], text: str) -> frozenset[str]:
    return frozenset(tokenize(_PERCENT_SIGN.sub(" Prozent", text)))  # "80 %" answers "Wie viel Prozent …?"


_PERCENT_SIGN = re.compile(r"\s*%")


def answering_strength(text: str, query: SnippetQuery, tokenize: Callable[[str], list[str]], *,
                       heading: str = "", opening: bool = False) -> float:
    """How well the best sentence of ``text`` (read under its ``heading``) answers the query, 0..~2:
    the share of the question's weighted words it contains, plus asked facts it states (used to
    choose among an item's passages). ``opening``: the passage opens its section, so a heading
    naming the asked term ("§ 55 Vergleichsvertrag") makes it the definition."""
    total = sum(query.weights.values())
    if not total:
        return 0.0
    sentences = passage_sentences(text)
    context = _token_set(tokenize, heading) if heading else frozenset()
    defines = opening and query.term in context
    best = max((_score(sentence, 0, query, tokenize, context, defines) for sentence in sentences), default=0.0)
    return best / total


def _score(sentence: str, position: int, query: SnippetQuery, tokenize: Callable[[str], list[str]],
           context: frozenset[str] = frozenset(), defines: bool = False) -> float:
    tokens = _token_set(tokenize, sentence) | context
    score = 0.0
    heads = query.heads
    for stem, weight in query.weights.items():
        if stem in tokens:
            score += weight
        elif heads[stem] & tokens or stem in _suffixes(tokenize, sentence):
            score += 0.5 * weight  # "Förderantrag" ~ "Anträge", "Umsatz" ~ "Jahresumsatz"
    top_weight = max(query.weights.values(), default=1.0)
    stated = [kind for kind in query.facts if _states(kind, sentence) or (kind == "definition" and defines)]
    score += top_weight * len(stated)
    if query.facts and not stated:
        score *= 0.5  # a sentence that states none of the asked facts cannot answer the question
    return score - 0.01 * position


# where a long sentence may be cut: before an enumerated item ("1.", "a)", "•") or after a ";"
_PARTS = re.compile(r"\s+(?=(?:\d{1,2}\.|[a-z]\)|•)\s)|(?<=;)\s+")


def _focus(sentence: str, query: SnippetQuery, tokenize: Callable[[str], list[str]], max_chars: int) -> str:
    """A sentence too long to show whole ("(1) … wenn 1. …, 2. …, 3. …"), cut to the part that answers:
    its lead-in, shortened, then the best-scoring enumerated item and what follows while it fits."""
    if len(sentence) <= max_chars:
        return sentence
    parts = [part for part in _PARTS.split(sentence) if part.strip()]
    if len(parts) < 2:
        return _trim(sentence, max_chars)
    scores = [_score(part, 0, query, tokenize) for part in parts]
    best = max(range(len(parts)), key=lambda i: (scores[i], -i))
    opening = _trim(sentence, max_chars)
    if best == 0 or query.conditions or scores[best] <= _score(opening, 0, query, tokenize):
        return opening  # the opening answers as well, or the conditions are asked: the list from its start
    lead = _trim(parts[0], max_chars // 3)
    body = [parts[best]]
    for part in parts[best + 1:]:
        if len(lead) + sum(len(p) + 1 for p in body) + len(part) + 3 > max_chars:
            break
        body.append(part)
    gap = " … " if best > 1 and not lead.endswith("…") else " "
    return lead + gap + _trim(" ".join(body), max_chars - len(lead) - len(gap))


def _trim(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + " …"


def highlight_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Character spans of words in ``text`` that start with one of the (folded, stemmed) terms."""
    spans: list[tuple[int, int]] = []
    stems = [fold(t) for t in terms if len(t) >= 3]
    if not stems:
        return spans
    for match in re.finditer(r"[0-9A-Za-zÄÖÜäöüß]+(?:-[0-9A-Za-zÄÖÜäöüß]+)*", text):
        word = fold(match.group())
        if any(word.startswith(stem) for stem in stems):
            spans.append(match.span())
    return spans
