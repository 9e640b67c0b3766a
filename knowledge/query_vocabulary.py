"""Vocabulary of question understanding: legal forms, list/Kreis/topic words, noise words and small word helpers."""

from __future__ import annotations

import os
import re

from embeddings.lexical import fold

# Canonical legal-form keys → phrases that name them (folded). Values in the data are mapped to
# a key when they contain one of its phrases.
LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "Zweckverband": ("zweckverband", "zweckverbaende", "zweckverbaenden", "zweckverbands", "zweckverbandes",
                     "special purpose association", "special-purpose association", "joint authority"),
    "öffentlich-rechtliche Vereinbarung": ("oeffentlich-rechtliche vereinbarung", "oeffentlich-rechtlichen vereinbarung",
                                           "oeffentlich rechtliche vereinbarung", "oeffentlich-rechtlichen vereinbarungen",
                                           "oeffentlich-rechtliche vereinbarungen", "oer-vereinbarung", "public law agreement",
                                           "public-law agreement"),
    "Anstalt öffentlichen Rechts (AöR)": ("aoer", "anstalt oeffentlichen rechts", "anstalten oeffentlichen rechts",
                                         "kommunalunternehmen", "gemeinsames kommunalunternehmen", "public institution"),
    "Arbeitsgemeinschaft": ("arbeitsgemeinschaft", "arbeitsgemeinschaften", "arge", "working group"),
    "GmbH": ("gmbh", "gmbhs", "limited company"),
    "eingetragener Verein": ("eingetragener verein", "verein", "vereine", "e.v.", "association"),
    "Kooperationsvereinbarung": ("kooperationsvereinbarung", "kooperationsvereinbarungen", "cooperation agreement"),
}
PLURAL_FORMS = {"zweckverbaende", "zweckverbaenden", "vereinbarungen", "gmbhs", "vereine", "arbeitsgemeinschaften",
                "anstalten", "kooperationsvereinbarungen"}

LIST_WORDS = {
    "projekt", "projekte", "projekten", "beispiel", "beispiele", "kooperation", "kooperationen", "welche", "welcher",
    "liste", "zeig", "zeige", "alle", "gibt", "zusammenarbeit", "ikz", "interkommunale", "interkommunal",
    "projects", "project", "examples", "which", "list", "show", "all", "cooperations", "cooperation",
    "initiativen", "vorhaben", "verbund", "verbuende", "partner", "kommunen", "gemeinden", "staedte",
}
KREIS_MARKERS = {"kreis", "kreises", "landkreis", "landkreises", "district", "county", "kreisgebiet"}
KREIS_WORDS = {"kreises", "landkreises", "of", "des", "kreis", "kreise", "kreises", "landkreis", "district", "county", "im", "in"}
PREPOSITIONS = {"in", "im", "aus", "bei", "von", "fuer", "nach", "um", "rund"}
AMBIGUOUS_TOWNS = {"wetter", "senden", "lage", "horn", "kamen", "halle", "werne", "marl", "hamm", "rheine",
                   "heiden", "borgholzhausen", "hille", "roetgen", "selm", "elsdorf", "steinfurt", "lippe", "olpe",
                   "kirchen", "netphen", "much", "moers", "wesel", "kleve", "kerken", "verl", "bruehl", "alpen",
                   "essen", "bergen", "wachtberg", "burbach"}
GENERIC_TOPIC_WORDS = {"kooperation", "zusammenarbeit", "interkommunal", "interkommunale", "gemeinsam",
                       "gemeinsame", "verwaltung", "kommunal", "kommunale", "projekt", "projekte", "umsetzung",
                       "management", "wesen", "dienst", "dienste", "dienstleistungen", "service", "arbeit", "amt"}
KIND_WORDS = {
    "event": ("veranstaltung", "termin", "webinar", "spotlight", "konferenz", "workshop", "tagung", "seminar",
              "event", "conference", "session"),
    "document": ("dokument", "leitfaden", "checkliste", "abhak", "muster", "vorlage", "vordruck", "formular", "handreichung",
                 "anleitung", "handbuch", "merkblatt", "praxisleitfaden",
                 "arbeitshilfe", "richtlinie", "document", "guide", "checklist", "template"),
}
EVENT_FORMAT_WORDS = {"online", "digital", "digitale", "digitalen", "virtuell", "virtuelle", "hybrid", "praesenz",
                      "zoom", "webex", "in-person"}  # how an event takes place, not what it is about
STEP_BY_STEP = re.compile(r"\bschritt (?:fuer|um) schritt\b|\bstep[ -]by[ -]step\b")  # a guide is asked for
PROJECT_LIST_WORDS = {"projekt", "projekte", "projekten", "beispiel", "beispiele", "beispielen", "kooperationen",
                      "liste", "zeig", "zeige", "alle", "projects", "examples", "list", "show", "all",
                      "cooperations", "initiativen", "vorhaben", "datenbank"}
# "hat wer ne Koop beim Standesamt?": asking who already does something, i.e. for examples
PROJECT_LIST_PHRASES = re.compile(r"\b(?:gibt es|gibts|hat wer|hat jemand|kennt jemand|kennt wer|wer hat|irgendwo|"
                                  r"(?:machen|haben|betreiben) (?:das )?(?:andere|schon) (?:kommunen|gemeinden|staedte)\b[^?.]{0,60}"
                                  r"\b(?:gemeinsam|zusammen)|"
                                  r"wenn ja,? wo|anyone|are there|is there an?y? (?:cooperation|project|example))\b")
COMPOUND_LEGAL_SUFFIXES = {
    "zweckverbaende": ("Zweckverband", True), "zweckverbaenden": ("Zweckverband", True),
    "zweckverband": ("Zweckverband", False), "vereine": ("eingetragener Verein", True),
    "verein": ("eingetragener Verein", False), "gmbhs": ("GmbH", True), "gmbh": ("GmbH", False),
}
# "Zweckverband oder Vereinbarung?", "GmbH oder lieber einen Zweckverband": the legal form is what is asked
# about, not a restriction of the projects
_FORM = r"(?:zweckverb|vereinbarung|oerv|gmbh|aoer|anstalt|arbeitsgemeinschaft|verein|kommunalunternehmen|vertrag)"
ALTERNATIVE_FORMS = re.compile(rf"(?<![a-z]){_FORM}\w*\s+(?:oder|or|vs\.?|versus)\s+(?:\w+\s+){{0,2}}{_FORM}"
                               rf"|\b(?:welche|which)\s+(?:\w+\s+)?(?:rechtsform|organisationsform|legal form)")
# "in Hallenberg oder in der Nähe", "Gütersloh und Umgebung": words around a place, not a subject
VICINITY_WORDS = {"naehe", "umgebung", "umkreis", "gegend", "umland", "nachbarschaft", "drumherum", "nearby", "around",
                  "vicinity", "surroundings", "nachbarn", "nachbar", "nachbarkommune", "nachbarkommunen",
                  "nachbargemeinde", "nachbargemeinden", "nachbarstadt", "nachbarstaedte", "nachbarkreis",
                  "nachbarkreise", "nachbarkreisen", "nachbarort", "nachbarorte", "nachbarorten", "nachbarstaedten",
                  "nachbarlandkreis", "nachbarlandkreise", "neighbours", "neighbors", "neighbouring", "neighboring"}
_YEAR = r"(19[89]\d|20[0-4]\d)"


def _year_range(folded: str) -> tuple[int | None, int | None]:
    """Start-year restriction: 'seit 2020', 'ab 2020', '2023 oder später', 'vor 2010', 'since 2020'."""
    low = high = None
    if m := re.search(rf"(?:seit|ab|nach|since|after)\s+(?:dem\s+jahr\s+)?{_YEAR}", folded):
        low = int(m.group(1)) + (1 if folded[m.start():m.start() + 4] in ("nach", "afte") else 0)
    if m := re.search(rf"{_YEAR}\s+(?:oder|or)\s+(?:spaeter|later|danach|juenger)", folded):
        low = int(m.group(1))
    if m := re.search(rf"(?:vor|before)\s+(?:dem\s+jahr\s+)?{_YEAR}", folded):
        high = int(m.group(1)) - 1
    if m := re.search(rf"{_YEAR}\s+(?:oder|or)\s+(?:frueher|earlier|davor)", folded):
        high = int(m.group(1))
    if low is None and high is None:
        if m := re.search(rf"(?:gestartet|begonnen|gegruendet|started|founded)\s+(?:im\s+jahr\s+|in\s+)?{_YEAR}", folded) or \
                re.search(rf"(?:im\s+jahr|in)\s+{_YEAR}\s+(?:gestartet|begonnen|gegruendet|started|founded)", folded):
            low = high = int(m.group(1))
    if low is not None and high is not None and low > high:
        return None, None  # "nach 2016 vor 2016": no year qualifies, so the words restrict nothing
    return low, high


QUERY_NOISE = LIST_WORDS | PROJECT_LIST_WORDS | KREIS_WORDS | PREPOSITIONS | {"bereich", "bereichen", "thema", "themen", "themenbereich",
                                                          "zum", "zur", "area", "field", "topic", "gestartet",
                                                          "begonnen", "gegruendet", "started", "founded", "seit",
                                                          "laufen", "beteiligt", "beteiligten", "involved",
                                                          "oder", "spaeter", "later", "frueher", "earlier", "vor",
                                                          "after", "since", "before", "jahr", "es", "dort", "da", "und", "oder", "nur", "auch", "mit",
                                                          "the", "are", "there", "what", "about", "for", "of", "and",
                                                          "only", "gemeinde", "stadt", "town", "towns", "city"} | VICINITY_WORDS


def legal_form_key(value: str | None) -> str | None:
    """Map a data value ('Zweckverband Abfall', 'AöR') to the canonical legal-form key."""
    if not value:
        return None
    folded = fold(value)
    for key, phrases in LEGAL_FORMS.items():
        if fold(key) in folded or any(re.search(rf"\b{re.escape(p)}\b", folded) for p in phrases):
            return key
    return None


def _kreis_variants(name: str) -> set[str]:
    folded = fold(name)
    variants = {folded}
    core = re.sub(r"^(kreis|landkreis|staedteregion|rhein-kreis)\s+", "", folded)
    variants.add(core)
    if core.endswith("kreis") and core != "kreis":
        variants.add(core[: -len("kreis")].rstrip("-"))
    if core.startswith("kreis "):
        variants.add(core[len("kreis ") :])
    if folded.startswith("rhein-kreis "):
        variants.add("rhein-kreis " + core)
    if "maerkischer" in folded:
        variants.add("maerkisch")
    return {v for v in variants if len(v) >= 3}


def _same_word_family(word: str, topic_word: str) -> bool:
    """'abfall' ~ 'abfallwirtschaft', 'standesaemter' ~ 'standesamt', but not 'rechnet' ~ 'rechnungspruefung'
    nor 'personalausweis' ~ 'personalgewinnung'."""
    if word == topic_word:
        return True
    common = len(os.path.commonprefix([word, topic_word]))
    if min(len(word), len(topic_word)) - common >= 4:
        return False  # two compounds of one first part: "Personalausweis" is no "Personalgewinnung"
    return common >= 5 and common >= min(7, len(word), len(topic_word))


# words that make a question naming a period an event question
EVENT_CUES = re.compile(r"(?:veranstalt|termin|(?<![a-z])events?\b|webinar|workshop|konferenz|kongress|tagung|seminar|"
                        r"spotlight|stattfind|weihnachten|was\s+(?:ist|steht|geht)\b.*\b(?:los|an|geplant)\b|(?:irgend)?was\s+los\b|"
                        r"irgendwas\b[^.?!]*\bgeplant\b|(?:irgend|et)?was\s+online\b|\bsessions?\b|\bcoming\s+up\b|\bupcoming\b)")
# a bare period asks for events only where it is asked about: "Was gibt es nächsten Monat?", not "Muss das
# genehmigt werden? Unser HFA tagt nächste Woche"
_PERIOD_CUES = re.compile(r"(?:naechste|kommende|diese)[nmrs]?\s+(?:woche|monat)|(?:next|this)\s+(?:week|month)")
_SENTENCES = re.compile(r"(?<=[.!?])\s+")


def asking_sentences(text: str) -> str:
    """The sentences of a message that end with "?", when others say who asks and why ("Gibts in
    Kirchhain schon Zusammenarbeit? Ich soll für die Fraktion ne Übersicht machen"); else the message."""
    sentences = [s for s in _SENTENCES.split(text.strip()) if s]
    asking = [s for s in sentences if s.rstrip().endswith("?")]
    return " ".join(asking) if asking and len(asking) < len(sentences) else text


def names_events(question: str) -> bool:
    """Whether the question names events ("Termine", "ein Spotlight", "was ist los"), not only a period."""
    return bool(EVENT_CUES.search(fold(question)))


def asks_for_event_kind(question: str) -> bool:
    """Whether the asking sentence names a kind of event ("Welche Veranstaltungen …?", "ein Spotlight?")."""
    return any(word.startswith(KIND_WORDS["event"]) for word in re.findall(r"[a-z0-9]+", fold(asking_sentences(question))))


def asks_about_events(question: str) -> bool:
    """Whether the question asks about events: it names them ("Termine", "Webinar", "was ist los"),
    or a period ("nächste Woche") in the sentence that asks."""
    return names_events(question) or bool(_PERIOD_CUES.search(fold(asking_sentences(question))))


# the asker speaking of their own situation ("wir haben seit 2012 …")
OWN_SITUATION = re.compile(r"\b(?:wir|uns|unser\w*|ich|mein\w*|we|our)\b")
# asking how others do it: "gibt es da schon Beispiele", "Projekte, von denen wir was abgucken könnten"
_EXAMPLES = re.compile(r"\b(?:beispiel\w*|vorbild\w*|abgucken|abschauen|erfahrung\w*|examples?|"
                       r"schon\s+(?:projekte|jemand|wer|kommunen|gemeinden)|andere\s+(?:kommunen|gemeinden|staedte)"
                       # "Gibt es da schon interkommunale Projekte …?", "Gibt es Kommunen, die …", "sowas schon irgendwo"
                       r"|gibt(?:\s+es|s)\s+(?:(?:da|denn|schon|bereits|irgendwo|auch|noch|so)\s+)*(?:\w+e\s+)?"
                       r"(?:projekte|kommunen|gemeinden|staedte|kooperationen)|(?:kommunen|gemeinden|staedte),?\s+die"
                       r"|schon\s+irgendwo|irgendwo\s+schon)\b")


def asks_for_examples(question: str) -> bool:
    """The asker, speaking of their own place, asks how others do it: a project elsewhere answers it."""
    folded = fold(question)
    return bool(OWN_SITUATION.search(folded) and _EXAMPLES.search(folded))
# "was für Fristen gibt es": the thing asked for, before "gibt es"
ASKED_BEFORE = re.compile(r"\b(?:was fuer|welche\w*|wie ?viele)\s+(?:\w+\s+)?([a-z-]+)\s*$")
# "Gibt es in Schlüchtern was beim Bauhof oder so?": the topic is an example, the place is what is asked
LOOSE_TOPIC = re.compile(r"\b(?:oder so(?: was| etwas)?|oder (?:so )?(?:was |etwas )?aehnliche[sn]?|o\. ?ae\.|or something"
                         r"|or similar)\b")


_SERVICE_ADDRESSED = re.compile(r"\b(?:euch|euer|eure[mnrs]?|(?:habt|koennt|seid|bietet|macht)\s+ihr"
                                r"|(?:reach|contact|call|email)\s+you|advisory\s+service)\b"
                                r"|(?<![a-z])(?:beratungsstelle|geschaeftsstelle|kompetenzzentrum|ikz[- ]?beratung)"  # not "Seniorenberatungsstelle"
                                # asking for help as such: "an wen …, wenn ich Unterstützung brauche?", "wo kriegen wir Beratung?"
                                r"|\b(?:hilfe|unterstuetzung|beratung|rat)\s+(?:brauch|benoetig|such)\w*"
                                r"|\b(?:wo|wie|wer)\s+(?:bekomm|krieg|find|erhalt|gibt)\w*\s+(?:ich|wir|man|es|uns|mir)\s+"
                                r"(?:\w+\s+)?(?:hilfe|unterstuetzung|beratung)\b|\bwho\s+can\s+help\b|\bneed\s+(?:help|support|advice)\b")


def addresses_the_service(question: str) -> bool:
    """Whether the question asks the assistant's own service ("An wen wende ich mich bei euch?",
    "Wie erreiche ich euch?"): the contact asked for is the advisory service's, not a project's."""
    return bool(_SERVICE_ADDRESSED.search(fold(question)))


# "Gibt es sowas schon irgendwo und müssen wir die Leistungen dann ausschreiben?": two questions in one clause
SECOND_QUESTION = re.compile(r",?\s+(?:und|oder|and|or)\s+(?=(?:wie|was|welche\w*|wer|wo|wann|warum|seit|bis|ab|gibt|muss"
                             r"|m(?:ü|ue)ssen|kann|k(?:ö|oe)nnen|darf|d(?:ü|ue)rfen|ist|sind|geht|hat|haben|lohnt|braucht"
                             r"|brauchen|soll\w*|w(?:ü|ue)rde\w*|how|what|who|when|do|does|is|are|can|must)\b)", re.I)


def list_question(clause: str) -> str:
    """Of an asking clause that holds several questions, the one that asks for projects ("Gibt es
    sowas schon irgendwo"); the clause itself when none or each does."""
    parts = SECOND_QUESTION.split(clause)
    listing = [p for p in parts if PROJECT_LIST_PHRASES.search(fold(p))]
    return " ".join(listing) if listing and len(listing) < len(parts) else clause


# the asker's own project into the portal: "unser Projekt zur Friedhofsverwaltung in eure Datenbank aufnehmen lassen"
_REGISTER = re.compile(r"\b(?:eintrag\w*|einzutragen|eingetragen|aufnehmen\s+lassen|aufgenommen\s+werden|aufnahme|einreichen"
                       r"|listed|add(?:ed)?|submit\w*)\b")
_PORTAL = re.compile(r"\b(?:portal|projektdatenbank|bei euch|eure[mnrs]?|euer|your (?:portal|database|site))\b")
# a database or website of any kind only with a project named beside it: "unsere Daten in die Datenbank eintragen" is none
_SITE = re.compile(r"\b(?:\w*datenbank\w*|plattform|webseite|website|database)\b")
_PROJECT = re.compile(r"projekt|kooperation|koop\b|vorhaben|initiative|zusammenarbeit|project")
_NOT_A_PROJECT = re.compile(r"newsletter|verteiler|abonn|veranstaltung|webinar|workshop|seminar|termin|konferenz|event")


def _registers(sentence: str) -> bool:
    return bool(_REGISTER.search(sentence) and not _NOT_A_PROJECT.search(sentence)
                and (_PORTAL.search(sentence) or (_SITE.search(sentence) and _PROJECT.search(sentence))))


def registers_own_project(question: str) -> bool:
    """Whether the question asks how to get the asker's own project into the portal ("unser Projekt
    bei euch eintragen lassen"): the portal's own FAQ answers it, not the projects on its topic."""
    folded = fold(question)
    return any(_registers(s) for s in re.split(r"[.?!]", folded)) \
        and bool(OWN_SITUATION.search(folded))
# what such a question is searched with: its own words name the project's topic, which is not asked
REGISTER_OWN_PROJECT_QUERY = "Wie kann ich unser Projekt in die Projektdatenbank des Portals aufnehmen lassen, melden, eintragen?"
