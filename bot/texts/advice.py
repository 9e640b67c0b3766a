"""Texts of the hand-off to the advisory service, "meine Kommune", feedback reasons, exports and
list paging (Telegram and console). HTML templates: values are escaped before substitution."""

TEXTS = {
    # --- hand-off to the advisory service ---------------------------------------------------
    "button_handoff": {"de": "📨 Frage an die Beratungsstelle weiterleiten", "en": "📨 Forward to the advisory service"},
    "handoff_confirm": {
        "de": (
            "<b>Frage an die Beratungsstelle</b>\n"
            "Das wird an die Beratungsstelle gesendet:\n\n"
            "<i>{question}</i>\n\n"
            "{name_line}\n"
            "Die Antwort schicke ich Ihnen hier im Chat. Senden?"
        ),
        "en": (
            "<b>Question for the advisory service</b>\n"
            "This is what will be sent to the advisory service:\n\n"
            "<i>{question}</i>\n\n"
            "{name_line}\n"
            "I will deliver the answer here in this chat. Send it?"
        ),
    },
    "handoff_name_off": {
        "de": "👤 Ihr Telegram-Name wird <b>nicht</b> mitgeschickt (die Antwort erreicht Sie trotzdem).",
        "en": "👤 Your Telegram name is <b>not</b> included (the answer still reaches you).",
    },
    "handoff_name_on": {
        "de": "👤 Mitgeschickt wird auch Ihr Telegram-Name: <b>{name}</b>",
        "en": "👤 Your Telegram name is included too: <b>{name}</b>",
    },
    "button_handoff_send": {"de": "✅ Senden", "en": "✅ Send"},
    "button_handoff_name_on": {"de": "👤 Namen mitschicken", "en": "👤 Include my name"},
    "button_handoff_name_off": {"de": "👤 Ohne Namen", "en": "👤 Without my name"},
    "button_handoff_cancel": {"de": "✖ Abbrechen", "en": "✖ Cancel"},
    "handoff_sent": {
        "de": "📨 Ihre Frage ist bei der Beratungsstelle (Vorgang <b>#{ref}</b>). Die Antwort kommt hier in diesen Chat.",
        "en": "📨 Your question is with the advisory service (reference <b>#{ref}</b>). The answer will come to this chat.",
    },
    "handoff_cancelled": {"de": "Nicht gesendet.", "en": "Not sent."},
    "handoff_private_only": {
        "de": "Fragen an die Beratungsstelle leite ich nur aus dem privaten Chat mit mir weiter.",
        "en": "I forward questions to the advisory service only from a private chat with me.",
    },
    "handoff_too_many_open": {
        "de": "Sie haben schon mehrere offene Fragen bei der Beratungsstelle. Bitte warten Sie deren Antwort ab – oder: {contact}",
        "en": "You already have several open questions with the advisory service. Please wait for the answers – or: {contact}",
    },
    "handoff_unavailable": {
        "de": "Die Weiterleitung ist hier nicht eingerichtet. Die Beratungsstelle erreichen Sie direkt: {contact}",
        "en": "Forwarding is not set up here. You can reach the advisory service directly: {contact}",
    },
    "handoff_failed": {
        "de": "Die Weiterleitung hat gerade nicht geklappt. Bitte versuchen Sie es später noch einmal – oder: {contact}",
        "en": "Forwarding failed just now. Please try again later – or: {contact}",
    },
    "handoff_post": {
        "de": (
            "📨 <b>Anfrage #{ref}</b> über den IKZ-Assistenten\n"
            "{sender}\n\n"
            "<i>{question}</i>\n\n"
            "{assistant}\n"
            "↩️ <b>Antworten Sie auf diese Nachricht</b> – der Bot stellt Ihre Antwort der Person zu."
        ),
        "en": (
            "📨 <b>Request #{ref}</b> via the IKZ assistant\n"
            "{sender}\n\n"
            "<i>{question}</i>\n\n"
            "{assistant}\n"
            "↩️ <b>Reply to this message</b> – the bot delivers your reply to the person."
        ),
    },
    "handoff_post_anonymous": {"de": "Von: (Name nicht freigegeben)", "en": "From: (name not shared)"},
    "handoff_post_sender": {"de": "Von: {name}", "en": "From: {name}"},
    "handoff_post_unanswered": {
        "de": "Der Assistent hatte dazu keine verlässliche Antwort.",
        "en": "The assistant had no reliable answer.",
    },
    "handoff_post_answered": {
        "de": "Der Assistent hatte geantwortet mit: {best}",
        "en": "The assistant had answered with: {best}",
    },
    "handoff_reply_to_user": {
        "de": "🏛 <b>Antwort der Beratungsstelle</b> zu Ihrer Frage (#{ref})\n<i>{question}</i>\n\n{answer}",
        "en": "🏛 <b>Answer from the advisory service</b> to your question (#{ref})\n<i>{question}</i>\n\n{answer}",
    },
    "handoff_delivered": {
        "de": "✅ Antwort zu #{ref} zugestellt.",
        "en": "✅ Answer to #{ref} delivered.",
    },
    "handoff_not_delivered": {
        "de": "⚠️ Antwort zu #{ref} konnte nicht zugestellt werden (Chat blockiert oder gelöscht).",
        "en": "⚠️ Answer to #{ref} could not be delivered (chat blocked or deleted).",
    },
    "button_adopt_faq": {"de": "➕ Als FAQ übernehmen", "en": "➕ Adopt as FAQ"},
    "handoff_adopted": {
        "de": "➕ Als FAQ <b>{faq_id}</b> übernommen – ab jetzt beantworte ich diese Frage selbst.",
        "en": "➕ Adopted as FAQ <b>{faq_id}</b> – from now on I answer this question myself.",
    },
    "handoff_adopt_refused": {
        "de": "Nur im Chat der Beratungsstelle und nur einmal je Antwort.",
        "en": "Only in the advisory chat, and only once per answer.",
    },
    "handoffs_open_title": {"de": "<b>Offene Anfragen an die Beratungsstelle</b> ({count})", "en": "<b>Open requests to the advisory service</b> ({count})"},
    "handoffs_open_none": {"de": "Keine offenen Anfragen an die Beratungsstelle.", "en": "No open requests to the advisory service."},
    # --- feedback reasons ------------------------------------------------------------------------
    "feedback_reason_ask": {
        "de": "Danke! Was passt nicht? Ihre Angabe hilft, die Wissensbasis zu verbessern.",
        "en": "Thanks! What is wrong? Your answer helps to improve the knowledge base.",
    },
    "reason_wrong": {"de": "falsch", "en": "wrong"},
    "reason_outdated": {"de": "veraltet", "en": "outdated"},
    "reason_incomplete": {"de": "unvollständig", "en": "incomplete"},
    "reason_off_topic": {"de": "passt nicht zur Frage", "en": "does not fit the question"},
    "reason_other": {"de": "✏️ eigener Text", "en": "✏️ own words"},
    "feedback_reason_thanks": {"de": "Danke, notiert: {reason}", "en": "Thanks, noted: {reason}"},
    "feedback_reason_write": {
        "de": "Schreiben Sie mir kurz, was nicht passt (Ihre nächste Nachricht, höchstens 500 Zeichen).",
        "en": "Tell me briefly what is wrong (your next message, at most 500 characters).",
    },
    # --- meine Kommune -----------------------------------------------------------------------------
    "home_usage": {
        "de": "Nennen Sie Ihre Kommune, z. B. <code>/meine_kommune Havixbeck</code>. Ich merke sie mir und zeige, woran sie beteiligt ist, was es im Kreis gibt und was in der Nähe stattfindet.",
        "en": "Name your municipality, e.g. <code>/meine_kommune Havixbeck</code>. I remember it and show what it takes part in, what exists in its Kreis and what happens nearby.",
    },
    "home_unknown": {
        "de": "„{name}“ finde ich nicht unter den 396 Kommunen in NRW. Bitte prüfen Sie die Schreibweise.",
        "en": "I cannot find “{name}” among the 396 municipalities of NRW. Please check the spelling.",
    },
    "home_saved": {
        "de": "📍 Gemerkt: <b>{name}</b> ({kind}, {kreis}). Ändern mit /meine_kommune &lt;Name&gt;, vergessen mit /loeschen.",
        "en": "📍 Saved: <b>{name}</b> ({kind}, {kreis}). Change with /meine_kommune &lt;name&gt;, forget with /loeschen.",
    },
    "home_corrected": {"de": "(„{typed}“ verstanden als {name})", "en": "(“{typed}” understood as {name})"},
    "home_title": {"de": "🏠 <b>Meine Kommune: {name}</b> – {kreis}", "en": "🏠 <b>My municipality: {name}</b> – {kreis}"},
    "home_own": {"de": "<b>Beteiligt an</b> ({count})", "en": "<b>Takes part in</b> ({count})"},
    "home_own_none": {"de": "In der Wissensbasis ist {name} an keinem Projekt beteiligt.", "en": "In the knowledge base {name} takes part in no project."},
    "home_kreis": {"de": "<b>Weitere Projekte im {kreis}</b> ({count})", "en": "<b>Other projects in {kreis}</b> ({count})"},
    "home_nearby": {"de": "<b>In der Nähe</b> (nächste Projekte außerhalb des Kreises)", "en": "<b>Nearby</b> (closest projects outside the Kreis)"},
    "home_events": {"de": "<b>Termine in der Nähe oder online</b>", "en": "<b>Events nearby or online</b>"},
    "home_events_none": {"de": "Keine kommenden Termine in der Nähe oder online.", "en": "No coming events nearby or online."},
    "home_online": {"de": "online", "en": "online"},
    "button_home_kreis": {"de": "Alle im Kreis ({count}) ▶", "en": "All in the Kreis ({count}) ▶"},
    "sub_region_kommune": {
        "de": "📍 Veranstaltungen bekommen Sie jetzt nur noch in der Nähe von <b>{name}</b> (bis 30 km) und online. Ganz NRW wieder: /abonnieren nrw",
        "en": "📍 You now get events only near <b>{name}</b> (up to 30 km) and online ones. All of NRW again: /abonnieren nrw",
    },
    "sub_region_kreis": {
        "de": "📍 Veranstaltungen bekommen Sie jetzt nur noch im <b>{kreis}</b> und online. Ganz NRW wieder: /abonnieren nrw",
        "en": "📍 You now get events only in <b>{kreis}</b> and online ones. All of NRW again: /abonnieren nrw",
    },
    "sub_region_all": {
        "de": "Veranstaltungen aus ganz NRW – keine regionale Einschränkung mehr.",
        "en": "Events from all of NRW – no regional limit any more.",
    },
    "sub_region_needs_home": {
        "de": "Dafür brauche ich Ihre Kommune: <code>/meine_kommune Name</code>, danach noch einmal <code>/abonnieren meine_kommune</code>.",
        "en": "For that I need your municipality: <code>/meine_kommune name</code>, then <code>/abonnieren meine_kommune</code> again.",
    },
    # --- exports, sharing, calendar, cards ------------------------------------------------------------
    "button_csv": {"de": "⬇️ CSV", "en": "⬇️ CSV"},
    "csv_caption": {"de": "{title} – {count} Einträge (CSV, für Excel)", "en": "{title} – {count} entries (CSV, for Excel)"},
    "csv_title_results": {"de": "Treffer zu „{question}“", "en": "Results for “{question}”"},
    "csv_title_kreis": {"de": "Projekte im {name}", "en": "Projects in {name}"},
    "csv_title_topic": {"de": "Projekte zum Thema {name}", "en": "Projects on {name}"},
    "csv_title_home": {"de": "Meine Kommune {name}", "en": "My municipality {name}"},
    "csv_title_events": {"de": "Kommende Veranstaltungen", "en": "Upcoming events"},
    "button_share": {"de": "↗️ Teilen", "en": "↗️ Share"},
    "button_calendar": {"de": "📅 In den Kalender", "en": "📅 Add to calendar"},
    "button_register": {"de": "✍️ Anmelden", "en": "✍️ Register"},
    "button_more_text": {"de": "Mehr ▾", "en": "More ▾"},
    "label_id": {"de": "ID", "en": "ID"},
    "calendar_caption": {"de": "📅 {title}", "en": "📅 {title}"},
    "pdf_caption": {"de": "{title} (als PDF aus dem Text erstellt)", "en": "{title} (PDF made from the text)"},
    "pdf_source_note": {"de": "Erstellt vom IKZ-Assistenten aus {file}. Quelle: {source}", "en": "Made by the IKZ assistant from {file}. Source: {source}"},
    "page_of": {"de": "Seite {page} von {pages}", "en": "Page {page} of {pages}"},
    "project_by_name_choices": {
        "de": "Mehrere Projekte passen zu „{name}“:",
        "en": "Several projects match “{name}”:",
    },
    "console_share": {
        "de": "In Telegram öffnet „Teilen“ die Chat-Auswahl mit „@Bot {query}“.",
        "en": "In Telegram, “Share” opens the chat picker with “@Bot {query}”.",
    },
    "console_telegram_only": {
        "de": "/{command} braucht einen Telegram-Chat, an den ich Nachrichten schicken kann – bitte dort verwenden.",
        "en": "/{command} needs a Telegram chat I can send messages to – please use it there.",
    },
    "console_reindexed": {
        "de": "Suchindex neu aufgebaut: {chunks} Passagen, {embedded} neu eingebettet.",
        "en": "Search index rebuilt: {chunks} passages, {embedded} newly embedded.",
    },
    "console_file_saved": {"de": "📎 Datei gespeichert: {path}", "en": "📎 File saved: {path}"},
}
