"""Texts of the maintainer commands (/reindex, /status, /stats, /unbeantwortet, /broadcast).

HTML templates: every value is escaped by bot.maintenance_reports / bot.handlers.admin before
substitution. Keys start with ``admin_`` so they never collide with other areas.
"""

TEXTS = {
    # --- /reindex -------------------------------------------------------------------------------
    "admin_reindex_started": {
        "de": "🔄 Aktualisierung gestartet: {target} …",
        "en": "🔄 Refresh started: {target} …",
    },
    "admin_reindex_all": {"de": "alle Quellen", "en": "all sources"},
    "admin_reindex_progress": {
        "de": "🔄 Aktualisierung läuft: {stage} ({done}/{total})",
        "en": "🔄 Refresh running: {stage} ({done}/{total})",
    },
    "admin_reindex_busy": {
        "de": "⏳ Es läuft bereits eine Aktualisierung. Bitte warten Sie, bis sie abgeschlossen ist.",
        "en": "⏳ A refresh is already running. Please wait until it has finished.",
    },
    "admin_reindex_unknown": {
        "de": "Unbekannte Quelle „{name}“. Konfiguriert: {names}",
        "en": "Unknown source “{name}”. Configured: {names}",
    },
    "admin_reindex_done": {
        "de": "✅ Aktualisierung abgeschlossen in {seconds} s:",
        "en": "✅ Refresh finished in {seconds} s:",
    },
    "admin_reindex_failed": {
        "de": "⚠️ Aktualisierung abgeschlossen in {seconds} s, mit Fehlern:",
        "en": "⚠️ Refresh finished in {seconds} s, with errors:",
    },
    "admin_reindex_index_only": {
        "de": "✅ Keine Quellen konfiguriert – Suchindex neu aufgebaut: {chunks} Abschnitte, {embedded} neu eingebettet.",
        "en": "✅ No sources configured – search index rebuilt: {chunks} chunks, {embedded} newly embedded.",
    },
    "admin_source_line": {"de": "• <b>{name}</b>: {result}", "en": "• <b>{name}</b>: {result}"},
    "admin_source_ok": {
        "de": "{added} neu, {updated} geändert, {removed} entfernt, {unchanged} unverändert",
        "en": "{added} added, {updated} changed, {removed} removed, {unchanged} unchanged",
    },
    "admin_source_not_modified": {"de": "unverändert (HTTP 304)", "en": "not modified (HTTP 304)"},
    "admin_source_error": {"de": "❌ Fehler: {error}", "en": "❌ error: {error}"},
    "admin_sources_file_error": {
        "de": "⚠️ Die Quellendatei ist fehlerhaft: <code>{error}</code>",
        "en": "⚠️ The sources file is invalid: <code>{error}</code>",
    },
    # --- /status --------------------------------------------------------------------------------
    "admin_status": {
        "de": (
            "<b>Status des IKZ-Assistenten</b> (Version {version})\n"
            "Projekte: {projects} · Dokumente: {documents} · FAQ: {faq} · Termine: {events}\n"
            "Abschnitte: {chunks} · Vektoren im Index: {index_chunks}\n"
            "Embedding-Modell: <code>{model}</code>\n"
            "Index gebaut: {index_built} ({index_age})\n"
            "Datenbank: {db_size} · Laufzeit: {uptime}"
        ),
        "en": (
            "<b>IKZ assistant status</b> (version {version})\n"
            "Projects: {projects} · Documents: {documents} · FAQ: {faq} · Events: {events}\n"
            "Chunks: {chunks} · Vectors in index: {index_chunks}\n"
            "Embedding model: <code>{model}</code>\n"
            "Index built: {index_built} ({index_age})\n"
            "Database: {db_size} · Uptime: {uptime}"
        ),
    },
    "admin_status_sources": {"de": "<b>Quellen</b>", "en": "<b>Sources</b>"},
    "admin_status_no_sources": {
        "de": "Keine Quellendatei konfiguriert (IKZ_SOURCES_FILE).",
        "en": "No sources file configured (IKZ_SOURCES_FILE).",
    },
    "admin_status_source": {
        "de": "• <b>{name}</b> ({kind}, alle {interval}): {when} – {result}",
        "en": "• <b>{name}</b> ({kind}, every {interval}): {when} – {result}",
    },
    "admin_status_source_error": {
        "de": "   ❌ letzter Fehler: {error}",
        "en": "   ❌ last error: {error}",
    },
    "admin_never": {"de": "noch nie", "en": "never"},
    "admin_ago": {"de": "vor {age}", "en": "{age} ago"},
    "admin_unknown": {"de": "unbekannt", "en": "unknown"},
    # --- /stats ---------------------------------------------------------------------------------
    "admin_stats": {
        "de": (
            "<b>Statistik der letzten {days} Tage</b>\n"
            "Fragen: {questions} – beantwortet {answered}, ohne Antwort {abstained} ({answered_share})\n"
            "Bewertungen: 👍 {helpful} / 👎 {not_helpful} ({helpful_share} hilfreich)\n"
            "Median der Antwortzeit: {latency}\n"
            "Häufigste Themen: {topics}"
        ),
        "en": (
            "<b>Statistics of the last {days} days</b>\n"
            "Questions: {questions} – answered {answered}, abstained {abstained} ({answered_share})\n"
            "Ratings: 👍 {helpful} / 👎 {not_helpful} ({helpful_share} helpful)\n"
            "Median answer time: {latency}\n"
            "Top topics: {topics}"
        ),
    },
    "admin_stats_usage": {
        "de": "Bitte so: <code>/stats</code> oder <code>/stats 7</code> (Tage, 1–365).",
        "en": "Usage: <code>/stats</code> or <code>/stats 7</code> (days, 1–365).",
    },
    "admin_none": {"de": "–", "en": "–"},
    "admin_chart_title": {
        "de": "Fragen der letzten {days} Tage: {questions} ({answered} beantwortet, {abstained} ohne Antwort)",
        "en": "Questions of the last {days} days: {questions} ({answered} answered, {abstained} abstained)",
    },
    "admin_chart_answered": {"de": "beantwortet", "en": "answered"},
    "admin_chart_abstained": {"de": "ohne Antwort", "en": "abstained"},
    "admin_chart_topics": {"de": "Häufigste Themen", "en": "Top topics"},
    "admin_chart_feedback": {"de": "Bewertungen", "en": "Ratings"},
    "admin_chart_helpful": {"de": "hilfreich", "en": "helpful"},
    "admin_chart_not_helpful": {"de": "nicht hilfreich", "en": "not helpful"},
    "admin_chart_none": {"de": "keine Daten", "en": "no data"},
    # --- /unbeantwortet -------------------------------------------------------------------------
    "admin_unanswered_header": {
        "de": "<b>Offene Fragen</b> (zuletzt ohne Antwort oder mit 👎 bewertet):",
        "en": "<b>Open questions</b> (latest abstained or rated 👎):",
    },
    "admin_unanswered_line": {"de": "• {when} {mark} {question}", "en": "• {when} {mark} {question}"},
    "admin_unanswered_none": {
        "de": "Keine offenen Fragen – alle Fragen wurden beantwortet und nicht negativ bewertet.",
        "en": "No open questions – everything was answered and nothing was rated 👎.",
    },
    # --- /broadcast -----------------------------------------------------------------------------
    "admin_broadcast_usage": {
        "de": "Bitte so: <code>/broadcast Ihr Text an alle Abonnentinnen und Abonnenten</code>",
        "en": "Usage: <code>/broadcast your text to all subscribers</code>",
    },
    "admin_broadcast_confirm": {
        "de": "Diese Nachricht an <b>{count}</b> Abonnent(inn)en senden?\n\n{text}",
        "en": "Send this message to <b>{count}</b> subscribers?\n\n{text}",
    },
    "admin_broadcast_send": {"de": "✅ Senden", "en": "✅ Send"},
    "admin_broadcast_cancel": {"de": "✖️ Abbrechen", "en": "✖️ Cancel"},
    "admin_broadcast_cancelled": {"de": "Rundsendung abgebrochen.", "en": "Broadcast cancelled."},
    "admin_broadcast_expired": {
        "de": "Diese Rundsendung ist nicht mehr verfügbar (schon gesendet, abgebrochen oder Neustart).",
        "en": "This broadcast is no longer available (already sent, cancelled or restarted).",
    },
    "admin_broadcast_queued": {
        "de": "📤 Rundsendung wird an alle Abonnent(inn)en zugestellt:\n\n{text}",
        "en": "📤 Broadcast is being delivered to all subscribers:\n\n{text}",
    },
}
