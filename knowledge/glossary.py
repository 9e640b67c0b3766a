"""Query expansion with a bilingual domain glossary and German administrative abbreviations.

English questions get the German terms of the domain appended ("registry office" → "Standesamt"),
abbreviations get their long forms ("AöR" → "Anstalt öffentlichen Rechts"), so that both the
German BM25 index and the multilingual encoder see the words the knowledge base uses.
"""

from __future__ import annotations

import re

from embeddings.lexical import fold

# Abbreviations common in German administration (folded key → long form).
ABBREVIATIONS: dict[str, str] = {
    "ikz": "interkommunale Zusammenarbeit",
    "gkg": "Gesetz über kommunale Gemeinschaftsarbeit GkG NRW",
    "aoer": "Anstalt öffentlichen Rechts gemeinsames Kommunalunternehmen",
    "ozg": "Onlinezugangsgesetz Online-Dienste Digitalisierung",
    "ssc": "Shared Service Center",
    "kdn": "Dachverband kommunaler IT-Dienstleister KDN",
    "dsgvo": "Datenschutz-Grundverordnung",
    "ustg": "Umsatzsteuergesetz Umsatzsteuer",
    "tvoed": "Tarifvertrag öffentlicher Dienst TVöD",
    "oepnv": "öffentlicher Personennahverkehr Mobilität",
    "zv": "Zweckverband",
    "oerv": "öffentlich-rechtliche Vereinbarung",
    "go": "Gemeindeordnung",
    "gwb": "Gesetz gegen Wettbewerbsbeschränkungen Vergaberecht",
    "vgv": "Vergabeverordnung",
    "uvgo": "Unterschwellenvergabeordnung",
    "avv": "Auftragsverarbeitungsvertrag Auftragsverarbeitung",
    "bgb": "Bürgerliches Gesetzbuch",
    "nkf": "Neues Kommunales Finanzmanagement",
    "kag": "Kommunalabgabengesetz Gebühren",
    "gis": "Geoinformation Geodaten",
    "vhs": "Volkshochschule",
    "kita": "Kindertagesstätte Kita",
    "feuerwehr": "Feuerwehr",
    "e-akte": "elektronische Akte E-Akte",
}

# Colloquial, regional and dialect German (folded) → the terms of administrative writing. Generic
# vocabulary of municipal staff, written from the domain, not from any knowledge base's items.
COLLOQUIAL: dict[str, str] = {
    "muell": "Abfall", "muellabfuhr": "Abfallwirtschaft Abfallentsorgung", "abfallentsorgung": "Abfallwirtschaft",
    "muelltonnen": "Abfall", "wertstoffhof": "Abfallwirtschaft Wertstoffhof", "gruenschnitt": "Abfall Grünabfall",
    "klaerwerk": "Kläranlage Abwasser", "kanal": "Abwasser Kanalnetz", "kanalisation": "Abwasser Kanalnetz",
    "koop": "Kooperation", "koops": "Kooperationen", "kooperieren": "Kooperation Zusammenarbeit",
    "kohle": "Geld Förderung Kosten", "knete": "Geld Kosten", "zaster": "Geld Kosten",
    "foerderkohle": "Förderung Fördermittel", "foerdergeld": "Förderung Fördermittel", "zuschuss": "Förderung Zuwendung",
    "zuschuesse": "Förderung Zuwendung", "kost": "kostet Kosten", "kosts": "kostet Kosten", "wat": "was",
    "dat": "das", "nen": "einen", "ne": "eine", "gibts": "gibt es", "hamse": "haben Sie", "isses": "ist es",
    "zusammenschmeissen": "zusammenlegen gemeinsam Zusammenarbeit",
    "zusammenzuschmeissen": "zusammenlegen gemeinsam Zusammenarbeit", "zusammenzulegen": "zusammenlegen gemeinsam", "zusammenlegen": "gemeinsam zusammenlegen",
    "zusammentun": "Zusammenarbeit gemeinsam", "zusammenarbeiten": "Zusammenarbeit gemeinsam",
    "fusionieren": "zusammenlegen gemeinsam", "fusion": "Zusammenlegung", "teilen": "gemeinsam teilen",
    "edv": "IT Informationstechnik", "rechenzentrum": "IT-Dienstleister Rechenzentrum", "computer": "IT",
    "hochzeit": "Trauung Eheschließung Standesamt", "heiraten": "Trauung Eheschließung Standesamt",
    "buecherei": "Bibliothek", "buechereien": "Bibliothek", "kindergarten": "Kita Kindertagesstätte",
    "kindergaerten": "Kita Kindertagesstätten", "azubis": "Auszubildende Ausbildung Personalgewinnung",
    "azubi": "Auszubildende Ausbildung", "fachkraeftemangel": "Personalgewinnung Fachkräfte",
    "gehaltsabrechnung": "Personalabrechnung", "lohnabrechnung": "Personalabrechnung",
    "blitzer": "Geschwindigkeitsüberwachung Verkehrsüberwachung", "knoellchen": "Verkehrsüberwachung Ordnungsamt",
    "streusalz": "Winterdienst", "schneeraeumen": "Winterdienst", "schlagloecher": "Straßenunterhaltung",
    "strassenbau": "Straßenunterhaltung", "feuerwehrhaus": "Feuerwehr", "brandschutz": "Feuerwehr Brandschutz",
    "krankenwagen": "Rettungsdienst", "notarzt": "Rettungsdienst Notarzt", "ausschreiben": "Vergabe Ausschreibung",
    "ausschreibungen": "Vergabe Ausschreibung", "einkauf": "Beschaffung", "einkaufen": "Beschaffung",
    "steuern": "Steuer", "mwst": "Umsatzsteuer", "mehrwertsteuer": "Umsatzsteuer", "vertrag": "Vertrag Vereinbarung",
    "vorlage": "Muster Mustervertrag", "muster": "Muster Mustervertrag", "ansprechpartner": "Kontakt",
    "kaemmerei": "Kasse Finanzen", "stadtkasse": "Kasse", "gemeindekasse": "Kasse", "vollstreckung": "Vollstreckung Kasse",
    "personalamt": "Personal", "bauamt": "Bauaufsicht Bauamt", "standesamtsbezirk": "Standesamt",
    "online-antraege": "Online-Dienste OZG Digitalisierung", "onlinezugang": "OZG Onlinezugangsgesetz",
    "digitalisieren": "Digitalisierung", "digitale": "Digitalisierung", "webinare": "Webinar Veranstaltung",
    "termine": "Veranstaltungen Termine", "treffen": "Veranstaltung Treffen",
}

# English domain terms (folded, may be phrases) → German terms.
ENGLISH_TERMS: dict[str, str] = {
    "inter-municipal cooperation": "interkommunale Zusammenarbeit",
    "intermunicipal cooperation": "interkommunale Zusammenarbeit",
    "inter-municipal": "interkommunal",
    "cooperation": "Kooperation Zusammenarbeit",
    "municipality": "Kommune Gemeinde", "municipalities": "Kommunen Gemeinden",
    "town": "Stadt Gemeinde", "towns": "Städte Gemeinden", "city": "Stadt", "cities": "Städte",
    "district": "Kreis", "county": "Kreis",
    "special-purpose association": "Zweckverband", "special purpose association": "Zweckverband",
    "joint authority": "Zweckverband", "association": "Verband Verein",
    "public-law agreement": "öffentlich-rechtliche Vereinbarung", "public law agreement": "öffentlich-rechtliche Vereinbarung",
    "public institution": "Anstalt öffentlichen Rechts", "working group": "Arbeitsgemeinschaft",
    "registry office": "Standesamt", "register office": "Standesamt", "wedding": "Trauung Eheschließung",
    "marriage": "Eheschließung Trauung", "births": "Geburten Beurkundung",
    "waste": "Abfall Abfallwirtschaft", "garbage": "Abfall Müll", "recycling": "Wertstoff Recycling",
    "sewage": "Abwasser Kläranlage", "wastewater": "Abwasser", "sludge": "Klärschlamm",
    "drinking water": "Trinkwasser Wasserversorgung", "water supply": "Wasserversorgung",
    "flood": "Hochwasser Hochwasserschutz", "flood protection": "Hochwasserschutz",
    "fire brigade": "Feuerwehr", "fire department": "Feuerwehr", "firefighters": "Feuerwehr",
    "ambulance": "Rettungsdienst", "emergency services": "Rettungsdienst", "civil protection": "Katastrophenschutz",
    "disaster": "Katastrophenschutz", "building yard": "Bauhof", "depot": "Bauhof", "winter service": "Winterdienst",
    "snow": "Winterdienst Schnee", "roads": "Straßen Straßenunterhaltung", "road maintenance": "Straßenunterhaltung",
    "procurement": "Vergabe Vergaberecht Beschaffung", "tender": "Ausschreibung Vergabe", "purchasing": "Beschaffung",
    "in-house": "Inhouse-Vergabe", "public procurement": "Vergaberecht öffentliche Aufträge",
    "funding": "Förderung Fördermittel Zuschuss", "grant": "Förderung Zuwendung", "subsidy": "Förderung Zuschuss",
    "funding programme": "Förderprogramm Förderrichtlinie", "application": "Antrag Antragstellung",
    "deadline": "Frist Stichtag", "feasibility study": "Machbarkeitsstudie",
    "vat": "Umsatzsteuer", "value added tax": "Umsatzsteuer", "sales tax": "Umsatzsteuer", "tax": "Steuer",
    "data protection": "Datenschutz", "privacy": "Datenschutz", "joint controllers": "gemeinsame Verantwortlichkeit",
    "joint controllership": "gemeinsame Verantwortlichkeit", "processor": "Auftragsverarbeitung",
    "data processing": "Auftragsverarbeitung Datenverarbeitung", "information security": "Informationssicherheit",
    "it services": "IT-Dienstleistungen", "digitalisation": "Digitalisierung", "digitalization": "Digitalisierung",
    "online services": "Online-Dienste OZG", "e-government": "Digitalisierung Online-Dienste",
    "broadband": "Breitbandausbau", "shared service centre": "Shared Service Center", "shared service center": "Shared Service Center",
    "payroll": "Personalabrechnung Bezügeabrechnung", "recruitment": "Personalgewinnung", "staff": "Personal Beschäftigte",
    "employees": "Beschäftigte Personal", "civil servants": "Beamte", "staff transfer": "Personalüberleitung",
    "training": "Fortbildung Ausbildung", "apprentices": "Auszubildende Ausbildung",
    "cost allocation": "Kostenverteilung Verteilschlüssel", "costs": "Kosten", "cost": "Kosten", "budget": "Haushalt",
    "audit": "Rechnungsprüfung", "treasury": "Kasse Stadtkasse", "tax office": "Steueramt", "enforcement": "Vollstreckung",
    "archive": "Archiv", "library": "Bibliothek Bücherei", "libraries": "Bibliotheken Büchereien", "e-books": "E-Books Onleihe",
    "music school": "Musikschule", "adult education": "Volkshochschule", "school": "Schule", "schools": "Schulen",
    "childcare": "Kita Kindertagesbetreuung", "youth welfare": "Jugendamt", "youth office": "Jugendamt",
    "senior citizens": "Senioren Seniorenarbeit", "elderly": "Senioren", "integration": "Integration",
    "refugees": "Geflüchtete Integration", "interpreters": "Dolmetscher Sprachmittler", "health": "Gesundheit",
    "veterinary": "Veterinärwesen", "food safety": "Lebensmittelüberwachung", "food inspection": "Lebensmittelüberwachung",
    "building control": "Bauaufsicht", "building permit": "Baugenehmigung Bauaufsicht", "heritage": "Denkmalschutz",
    "monument protection": "Denkmalschutz", "cemetery": "Friedhof Friedhofswesen", "cemeteries": "Friedhöfe",
    "tourism": "Tourismus", "economic development": "Wirtschaftsförderung", "business park": "Gewerbegebiet",
    "industrial estate": "Gewerbegebiet", "land management": "Flächenmanagement", "regional planning": "Regionalplanung",
    "climate protection": "Klimaschutz", "climate": "Klima Klimaschutz", "energy": "Energie", "solar": "Solar Photovoltaik",
    "public transport": "ÖPNV Mobilität", "bus": "Bus ÖPNV", "cycling": "Radverkehr", "bicycle": "Fahrrad Radverkehr",
    "forest": "Forst Wald", "forestry": "Forst", "sports": "Sport", "swimming pool": "Schwimmbad Bad Hallenbad",
    "culture": "Kultur", "facility management": "Gebäudemanagement", "buildings": "Gebäude", "equality": "Gleichstellung",
    "public order": "Ordnungsamt", "speed cameras": "Geschwindigkeitsüberwachung Blitzer", "traffic": "Verkehr",
    "geodata": "Geodaten Geoinformation", "surveying": "Vermessung", "mapping": "Geoinformation Karten",
    "events": "Veranstaltungen", "event": "Veranstaltung", "conference": "Konferenz Jahreskonferenz", "webinar": "Webinar Spotlight",
    "workshop": "Workshop", "advisory service": "Beratungsstelle Beratung", "advice": "Beratung", "contact": "Kontakt Ansprechpartner",
    "checklist": "Checkliste", "guide": "Leitfaden", "model contract": "Mustervertrag", "contract": "Vertrag Vereinbarung",
    "agreement": "Vereinbarung", "statutes": "Satzung", "founding": "Gründung", "found": "gründen",
    "supervisory authority": "Aufsichtsbehörde", "approval": "Genehmigung", "dissolve": "auflösen Auflösung",
    "termination": "Kündigung", "notice period": "Kündigungsfrist", "voting": "Stimmrecht Stimmgewicht",
    "assembly": "Verbandsversammlung", "liability": "Haftung", "insurance": "Versicherung", "emergency power": "Notstrom",
    "power outage": "Stromausfall Notstrom", "generators": "Notstromaggregate", "blackout": "Stromausfall Blackout",
    "joint": "gemeinsam", "jointly": "gemeinsam", "shared": "gemeinsam", "share": "gemeinsam teilen",
    "together": "gemeinsam", "common": "gemeinsam", "neighbouring": "Nachbar", "neighboring": "Nachbar",
    "emergency doctor": "Notarzt", "doctor": "Arzt", "emergency": "Notfall", "locations": "Standorte",
    "location": "Standort", "split": "aufteilen Verteilung", "divide": "aufteilen", "allocate": "verteilen",
    "fair": "gerecht", "fairly": "gerecht", "population": "Einwohner", "inhabitants": "Einwohner",
    "key": "Schlüssel", "service": "Dienstleistung", "services": "Dienstleistungen", "office": "Amt",
    "administration": "Verwaltung", "administrations": "Verwaltungen", "mayor": "Bürgermeister",
    "council": "Rat", "law": "Gesetz Recht", "legal form": "Rechtsform", "legal basis": "Rechtsgrundlage",
    "requirements": "Voraussetzungen", "example": "Beispiel", "examples": "Beispiele", "savings": "Einsparungen",
    "efficiency": "Effizienz", "personnel": "Personal", "salary": "Gehalt", "salaries": "Gehälter",
    "collective agreement": "Tarifvertrag TVöD", "transfer": "Überleitung", "contribution": "Umlage Beitrag",
    "bridges": "Brücken", "bridge inspection": "Brückenprüfung", "streets": "Straßen", "street lighting": "Straßenbeleuchtung",
    "fibre": "Glasfaser", "fiber": "Glasfaser", "heat planning": "Wärmeplanung", "heating": "Wärme Heizung",
    "archives": "Archive Archiv", "museum": "Museum", "citizens": "Bürger", "citizen": "Bürger",
    "ransomware": "Ransomware Informationssicherheit", "cyber": "Informationssicherheit Cyber",
    "hygiene": "Hygiene", "markets": "Märkte", "meeting": "Treffen Veranstaltung", "registration": "Anmeldung",
}

_TERM_PATTERNS = [
    (re.compile(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])"), german)
    for term, german in sorted(ENGLISH_TERMS.items(), key=lambda kv: -len(kv[0]))
]
_ENGLISH_MARKERS = {"the", "is", "are", "what", "which", "how", "who", "where", "when", "do", "does", "can", "there",
                    "of", "in", "for", "and", "with", "any", "a", "an", "to", "share", "projects", "jointly"}


def looks_english(text: str) -> bool:
    words = re.findall(r"[a-z]+", text.lower())
    if not words:
        return False
    return sum(1 for w in words if w in _ENGLISH_MARKERS) / len(words) >= 0.25


def expand_query(text: str) -> str:
    """The question plus German domain terms and long forms of abbreviations it uses."""
    additions = expansion_terms(text)
    return f"{text} ({additions})" if additions else text


def expansion_terms(text: str) -> str:
    """German domain terms and long forms of abbreviations for ``text`` ('' when there are none)."""
    folded = fold(text)
    additions: list[str] = []
    for word in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", folded):
        long_form = ABBREVIATIONS.get(word) or COLLOQUIAL.get(word)
        if long_form and fold(long_form) not in folded:
            additions.append(long_form)
    if looks_english(text):
        remaining = folded
        for pattern, german in _TERM_PATTERNS:
            if pattern.search(remaining):
                additions.append(german)
                remaining = pattern.sub(" ", remaining)
    return " ".join(dict.fromkeys(additions))
