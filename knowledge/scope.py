"""What the assistant covers and what it does not: short descriptions used as anchor classes.

A question's similarity to the in-scope descriptions (inter-municipal cooperation and the
administrative work around it) and to the out-of-scope descriptions (citizen services, personal
matters, weather, sports, …) are two inputs of the confidence decision (knowledge/confidence.py).
Both lists name broad categories, not particular questions or items of a knowledge base.
Maintainers can extend them when the query log shows questions that were judged wrongly.
"""

IN_SCOPE_TOPICS: tuple[str, ...] = (
    "Interkommunale Zusammenarbeit: Gemeinden, Städte und Kreise erfüllen Aufgaben gemeinsam",
    "Kooperation mit Nachbarkommunen, gemeinsame Einrichtung, Aufgabenübertragung auf eine andere Kommune",
    "Zweckverband, öffentlich-rechtliche Vereinbarung, gemeinsames Kommunalunternehmen, Arbeitsgemeinschaft",
    "Rechtsgrundlagen der kommunalen Gemeinschaftsarbeit, Satzung, Genehmigung durch die Aufsichtsbehörde",
    "Fördermittel und Förderprogramme für Kooperationen, Förderantrag, Fördersatz, Machbarkeitsstudie",
    "Kostenverteilung, Umlage und Verteilschlüssel zwischen den beteiligten Kommunen",
    "Umsatzsteuer bei Leistungen zwischen juristischen Personen des öffentlichen Rechts, § 2b UStG",
    "Vergaberecht, Inhouse-Vergabe und öffentlich-öffentliche Zusammenarbeit ohne Ausschreibung",
    "Personalüberleitung, Beschäftigte und Beamte beim Wechsel zu einem gemeinsamen Träger",
    "Datenschutz bei gemeinsamer Verarbeitung, gemeinsame Verantwortlichkeit, Auftragsverarbeitung",
    "Digitalisierung der Verwaltung, Onlinezugangsgesetz, Online-Dienste, E-Akte, gemeinsame IT-Dienstleister",
    "Shared Service Center, gemeinsame Verwaltungsdienstleistungen, Bündelung von Aufgaben",
    "Beispiele und Projekte der Zusammenarbeit: Standesamt, Bauhof, Vergabestelle, Kasse, Archiv, Feuerwehr",
    "Gemeinsame Ver- und Entsorgung: Abfall, Abwasser, Wasserversorgung, Energie, Klimaschutz",
    "Regionale Kooperation in Tourismus, Wirtschaftsförderung, Gewerbegebieten, Mobilität und Kultur",
    "Gemeinsames Gewerbegebiet: Gewerbesteuer und Grundsteuer zwischen den beteiligten Kommunen aufteilen",
    "Öffentlich-rechtlicher Vertrag zwischen Behörden: Zulässigkeit, Schriftform, Nichtigkeit, Kündigung",
    "Veranstaltungen, Workshops und Webinare zur interkommunalen Zusammenarbeit",
    "Ansprechpartner, Beratung und Kontakt zu einem Kooperationsprojekt",
    "Die Beratungsstelle des Portals: Telefon und E-Mail, was sie berät, ob die Beratung etwas kostet",
    "Ein eigenes Kooperationsprojekt auf dem Portal melden oder eintragen",
    "Leitfaden, Checkliste und Mustervertrag für die Gründung einer Kooperation",
    "Welche Kommunen im Kreis arbeiten zusammen, an welchen Projekten ist eine Gemeinde beteiligt",
    "Joint services of municipalities, inter-municipal cooperation, shared administration",
)

OUT_OF_SCOPE_TOPICS: tuple[str, ...] = (
    # citizen services of a single town (not cooperation between municipalities)
    "Personalausweis, Reisepass oder Führerschein beantragen oder verlängern",
    "Wohnsitz anmelden, ummelden oder abmelden, Meldebescheinigung beim Bürgerbüro",
    "Auto zulassen, Kfz-Zulassungsstelle, Kennzeichen, Parkausweis",
    "Öffnungszeiten und Termine eines Amtes oder Rathauses",
    "Führungszeugnis, Geburtsurkunde oder Heiratsurkunde bestellen und Gebühren dafür",
    "Baugenehmigung für mein eigenes Haus, Carport oder Gartenhaus",
    "Sperrmüll anmelden, Abfuhrkalender, Mülltonne bestellen als Privatperson",
    "Hundesteuer, Grundsteuer, Gewerbesteuer: Hebesatz und Steuersatz einer bestimmten Stadt",
    "Grunderwerbsteuer, Erbschaftsteuer und Steuersätze beim Kauf eines Grundstücks oder Hauses",
    "Bankverbindung, IBAN oder Kassenzeichen einer Stadtkasse",
    "Wer ist Bürgermeister, Landrat oder Ratsmitglied einer Stadt",
    "Kita-Platz, Schulplatz oder Betreuung für mein eigenes Kind suchen und anmelden",
    "Kreisumlage, Haushaltsplan und Schulden einer bestimmten Kommune",
    # personal matters of employees and citizens
    "Urlaubsanspruch, Gehalt, Besoldungsgruppe, Überstunden und Arbeitszeit von Beschäftigten",
    "Elternzeit, Mutterschutz, Teilzeit, Sonderurlaub und Beihilfe für mich als Beschäftigte oder Beamter",
    "Elterngeld, Kindergeld, Wohngeld, Bürgergeld, Rente und Sozialleistungen",
    "Gesetzlicher Mindestlohn, Steuererklärung und Einkommensteuer",
    "Fahrtkosten, Pendlerpauschale und Werbungskosten privat in der Steuererklärung absetzen",
    "Krankmeldung, Arzt, Apotheke, Impfung und Krankenversicherung",
    # politics and public life
    "Bundestagswahl, Landtagswahl, Kommunalwahl, Briefwahl und Wahlergebnisse",
    "Aktuelle Nachrichten und Politik in Berlin, Bund und Europa",
    # calendar, weather, travel
    "Wetter, Wettervorhersage, Regen, Temperatur morgen",
    "Schulferien, Feiertage, Karneval, Brückentage im Kalender",
    "Zugverbindung, Fahrplan, Bahn, Flug, Stau und Verkehrslage",
    "Hotel, Restaurant, Ausflugsziele und Freizeittipps am Wochenende",
    # sports, leisure, culture
    "Fußball, Bundesliga, Spielergebnisse und Tabelle",
    "Kochrezept, Backen, Essen und Getränke",
    "Kinoprogramm, Konzerte, Musik, Filme und Serien",
    # general knowledge and software help
    "Excel-Formel, Word, Outlook, Passwort vergessen, Drucker funktioniert nicht",
    "Allgemeinwissen, Geschichte, Mathematik, Übersetzung und Rechtschreibung",
    "Schreib mir ein Gedicht, einen Witz, eine Geschichte oder einen Liedtext",
    "Programmieren, künstliche Intelligenz, Chatbots und Computerspiele",
    "Immobilien kaufen, Miete, Nebenkosten und Mietrecht",
    "Zuschüsse für Privatleute: eigene Photovoltaikanlage, Wärmepumpe, Heizung, Sanierung des eigenen Hauses",
    "Sich selbstständig machen: Rechtsform, Gründung und Steuern einer privaten Firma (UG, GmbH, Einzelunternehmen)",
    "Joint Venture, Fusion und Kooperation privater Unternehmen und Firmen untereinander",
    "Hecke, Baum oder Zaun auf dem Grundstück des Nachbarn, Nachbarrecht unter Privatleuten",
    "Städtepartnerschaften mit Städten im Ausland, Schüleraustausch und Reisen dorthin",
    "Weather forecast, sports results, recipes and travel",
    "Passport, driving licence, car registration and personal taxes",
)
