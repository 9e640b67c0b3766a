"""Texts of subscriptions and event notices (keys prefixed ``sub_`` / ``ev_``)."""

TEXTS = {
    # --- /abonnieren, /meine_abos, /abbestellen ---------------------------------------------------
    "sub_choose": {
        "de": "<b>Veranstaltungen abonnieren</b>\nWählen Sie Themenbereiche (antippen zum An-/Abwählen) "
              "oder „Alle Themen“. Sie erhalten neue Veranstaltungen, Erinnerungen ({reminders}) und "
              "Hinweise bei Änderungen oder Absagen.",
        "en": "<b>Subscribe to events</b>\nChoose topic areas (tap to toggle) or “All topics”. You will get "
              "new events, reminders ({reminders}) and notices when an event changes or is cancelled.",
    },
    "sub_button_all": {"de": "Alle Themen", "en": "All topics"},
    "sub_button_digest_on": {"de": "📰 Wochenüberblick: an", "en": "📰 Weekly digest: on"},
    "sub_button_digest_off": {"de": "📰 Wochenüberblick: aus", "en": "📰 Weekly digest: off"},
    "sub_button_done": {"de": "Fertig", "en": "Done"},
    "sub_subscribed_all": {
        "de": "✅ Abonniert: <b>alle Veranstaltungen</b>. Abbestellen mit /abbestellen.",
        "en": "✅ Subscribed to <b>all events</b>. Unsubscribe with /abbestellen.",
    },
    "sub_subscribed_topics": {
        "de": "✅ Abonniert: Veranstaltungen zu <b>{topics}</b>. Abbestellen mit /abbestellen.",
        "en": "✅ Subscribed to events on <b>{topics}</b>. Unsubscribe with /abbestellen.",
    },
    "sub_unknown_topic": {
        "de": "Den Themenbereich „{topic}“ kenne ich nicht. Bekannte Themenbereiche:\n{topics}\n\n"
              "Beispiel: <code>/abonnieren {example}</code> oder <code>/abonnieren alle</code>",
        "en": "I don't know the topic area “{topic}”. Known topic areas:\n{topics}\n\n"
              "Example: <code>/abonnieren {example}</code> or <code>/abonnieren alle</code>",
    },
    "sub_status_none": {
        "de": "Sie haben nichts abonniert. Mit /abonnieren erhalten Sie Hinweise auf Veranstaltungen.",
        "en": "You have no subscription. Use /abonnieren to get notices about events.",
    },
    "sub_status_all": {
        "de": "<b>Ihr Abo</b>: alle Veranstaltungen\nWochenüberblick neuer Projekte: {digest}\n"
              "Ändern: /abonnieren · Beenden: /abbestellen",
        "en": "<b>Your subscription</b>: all events\nWeekly digest of new projects: {digest}\n"
              "Change: /abonnieren · Stop: /abbestellen",
    },
    "sub_status_topics": {
        "de": "<b>Ihr Abo</b>: Veranstaltungen zu {topics}\nWochenüberblick neuer Projekte: {digest}\n"
              "Ändern: /abonnieren · Beenden: /abbestellen",
        "en": "<b>Your subscription</b>: events on {topics}\nWeekly digest of new projects: {digest}\n"
              "Change: /abonnieren · Stop: /abbestellen",
    },
    "sub_on": {"de": "an", "en": "on"},
    "sub_off": {"de": "aus", "en": "off"},
    "sub_unsubscribed": {
        "de": "Sie erhalten keine Hinweise auf Veranstaltungen mehr. Wieder abonnieren: /abonnieren",
        "en": "You will no longer receive event notices. Subscribe again: /abonnieren",
    },
    "sub_not_subscribed": {
        "de": "Sie hatten nichts abonniert.",
        "en": "You had no subscription.",
    },
    # --- notices ------------------------------------------------------------------------------------
    "ev_announce": {"de": "📅 <b>Neue Veranstaltung</b>", "en": "📅 <b>New event</b>"},
    "ev_remind_days": {
        "de": "⏰ <b>Erinnerung: in {days} Tagen</b>",
        "en": "⏰ <b>Reminder: in {days} days</b>",
    },
    "ev_remind_tomorrow": {"de": "⏰ <b>Erinnerung: morgen</b>", "en": "⏰ <b>Reminder: tomorrow</b>"},
    "ev_change": {
        "de": "🔄 <b>Geänderter Termin oder Ort</b>",
        "en": "🔄 <b>Changed time or place</b>",
    },
    "ev_cancel": {"de": "❌ <b>Abgesagt</b>", "en": "❌ <b>Cancelled</b>"},
    "ev_removed": {
        "de": "❌ <b>Abgesagt</b> (nicht mehr im Veranstaltungskalender)",
        "en": "❌ <b>Cancelled</b> (no longer in the event calendar)",
    },
    "ev_when": {"de": "🕒 {when}", "en": "🕒 {when}"},
    "ev_where": {"de": "📍 {where}", "en": "📍 {where}"},
    "ev_online": {"de": "💻 <a href=\"{url}\">Online-Teilnahme</a>", "en": "💻 <a href=\"{url}\">Join online</a>"},
    "ev_registration": {"de": "✍️ <a href=\"{url}\">Anmeldung</a>", "en": "✍️ <a href=\"{url}\">Registration</a>"},
    "ev_calendar_hint": {
        "de": "Die angehängte Datei fügt den Termin Ihrem Kalender hinzu.",
        "en": "Open the attached file to add the event to your calendar.",
    },
    "ev_footer": {
        "de": "<i>Abo verwalten: /meine_abos · abbestellen: /abbestellen</i>",
        "en": "<i>Manage: /meine_abos · unsubscribe: /abbestellen</i>",
    },
    "ev_time_suffix": {"de": " Uhr", "en": ""},
    "ev_digest_title": {
        "de": "📰 <b>Neue Projekte der Woche</b>",
        "en": "📰 <b>New projects this week</b>",
    },
    "ev_broadcast_title": {
        "de": "📣 <b>Mitteilung des Betreuungsteams</b>",
        "en": "📣 <b>Message from the maintainers</b>",
    },
}
