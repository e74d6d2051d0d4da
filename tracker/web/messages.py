"""Validation messages in the user's language.

The forms are validated by the API's own schemas and services, which speak English (the API's
language). This catalogue turns the messages a form can meet into Norwegian; a message it does
not know is shown as it is, marked as English, rather than hidden.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tracker.privacy import IDENTIFIER_MESSAGE

Translator = Callable[[re.Match[str]], str]
Rule = tuple[re.Pattern[str], Translator]
_RULES: list[Rule] = []


def rule(pattern: str) -> Callable[[Translator], Translator]:
    """Register a translation for English messages matching a pattern (whole message)."""

    def decorate(func: Translator) -> Translator:
        _RULES.append((re.compile(pattern, re.DOTALL), func))
        return func

    return decorate


def simple(pattern: str, text: str) -> None:
    """Register a fixed translation."""
    _RULES.append((re.compile(pattern, re.DOTALL), lambda _m: text))


def _num(text: str) -> str:
    return text.replace(".", ",")


simple(r"Field required", "Må fylles ut.")
simple(r"Missing.*", "Må fylles ut.")
simple(r"Input should be a valid number.*", "Skriv et tall, for eksempel 12,5.")
simple(r"Input should be a valid integer.*", "Skriv et heltall, for eksempel 120.")
simple(r"Input should be a finite number", "Skriv et vanlig tall.")
simple(r"Input should be a valid date.*|must be text in the date format.*",
       "Skriv datoen som dd.mm.åååå, for eksempel 30.06.2026.")
simple(r"Input should be a valid string", "Skriv tekst her.")
simple(r"Input should be a valid boolean.*", "Velg ja eller nei.")
simple(r"Input should be a valid list", "Velg en eller flere verdier.")
simple(r"Extra inputs are not permitted", "Dette feltet hører ikke til skjemaet.")
simple(r"value out of range", "Et tall er for stort eller en tekst for lang.")
simple(r"String should have at least 1 character.*", "Må fylles ut.")
simple(re.escape(IDENTIFIER_MESSAGE),
       "Ser ut som et fødselsnummer eller D-nummer. Personnummer skal aldri lagres her: fjern "
       "det og beskriv uten å identifisere pasienten.")
simple(r"Input should be a valid email.*|value is not a valid email.*",
       "Skriv en gyldig e-postadresse.")
simple(r"cannot be null.*", "Kan ikke tømmes; skriv en verdi.")
simple(r"one curve per endpoint.*", "Bare én antatt kurve per endepunkt.")


@rule(r"String should have at most (\d+) characters?")
def _too_long(m: re.Match[str]) -> str:
    return f"Høyst {m.group(1)} tegn."


@rule(r"String should have at least (\d+) characters?")
def _too_short(m: re.Match[str]) -> str:
    return f"Minst {m.group(1)} tegn."


@rule(r"String should match pattern '(.*)'")
def _pattern(m: re.Match[str]) -> str:
    return "Har feil form; se eksempelet ved feltet."


@rule(r"Input should be greater than or equal to (\S+)")
def _ge(m: re.Match[str]) -> str:
    return f"Må være minst {_num(m.group(1))}."


@rule(r"Input should be greater than (\S+)")
def _gt(m: re.Match[str]) -> str:
    return f"Må være større enn {_num(m.group(1))}."


@rule(r"Input should be less than or equal to (\S+)")
def _le(m: re.Match[str]) -> str:
    return f"Kan høyst være {_num(m.group(1))}."


@rule(r"Input should be less than (\S+)")
def _lt(m: re.Match[str]) -> str:
    return f"Må være mindre enn {_num(m.group(1))}."


@rule(r"List should have at least (\d+) items?.*")
def _min_items(m: re.Match[str]) -> str:
    return f"Minst {m.group(1)} må fylles ut."


@rule(r"Input should be (('[^']*'(, | or )?)+)")
def _choice(m: re.Match[str]) -> str:
    return "Velg en av verdiene i listen."


@rule(r"holds the control character (U\+[0-9A-F]+).*")
def _control(m: re.Match[str]) -> str:
    return (f"Inneholder et usynlig kontrolltegn ({m.group(1)}) som ikke kan lagres; det "
            "følger ofte med når tekst limes inn fra et annet program. Skriv teksten på nytt.")


def translate(message: str, lang: str) -> tuple[str, bool]:
    """Return (message in the language, whether it was translated)."""
    if lang == "en":
        return message, True
    text = message.strip()
    for pattern, func in _RULES:
        match = pattern.fullmatch(text)
        if match:
            return func(match), True
    return message, False


# Reassessment cases (tracker/reassessments/service.py and schemas.py).
def _case_date(iso: str) -> str:
    return f"{iso[8:10]}.{iso[5:7]}.{iso[0:4]}"


simple(r"Unable to extract tag using discriminator 'outcome'", "Velg en beslutning.")
simple(r"Input tag '.*' found using 'outcome' does not match any of the expected tags: .*",
       "Velg en av beslutningene i listen.")


@rule(r"Introduction \d+ already has an open reassessment case (\d+) \(\w+\)\.")
def _case_already_open(m: re.Match[str]) -> str:
    return f"Innføringen har allerede en åpen revurderingssak (sak {m.group(1)})."


simple(r"Introduction \d+ is concluded; its reassessment is decided\.",
       "Innføringen er avsluttet; revurderingen er besluttet.")
simple(r"A step cannot be dated before the previous one\.",
       "Et steg kan ikke dateres før det forrige steget i saken.")


@rule(r"\S+ is before the previous step's date (\d{4}-\d{2}-\d{2})")
def _before_previous_step(m: re.Match[str]) -> str:
    return f"Kan ikke være før forrige steg i saken ({_case_date(m.group(1))})."


@rule(r"\S+ is before the decision date (\d{4}-\d{2}-\d{2})")
def _before_decision(m: re.Match[str]) -> str:
    return f"Kan ikke være før beslutningsdatoen ({_case_date(m.group(1))})."


simple(r"The [a-z ]+ is before the decision\.", "En dato er før beslutningsdatoen.")
