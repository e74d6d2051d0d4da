"""User-facing strings of the browser pages in Norwegian bokmål (default) and English.

Each page module adds its own strings with `add`, so pages can be built side by side; a key
missing in one language is a KeyError in the tests, never an English word on a Norwegian page.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("nb", "en")
STRINGS: dict[str, tuple[str, str]] = {}


def add(strings: Mapping[str, tuple[str, str]]) -> None:
    """Add a page's strings; a key defined twice with different text is a programming error."""
    for key, pair in strings.items():
        if key in STRINGS and STRINGS[key] != pair:
            raise KeyError(f"text key {key!r} is defined twice with different text")
        STRINGS[key] = pair


def t(key: str, lang: str, **values: object) -> str:
    """Return the string for a key in a language, with {placeholders} filled in."""
    nb, en = STRINGS[key]
    text = en if lang == "en" else nb
    return text.format(**values) if values else text


add({
    "app.title": ("Oppfølging av midlertidig innføring", "Follow-up of temporary introductions"),
    "app.demo": ("Demodata: alle pasientdata og priser her er syntetiske (oppdiktet).",
                 "Demo data: every patient record and price here is synthetic (made up)."),
    "app.skip": ("Hopp til innholdet", "Skip to content"),
    "lang.switch": ("English", "Norsk"),
    "lang.switch.label": ("Change language to English", "Bytt språk til norsk"),
    "viewer": ("Innsyn", "Access"),
    "login.link": ("Logg inn", "Log in"),
    "logout": ("Logg ut", "Log out"),
    "form.required": ("Felt merket * må fylles ut.", "Fields marked * are required."),
    "form.required.mark": ("påkrevd", "required"),
    "form.save": ("Lagre", "Save"),
    "form.cancel": ("Avbryt", "Cancel"),
    "form.date.hint": ("dd.mm.åååå", "dd.mm.yyyy"),
    "form.errors.title": ("Skjemaet ble ikke lagret. Rett dette:",
                          "The form was not saved. Please correct:"),
    "form.errors.other": ("Skjemaet", "The form"),
    "form.saved": ("Lagret.", "Saved."),
    "form.stale.title": (
        "Noen andre har endret dette siden du åpnet skjemaet. Endringen din er ikke lagret.",
        "Someone else changed this since you opened the form. Your change was not saved.",
    ),
    "form.stale.changed": ("Endret siden du åpnet skjemaet:", "Changed since you opened the form:"),
    "form.stale.field": ("Felt", "Field"),
    "form.stale.then": ("Da du åpnet", "When you opened it"),
    "form.stale.now": ("Nå", "Now"),
    "form.stale.reload": ("Last inn den nye versjonen", "Load the new version"),
    "form.stale.keep": (
        "Det du skrev står fortsatt i skjemaet nedenfor. Last inn den nye versjonen og gjør "
        "endringen på nytt.",
        "What you typed is still in the form below. Load the new version and make your change "
        "again.",
    ),
    "form.conflict": ("Ikke lagret: {message}", "Not saved: {message}"),
    "error.title": ("Noe gikk galt", "Something went wrong"),
    "error.403": ("Rollen din har ikke tilgang til dette.", "Your role may not do this."),
    "error.404": ("Siden eller posten finnes ikke.", "The page or record does not exist."),
    "error.400": ("Skjemaet er utløpt eller ugyldig. Last siden på nytt og prøv igjen.",
                  "The form has expired or is invalid. Reload the page and try again."),
    "error.back": ("Til oversikten", "Back to the overview"),
    "yes": ("ja", "yes"),
    "no": ("nei", "no"),
    "none": ("–", "–"),
})
