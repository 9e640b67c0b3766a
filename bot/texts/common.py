"""Texts shared by every area."""

TEXTS = {
    "error_apology": {
        "de": "Entschuldigung, da ist bei mir etwas schiefgegangen. Bitte versuchen Sie es gleich noch einmal.",
        "en": "Sorry, something went wrong on my side. Please try again in a moment.",
    },
    "not_admin": {
        "de": "Dieser Befehl ist dem Betreuungsteam vorbehalten.",
        "en": "This command is reserved for the maintainers.",
    },
}
