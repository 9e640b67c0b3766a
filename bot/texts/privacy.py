"""Texts of data protection (/datenschutz, /loeschen, /meine_daten) and of abuse limits."""

TEXTS = {
    "privacy_statement": {
        "de": (
            "<b>Datenschutz</b>\n"
            "<b>Fragen:</b> Ich speichere Ihre Frage, die gezeigten Treffer, die Antwortzeit und Ihr "
            "👍/👎-Feedback, um die Antworten zu verbessern und Lücken der Wissensbasis zu finden. Ihre "
            "Telegram-Nutzer-ID steht dabei nur als Pseudonym: ein Schlüssel-Hash (HMAC-SHA256), dessen "
            "Schlüssel nur auf dem Server liegt. Gelöscht nach {days} Tagen.\n"
            "<b>Benachrichtigungen</b> (nur wenn Sie /abonnieren nutzen): Chat-ID, Sprache, gewählte Themen, "
            "Wochenüberblick ja/nein und welche Nachrichten gesendet wurden. Gelöscht {sub_days} Tage nach "
            "Abbestellen oder Blockieren des Bots.\n"
            "<b>Gesprächskontext:</b> Ihre letzte Frage bleibt {follow_up} Minuten im Arbeitsspeicher, damit "
            "Nachfragen wie „und im Kreis Borken?“ funktionieren; sie wird nicht auf Platte geschrieben.\n"
            "Namen, Benutzernamen und Telefonnummern speichere ich nicht; Nachrichtentexte erscheinen nicht "
            "in den Protokollen.\n\n"
            "/meine_daten – alles über Sie als JSON-Datei\n"
            "/loeschen – alles über Sie löschen\n"
            "Fragen: {contact}"
        ),
        "en": (
            "<b>Privacy</b>\n"
            "<b>Questions:</b> I store your question, the results shown, the response time and your 👍/👎 "
            "feedback to improve the answers and find gaps in the knowledge base. Your Telegram user id is "
            "stored only as a pseudonym: a keyed hash (HMAC-SHA256) whose key stays on the server. Deleted "
            "after {days} days.\n"
            "<b>Notifications</b> (only if you use /abonnieren): chat id, language, chosen topics, weekly digest "
            "yes/no and which messages were sent. Deleted {sub_days} days after you unsubscribe or block the "
            "bot.\n"
            "<b>Conversation context:</b> your last question stays in memory for {follow_up} minutes so that "
            "follow-ups like “and in Kreis Borken?” work; it is never written to disk.\n"
            "I do not store names, usernames or phone numbers; message texts do not appear in the logs.\n\n"
            "/mydata – everything about you as a JSON file\n"
            "/delete – delete everything about you\n"
            "Questions: {contact}"
        ),
    },
    "erase_confirm": {
        "de": ("Wirklich <b>alles</b> löschen, was ich über Sie gespeichert habe (Fragen, Feedback, "
               "Benachrichtigungen, Einstellungen)? Das lässt sich nicht rückgängig machen."),
        "en": ("Really delete <b>everything</b> I have stored about you (questions, feedback, notifications, "
               "settings)? This cannot be undone."),
    },
    "erase_button_yes": {"de": "🗑 Ja, alles löschen", "en": "🗑 Yes, delete everything"},
    "erase_button_no": {"de": "Abbrechen", "en": "Cancel"},
    "erase_done": {
        "de": "✅ Gelöscht: {summary}. Es ist nichts mehr über Sie gespeichert.",
        "en": "✅ Deleted: {summary}. Nothing about you is stored any more.",
    },
    "erase_nothing": {
        "de": "✅ Über Sie war nichts gespeichert.",
        "en": "✅ Nothing about you was stored.",
    },
    "erase_cancelled": {"de": "Nichts gelöscht.", "en": "Nothing deleted."},
    "erase_private_only": {
        "de": "Bitte schreiben Sie mir /loeschen im privaten Chat – dort bestätigen nur Sie selbst.",
        "en": "Please send me /delete in a private chat – there only you can confirm it.",
    },
    "export_caption": {
        "de": "Ihre gespeicherten Daten (Art. 15 DSGVO).",
        "en": "Your stored data (GDPR Art. 15).",
    },
    "export_private_only": {
        "de": "Ihre Daten schicke ich nur im privaten Chat: bitte /meine_daten dort senden.",
        "en": "I send your data only in a private chat: please send /mydata there.",
    },
    "group_admins_only": {
        "de": "Das Abo einer Gruppe können nur ihre Administratoren ändern.",
        "en": "Only the group's administrators can change its subscription.",
    },
    "slow_down": {
        "de": "Bitte etwas langsamer – in {seconds} s geht es weiter.",
        "en": "Please slow down – try again in {seconds} s.",
    },
}
