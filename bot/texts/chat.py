"""Texts of the question-and-answer conversation (Telegram and console).

HTML templates: values are escaped by bot.conversation before substitution.
"""

TEXTS = {
    "welcome": {
        "de": (
            "👋 <b>Willkommen beim IKZ-Assistenten!</b>\n"
            "Ich beantworte Fragen zur interkommunalen Zusammenarbeit (IKZ) in NRW – mit Quellen aus "
            "der Wissensbasis des Portals.\n\n"
            "<b>Was ich kann</b>\n"
            "• Fragen in eigenen Worten beantworten – einfach lostippen\n"
            "• Projekte nach Thema (/themen) oder Kreis (/kreis) zeigen\n"
            "• Leitfäden und Dokumente schicken (/dokumente)\n"
            "• Häufige Fragen (/faq) und Termine (/veranstaltungen)\n\n"
            "Nachfragen wie „und im Kreis Borken?“ oder „nur Zweckverbände“ verfeinern die letzte Frage.\n"
            "<b>Beispiele:</b>"
        ),
        "en": (
            "👋 <b>Welcome to the IKZ assistant!</b>\n"
            "I answer questions about inter-municipal cooperation (IKZ) in North Rhine-Westphalia, with "
            "sources from the portal's knowledge base. The content is in German.\n\n"
            "<b>What I can do</b>\n"
            "• Answer questions in your own words – just type\n"
            "• Show projects by topic (/themen) or Kreis (/kreis)\n"
            "• Send guides and documents (/dokumente)\n"
            "• Frequent questions (/faq) and events (/veranstaltungen)\n\n"
            "Follow-ups like “and in Kreis Borken?” or “only Zweckverband” refine your last question.\n"
            "<b>Examples:</b>"
        ),
    },
    "examples": {
        "de": "Gemeinsames Standesamt|Müllabfuhr im Kreis Borken|Förderung für IKZ-Projekte|Umsatzsteuer bei Kooperationen",
        "en": "Gemeinsames Standesamt|Müllabfuhr im Kreis Borken|Förderung für IKZ-Projekte|Umsatzsteuer bei Kooperationen",
    },
    "help": {
        "de": (
            "<b>So frage ich richtig</b>\n"
            "Schreiben Sie einfach Ihre Frage, z. B. „Wer hat ein gemeinsames Standesamt?“. Ich zeige das "
            "beste Ergebnis mit Quelle und weitere Treffer.\n\n"
            "<b>Befehle</b>\n"
            "/themen – Themenbereiche\n"
            "/kreis &lt;Name&gt; – Projekte in einem Kreis\n"
            "/projekt &lt;ID&gt; – ein Projekt anzeigen\n"
            "/dokumente – Leitfäden und Dokumente\n"
            "/faq – häufige Fragen\n"
            "/veranstaltungen – kommende Termine\n"
            "/datenschutz – was ich speichere\n\n"
            "In anderen Chats: <code>@{bot} Suchbegriff</code> teilt Projektkarten."
        ),
        "en": (
            "<b>How to ask</b>\n"
            "Just type your question, e.g. “Who runs a joint registry office?”. I show the best result with "
            "its source and further hits.\n\n"
            "<b>Commands</b>\n"
            "/themen – topic areas\n"
            "/kreis &lt;name&gt; – projects in a Kreis (district)\n"
            "/projekt &lt;ID&gt; – show a project\n"
            "/dokumente – guides and documents\n"
            "/faq – frequent questions\n"
            "/veranstaltungen – upcoming events\n"
            "/datenschutz – what I store\n\n"
            "In other chats: <code>@{bot} search term</code> shares project cards."
        ),
    },
    "privacy_default": {
        "de": (
            "<b>Datenschutz</b>\n"
            "Ich speichere Ihre Fragen, die gefundenen Treffer und Ihr Feedback, um die Antworten zu "
            "verbessern. Ihre Telegram-Nutzer-ID wird dabei nur als Pseudonym (verschlüsselter Hash) "
            "gespeichert; Name und Telefonnummer speichere ich nicht. Einträge werden nach {days} Tagen gelöscht. "
            "Fragen dazu: {contact}"
        ),
        "en": (
            "<b>Privacy</b>\n"
            "I store your questions, the results found and your feedback to improve the answers. Your "
            "Telegram user id is stored only as a pseudonym (keyed hash); I do not store names or phone "
            "numbers. Entries are deleted after {days} days. Questions: {contact}"
        ),
    },
    "abstain": {
        "de": "🤔 Dazu habe ich in der Wissensbasis leider nichts Verlässliches gefunden.",
        "en": "🤔 Sorry, I found nothing reliable about that in the knowledge base.",
    },
    "abstain_topics": {
        "de": "Vielleicht passt einer dieser Themenbereiche:",
        "en": "Perhaps one of these topic areas fits:",
    },
    "abstain_contact": {
        "de": "Persönliche Beratung: {contact}",
        "en": "Personal advice: {contact}",
    },
    "follow_up_note": {
        "de": "↪️ Bezogen auf Ihre vorige Frage „{previous}“",
        "en": "↪️ Refining your previous question “{previous}”",
    },
    "further_hits": {"de": "<b>Weitere Treffer</b>", "en": "<b>Further results</b>"},
    "answer_source": {"de": "Quelle: {source}", "en": "Source: {source}"},
    "maybe": {
        "de": "🤔 Ich bin nicht sicher, aber das könnte passen:",
        "en": "🤔 I am not sure, but this could fit:",
    },
    "maybe_contact": {
        "de": "Nicht das Richtige? Persönliche Beratung: {contact}",
        "en": "Not what you need? Personal advice: {contact}",
    },
    "place_none_kreis": {
        "de": "ℹ️ Für {places} ist in der Wissensbasis kein Projekt{topic} verzeichnet. Projekte im {kreis}:",
        "en": "ℹ️ The knowledge base lists no project{topic} for {places}. Projects in {kreis}:",
    },
    "place_none_elsewhere": {
        "de": "ℹ️ Für {places} ist in der Wissensbasis kein Projekt{topic} verzeichnet. Ähnliche Projekte anderswo:",
        "en": "ℹ️ The knowledge base lists no project{topic} for {places}. Similar projects elsewhere:",
    },
    "place_topic": {"de": " zum Thema „{topic}“", "en": " on “{topic}”"},
    "smalltalk_greeting": {
        "de": "👋 Hallo! Fragen Sie mich einfach zur interkommunalen Zusammenarbeit – z. B. „Wer hat ein gemeinsames Standesamt?“. /hilfe zeigt, was ich kann.",
        "en": "👋 Hello! Just ask me about inter-municipal cooperation – e.g. “Who runs a joint registry office?”. /help shows what I can do.",
    },
    "smalltalk_thanks": {
        "de": "😊 Gern geschehen! Fragen Sie jederzeit wieder.",
        "en": "😊 You're welcome! Ask me any time.",
    },
    "smalltalk_bye": {"de": "👋 Bis bald!", "en": "👋 See you!"},
    "smalltalk_about": {
        "de": "🤖 Ich bin der IKZ-Assistent: ein Bot, der Fragen zur interkommunalen Zusammenarbeit aus der Wissensbasis des Portals beantwortet – mit Quelle. /hilfe zeigt alle Befehle.",
        "en": "🤖 I am the IKZ assistant, a bot that answers questions on inter-municipal cooperation from the portal's knowledge base, with sources. /help lists all commands.",
    },
    "smalltalk_ack": {"de": "👍", "en": "👍"},
    "more_results_title": {
        "de": "<b>Weitere Ergebnisse zu „{question}“</b> ({first}–{last} von {total})",
        "en": "<b>More results for “{question}”</b> ({first}–{last} of {total})",
    },
    "no_more_results": {"de": "Keine weiteren Ergebnisse.", "en": "No further results."},
    "similar_title": {
        "de": "<b>Ähnliche Projekte wie „{title}“</b>",
        "en": "<b>Projects similar to “{title}”</b>",
    },
    "no_similar": {"de": "Keine ähnlichen Projekte gefunden.", "en": "No similar projects found."},
    "label_municipalities": {"de": "Beteiligt", "en": "Participants"},
    "label_kreis": {"de": "Kreis", "en": "Kreis (district)"},
    "label_legal_form": {"de": "Rechtsform", "en": "Legal form"},
    "label_topic": {"de": "Thema", "en": "Topic"},
    "label_since": {"de": "Seit", "en": "Since"},
    "label_contact": {"de": "Kontakt", "en": "Contact"},
    "label_link": {"de": "Mehr im Portal", "en": "More on the portal"},
    "label_passage": {"de": "Fundstelle", "en": "Passage"},
    "label_when": {"de": "Wann", "en": "When"},
    "label_where": {"de": "Wo", "en": "Where"},
    "label_registration": {"de": "Anmeldung", "en": "Registration"},
    "label_cancelled": {"de": "❌ ABGESAGT", "en": "❌ CANCELLED"},
    "kind_project": {"de": "Projekt", "en": "Project"},
    "kind_document": {"de": "Dokument", "en": "Document"},
    "kind_faq": {"de": "FAQ", "en": "FAQ"},
    "kind_event": {"de": "Termin", "en": "Event"},
    "button_more": {"de": "Mehr Treffer ▶", "en": "More results ▶"},
    "button_next": {"de": "Weiter ▶", "en": "Next ▶"},
    "button_previous": {"de": "◀ Zurück", "en": "◀ Back"},
    "button_similar": {"de": "🔁 Ähnliche Projekte", "en": "🔁 Similar projects"},
    "button_send_document": {"de": "📄 Dokument senden", "en": "📄 Send document"},
    "button_helpful": {"de": "👍 Hilfreich", "en": "👍 Helpful"},
    "button_not_helpful": {"de": "👎 Nicht hilfreich", "en": "👎 Not helpful"},
    "button_open_in_bot": {"de": "Im IKZ-Assistenten öffnen", "en": "Open in the IKZ assistant"},
    "feedback_thanks_up": {"de": "Danke für Ihr Feedback! 👍", "en": "Thanks for your feedback! 👍"},
    "feedback_thanks_down": {
        "de": "Danke! Ich gebe das an das Portal-Team weiter. 👎",
        "en": "Thanks! I will pass this on to the portal team. 👎",
    },
    "invalid_button": {
        "de": "Diese Schaltfläche ist nicht (mehr) gültig. Bitte fragen Sie einfach neu.",
        "en": "This button is no longer valid. Please just ask again.",
    },
    "topics_title": {"de": "<b>Themenbereiche</b> – bitte wählen:", "en": "<b>Topic areas</b> – please choose:"},
    "kreise_title": {"de": "<b>Kreise</b> – bitte wählen:", "en": "<b>Kreise (districts)</b> – please choose:"},
    "kreis_unknown": {
        "de": "Einen Kreis „{name}“ kenne ich nicht. Bitte wählen Sie:",
        "en": "I don't know a Kreis “{name}”. Please choose:",
    },
    "projects_in_topic": {
        "de": "<b>Projekte zum Thema {name}</b> ({first}–{last} von {total})",
        "en": "<b>Projects on {name}</b> ({first}–{last} of {total})",
    },
    "projects_in_kreis": {
        "de": "<b>Projekte im {name}</b> ({first}–{last} von {total})",
        "en": "<b>Projects in {name}</b> ({first}–{last} of {total})",
    },
    "no_projects": {"de": "Dazu gibt es noch keine Projekte.", "en": "There are no projects yet."},
    "nothing_loaded": {
        "de": "Die Wissensbasis ist noch leer. Bitte wenden Sie sich an das Portal-Team.",
        "en": "The knowledge base is still empty. Please contact the portal team.",
    },
    "project_usage": {
        "de": "Bitte geben Sie eine Projekt-ID an, z. B. <code>/projekt {example}</code>.",
        "en": "Please give a project id, e.g. <code>/projekt {example}</code>.",
    },
    "project_unknown": {
        "de": "Ein Projekt „{id}“ habe ich nicht gefunden.",
        "en": "I could not find a project “{id}”.",
    },
    "documents_title": {
        "de": "<b>Dokumente</b> – tippen Sie auf einen Titel, um ihn zu erhalten:",
        "en": "<b>Documents</b> – tap a title to receive it:",
    },
    "no_documents": {"de": "Noch keine Dokumente vorhanden.", "en": "No documents yet."},
    "document_unavailable": {
        "de": "Die Datei „{title}“ kann ich gerade nicht schicken.",
        "en": "I can't send the file “{title}” right now.",
    },
    "document_too_large": {
        "de": "Die Datei „{title}“ ist zu groß zum Senden.",
        "en": "The file “{title}” is too large to send.",
    },
    "document_link": {"de": "Hier finden Sie es: {url}", "en": "You can find it here: {url}"},
    "faq_title": {"de": "<b>Häufige Fragen</b>", "en": "<b>Frequent questions</b> (in German)"},
    "no_faq": {"de": "Noch keine FAQ vorhanden.", "en": "No FAQ yet."},
    "events_title": {"de": "<b>Kommende Veranstaltungen</b>", "en": "<b>Upcoming events</b>"},
    "no_events": {"de": "Zurzeit sind keine Veranstaltungen geplant.", "en": "No events are planned at the moment."},
    "time_zone_note": {"de": "Zeiten in der Zeitzone {timezone}.", "en": "Times in the time zone {timezone}."},
    "too_long": {
        "de": "Das ist mir zu lang 🙂 Bitte fassen Sie Ihre Frage in höchstens {max} Zeichen.",
        "en": "That is too long for me 🙂 Please keep your question under {max} characters.",
    },
    "rate_limited": {
        "de": "Sie fragen schneller, als ich lesen kann 🙂 Bitte warten Sie {seconds} Sekunden.",
        "en": "You are asking faster than I can read 🙂 Please wait {seconds} seconds.",
    },
    "unsupported_message": {
        "de": "Damit kann ich leider nichts anfangen – bitte schreiben Sie mir Ihre Frage als Text.",
        "en": "Sorry, I can't do anything with that – please send me your question as text.",
    },
    "edited_message": {
        "de": "Geänderte Nachrichten kann ich nicht berücksichtigen – bitte senden Sie die Frage neu.",
        "en": "I can't take edited messages into account – please send the question again.",
    },
    "unknown_command": {
        "de": "Diesen Befehl kenne ich nicht. Eine Übersicht gibt es mit /hilfe.",
        "en": "I don't know that command. See /help for an overview.",
    },
    "empty_question": {
        "de": "Was möchten Sie wissen? Schreiben Sie mir einfach Ihre Frage.",
        "en": "What would you like to know? Just type your question.",
    },
    "index_missing": {
        "de": "Die Suche ist gerade nicht bereit (der Suchindex fehlt). Bitte versuchen Sie es später.",
        "en": "Search is not ready right now (the search index is missing). Please try again later.",
    },
    "console_intro": {
        "de": "IKZ-Assistent (Konsole). Fragen eintippen, Befehle wie /hilfe, Ziffern wählen Schaltflächen, 'exit' beendet.",
        "en": "IKZ assistant (console). Type questions, commands like /help, numbers choose buttons, 'exit' quits.",
    },
    "console_document": {"de": "📄 Datei: {path}", "en": "📄 File: {path}"},
    "console_bad_choice": {
        "de": "Bitte eine Zahl von 1 bis {count} wählen.",
        "en": "Please choose a number from 1 to {count}.",
    },
}
