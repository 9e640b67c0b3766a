"""Descriptions of what the assistant does *not* cover, used as a reject class for abstention.

A question that is closer to one of these descriptions than to anything in the knowledge base is
not answered. The list names broad categories (citizen services, personal matters, elections,
weather, sports, leisure, general knowledge, software help…), not particular questions.
Maintainers can extend it when the query log shows answered questions that should not have been.
"""

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
    "Bankverbindung, IBAN oder Kassenzeichen einer Stadtkasse",
    "Wer ist Bürgermeister, Landrat oder Ratsmitglied einer Stadt",
    "Kreisumlage, Haushaltsplan und Schulden einer bestimmten Kommune",
    # personal matters of employees and citizens
    "Urlaubsanspruch, Gehalt, Besoldungsgruppe, Überstunden und Arbeitszeit von Beschäftigten",
    "Elterngeld, Kindergeld, Wohngeld, Bürgergeld, Rente und Sozialleistungen",
    "Gesetzlicher Mindestlohn, Steuererklärung und Einkommensteuer",
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
    "Programmieren, künstliche Intelligenz, Chatbots und Computerspiele",
    "Immobilien kaufen, Miete, Nebenkosten und Mietrecht",
    "Weather forecast, sports results, recipes and travel",
    "Passport, driving licence, car registration and personal taxes",
)
