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

# The start page, the login page and the API page's introduction (tracker/templates/index.html,
# login.html, api_docs.html).
add({
    "home.title": ("Oppfølging av midlertidig innføring", "Follow-up of temporary introductions"),
    "home.intro": (
        "Prisavtaler, datainnsamling og revurderinger for metoder som Beslutningsforum har "
        "innført midlertidig: hva som ble besluttet, på hvilke vilkår, hva registerdataene viser "
        "så langt, og når metoden skal revurderes.",
        "Price agreements, data collection and reassessments of the methods Beslutningsforum "
        "has introduced temporarily: what was decided, on what terms, what the registry data "
        "show so far, and when each method is to be reassessed.",
    ),
    "home.dashboards": ("Oversikt", "Overview"),
    "home.dashboards.what": (
        "alle midlertidige innføringer, frister, registerkurver mot antagelsene og prisavtaler",
        "every temporary introduction, its deadlines, registry curves against the assumptions "
        "and the price agreements",
    ),
    "home.login.what": (
        "for sekretariatet, Sykehusinnkjøp, klinikere og Beslutningsforum",
        "for the secretariat, Sykehusinnkjøp, clinicians and Beslutningsforum",
    ),
    "home.signed_in": ("Du er logget inn som {name} ({role}).", "You are signed in as {name} "
                       "({role})."),
    "home.api": ("API-dokumentasjon", "API documentation"),
    "home.api.what": ("for systemer som henter eller registrerer data",
                      "for systems that read or record data"),
    "home.health": ("Helsesjekk", "Health check"),
    "login.title": ("Logg inn", "Log in"),
    "login.intro": (
        "For sekretariatet, Sykehusinnkjøp, klinikere og Beslutningsforum. Offentligheten kan se "
        "beslutninger og avtalestruktur uten å logge inn.",
        "For the secretariat, Sykehusinnkjøp, clinicians and Beslutningsforum. The public can "
        "see the decisions and the structure of the agreements without logging in.",
    ),
    "login.name": ("Brukernavn", "User name"),
    "login.password": ("Passord", "Password"),
    "login.submit": ("Logg inn", "Log in"),
    "login.error.wrong": ("Feil brukernavn eller passord.", "Wrong user name or password."),
    "login.error.too_many": ("For mange mislykkede forsøk. Vent 15 minutter og prøv igjen.",
                             "Too many failed attempts. Wait 15 minutes and try again."),
    "apidocs.title": ("API for oppfølging av midlertidig innføring",
                      "API for the follow-up of temporary introductions"),
    "apidocs.nav": ("Sider", "Pages"),
    "apidocs.home": ("Til startsiden", "To the start page"),
    "apidocs.intro": (
        "Dette API-et gir systemer de samme dataene og de samme skrivemulighetene som sidene: "
        "metoder og beslutninger, midlertidige innføringer med utfallsmål, milepæler og "
        "antagelser, registeruttrekk, registerkurver mot antagelsene, prisavtaler, varsler, "
        "frister og revurderingssaker. Hver operasjon nedenfor viser hvilke roller som har "
        "tilgang, og kan prøves direkte på siden.",
        "This API gives systems the same data and the same writes as the pages: methods and "
        "decisions, temporary introductions with their outcome measures, milestones and "
        "assumptions, registry extracts, registry curves against the assumptions, price "
        "agreements, flags, deadlines and reassessment cases. Each operation below says which "
        "roles may use it and can be tried on this page.",
    ),
    "apidocs.access.title": ("Tilgang", "Access"),
    "apidocs.access.public": (
        "Uten innlogging kan alle lese beslutninger, innføringer og avtalestruktur; "
        "konfidensielle priser og små pasienttall (under 5) holdes tilbake.",
        "Without logging in, anyone may read decisions, introductions and the structure of the "
        "agreements; confidential prices and small patient counts (under 5) are withheld.",
    ),
    "apidocs.access.token": (
        "Andre operasjoner krever en API-nøkkel fra en administrator, sendt som",
        "Other operations need an API token from an administrator, sent as",
    ),
    "apidocs.access.roles": (
        "Rollen bak nøkkelen (sekretariatet, Sykehusinnkjøp, kliniker, Beslutningsforum, "
        "administrator) avgjør hva som kan leses og skrives, felt for felt for prisene.",
        "The token's role (secretariat, Sykehusinnkjøp, clinician, Beslutningsforum, "
        "administrator) decides what may be read and written, field by field for prices.",
    ),
    "apidocs.rules.title": ("Regler", "Rules"),
    "apidocs.rules.dates": (
        "Datoer skrives ÅÅÅÅ-MM-DD i API-et (på sidene dd.mm.åååå), beløp i NOK.",
        "Dates are written YYYY-MM-DD in the API (dd.mm.yyyy on the pages), amounts in NOK.",
    ),
    "apidocs.rules.versions": (
        "Endringer sender versjonen som ble lest; er posten endret siden, svarer API-et 409 og "
        "ingenting overskrives.",
        "Changes send the version that was read; if the record has changed since, the API "
        "answers 409 and nothing is overwritten.",
    ),
    "apidocs.rules.errors": ("Feil kommer alltid som", "Errors always come as"),
    "apidocs.rules.identifiers": (
        "Fødselsnumre og D-numre avvises i alle fritekstfelt og registeruttrekk.",
        "National identity numbers and D-numbers are refused in every free-text field and "
        "registry extract.",
    ),
    "apidocs.english": (
        "Beskrivelsene av de enkelte operasjonene nedenfor er på engelsk.",
        "The descriptions of the operations below are in English.",
    ),
})
