"""The API's messages about individual access, in Norwegian: the rules that refuse a case, the
workflow's refusals, and the committee's own rules (tracker/individual).

Registered with `tracker.web.messages`, so a form meets them as it meets every other message.
The rules' titles (`acc.rule.<code>`) say which rule refused an application; the messages say
why, with the method and the dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tracker.web.messages import dmy, rule, simple
from tracker.web.pages.access_text import enum_label, field_label
from tracker.web.text import add

add({
    "acc.rule.title": ("Søknaden kan ikke registreres: {rule}",
                       "The application cannot be registered: {rule}"),
    "acc.rule.exception_after_not_introduced": (
        "unntak etter en beslutning om ikke å innføre metoden",
        "an exception after a decision not to introduce the method"),
    "acc.rule.exception_after_introduction": (
        "unntak etter at innføringen gjelder",
        "an exception once the introduction applies"),
    "acc.rule.access_scheme_under_assessment": (
        "metoden er fortsatt til vurdering i Nye metoder",
        "the method is still under assessment"),
    "acc.rule.access_scheme_introduced": (
        "metoden er innført",
        "the method is introduced"),
    "acc.rule.group_outside_mandate": (
        "spørsmål om en pasientgruppe er utenfor vurderingskomitéens mandat",
        "a question about a group of patients is outside the committee's mandate"),
    "acc.rule.kept": ("Det du skrev, står fortsatt i skjemaet.",
                      "What you typed is still in the form."),
})

ISO = r"(\d{4}-\d{2}-\d{2})"
DMY = r"(\d{2}\.\d{2}\.\d{4})"
VALUE_ERROR = r"(?:Value error, )?"


def _on(pattern: str, build: Callable[..., str]) -> None:
    rule(pattern)(lambda m: build(*m.groups()))


# --- the rules of the schemes (tracker/individual/rules.py) ---------------------------------

_on(r"Beslutningsforum decided on " + DMY + r" not to introduce (\S+); an exception cannot be "
    r"applied for after a no-decision.*",
    lambda day, method: f"Beslutningsforum besluttet {day} ikke å innføre {method}. Etter en slik "
                        "beslutning kan det ikke søkes om unntak, heller ikke om saken tas opp "
                        "igjen. En pasient som startet behandlingen før beslutningen, kan "
                        "fullføre: skriv da startdatoen i feltet for når pasienten startet. For "
                        "en klinisk eksepsjonell pasient kan det søkes gjennom "
                        "Tilgangsordningen.")
_on(r"(\S+) was introduced by Beslutningsforum on " + DMY + r", applying from " + DMY
    + r"; the exception scheme applies only until the yes-decision takes effect.*",
    lambda method, day, start: f"Beslutningsforum innførte {method} {day}, med virkning fra "
                               f"{start}. Unntaksordningen gjelder bare til innføringen trer i "
                               "kraft; behandle pasienten etter beslutningens kriterier.")
_on(r"(\S+) has no decision yet: it is under assessment, and Tilgangsordningen is only for .*",
    lambda method: f"{method} har ingen beslutning ennå: metoden er til vurdering, og "
                   "Tilgangsordningen gjelder bare metoder som er besluttet ikke innført eller "
                   "er under revurdering. Søk om unntak i pasientens helseforetak "
                   "(unntaksordningen).")
_DECIDED = {"introduced": "innført", "introduced with criteria": "innført med kriterier",
            "temporarily introduced": "midlertidig innført"}
_on(r"(\S+) was decided ([a-z ]+) on " + DMY + r"; Tilgangsordningen is only for .*",
    lambda method, outcome, day: f"{method} ble besluttet {_DECIDED.get(outcome, outcome)} "
                                 f"{day}. Tilgangsordningen gjelder bare metoder som er "
                                 "besluttet ikke innført eller er under revurdering.")
simple(r"Tilgangsordningen assesses single, clinically exceptional patients; a question for a "
       r"group of patients is outside the committee's mandate.*",
       "Tilgangsordningen vurderer enkeltpasienter som er klinisk eksepsjonelle; et spørsmål for "
       "en gruppe pasienter er utenfor vurderingskomitéens mandat. Foreslå heller en vurdering "
       "av en undergruppe i Nye metoder.")

# --- registering and supplementing a case (tracker/individual/service.py, schemas.py) -------

simple(r"register the method first, or check the ID on nyemetoder\.no",
       "Ingen metode har denne Nye metoder-ID-en. Sjekk ID-en på nyemetoder.no, eller be "
       "sekretariatet registrere metoden.")
simple(r"No method has the Nye metoder ID .*", "Ingen metode har denne Nye metoder-ID-en.")
simple(VALUE_ERROR + r"'.*' is not a Nye metoder ID; .*",
       "Er ikke en Nye metoder-ID; skriv ID, årstall, understrek og tre sifre, for eksempel "
       "ID2019_074 eller ID2021_012B.")
simple(VALUE_ERROR + r"'.*' is not an ICD-10 code; .*",
       "Er ikke en ICD-10-kode; skriv en bokstav og to sifre, eventuelt med underinndeling, for "
       "eksempel C34 eller C34.1.")
simple(VALUE_ERROR + r"write the reference as ÅÅÅÅ-MM-DD-Helseforetak-Avdeling, .*",
       "Skriv referansenummeret som ÅÅÅÅ-MM-DD-Helseforetak-Avdeling, for eksempel "
       "2025-05-06-Helse Bergen-Kreftavdelingen.")
simple(VALUE_ERROR + r"write the birth year with four digits, e\.g\. 1974",
       "Skriv fødselsåret med fire siffer, for eksempel 1974.")
simple(r"Input should be a valid URL.*",
       "Skriv en hel nettadresse, for eksempel https://doi.org/10.1056/NEJMoa2024.")
simple(r"write the trust's name as listed, .*", "Velg et helseforetak i listen.")
_on(ISO + r" is after today \(" + ISO + r"\)",
    lambda day, now: f"{dmy(day)} er etter dagens dato ({dmy(now)}).")
simple(r"A case cannot be received in the future\.", "En sak kan ikke være mottatt i fremtiden.")
_on(r"Access case \d+ is (\w+); the application can be changed only while .*",
    lambda state: f"Saken står i «{enum_label('state', state, 'nb')}»; søknaden kan bare endres "
                  "mens den er registrert, mottatt eller sendt tilbake for supplering.")
simple(r"The application is not valid\.", "Søknaden er ikke gyldig.")

# --- steps ----------------------------------------------------------------------------------

simple(r"give [a-z ]+ for the step to \w+", "Må fylles ut for dette steget.")
_on(r"The step to (\w+) needs more\.",
    lambda to: f"Steget «{enum_label('state', to, 'nb')}» trenger flere opplysninger.")


def _states(text: str) -> str:
    names = [enum_label("state", name.strip(), "nb") for name in text.split(",") if name.strip()]
    return ", ".join(f"«{name}»" for name in names)


@rule(r"Access case \d+ is (\w+); it cannot move to (\w+)\. Allowed next steps: (.*)\.")
def _cannot_move(m: re.Match[str]) -> str:
    state, to, allowed = m.groups()
    left = ("ingen (saken er avsluttet)" if allowed.startswith("none") else _states(allowed))
    return (f"Saken står i «{enum_label('state', state, 'nb')}» og kan ikke gå til "
            f"«{enum_label('state', to, 'nb')}». Mulige neste steg: {left}.")


simple(r"The committee decides a Tilgangsordningen case: .*",
       "Vurderingskomitéen avgjør saker i Tilgangsordningen: registrer avgjørelsen med "
       "komitéens skjema på saken.")
simple(r"A step is dated between the previous step and today\.",
       "Et steg dateres mellom forrige steg og i dag.")
_on(ISO + r" is before the previous step \(" + ISO + r"\) or after today \(" + ISO + r"\)",
    lambda _day, last, now: f"Datoen må være fra forrige steg ({dmy(last)}) til i dag "
                            f"({dmy(now)}).")


@rule(r"The application lacks (\d+) item\(s\): (.*)\. Return it to the trust .*")
def _lacks(m: re.Match[str]) -> str:
    names = [field_label(name.strip(), "nb") for name in m.group(2).split(",")]
    return (f"Søknaden mangler {m.group(1)} opplysning(er): {'; '.join(names)}. Send den tilbake "
            "til helseforetaket for supplering i stedet.")


simple(r"A decision grants or refuses\.", "En avgjørelse innvilger eller avslår.")
simple(r"use granted or refused for a .*", "Velg innvilget eller avslått.")
simple(r"Only a granted group exception can end\.",
       "Bare et innvilget gruppeunntak kan avsluttes.")
simple(r"No such meeting\.", "Møtet finnes ikke.")
simple(r"choose a planned committee meeting", "Velg et planlagt møte i vurderingskomitéen.")
simple(r"That meeting is over\.", "Det møtet er holdt.")
_on(r"the meeting of " + ISO + r" was before " + ISO + r"; choose a later one",
    lambda held, at: f"Møtet {dmy(held)} var før {dmy(at)}; velg et senere møte.")
_on(r"The papers for the meeting of " + ISO + r" were sent on " + ISO + r"; .*",
    lambda held, sent: f"Sakspapirene til møtet {dmy(held)} ble sendt {dmy(sent)}; en sak som "
                       "legges til nå, ville nå medlemmene uten papirer. Velg neste møte, eller "
                       "planlegg et ekstra møte for en hastesak.")

# --- the committee (tracker/individual/committee.py) ----------------------------------------

_on(r"There is already a committee meeting on " + DMY + r"\.",
    lambda day: f"Det er allerede et møte i vurderingskomitéen {day}.")
simple(r"The roster entry is not valid\.", "Oppføringen i medlemslisten er ikke gyldig.")
simple(r"a member with a vote represents a trust",
       "Et medlem med stemmerett representerer et helseforetak; velg helseforetaket.")
simple(r"a substitute stands in for a member on the roster",
       "En vararepresentant står for et medlem i listen; velg medlemmet, og velg rollen "
       "vararepresentant.")
simple(r"the end is before the start", "Sluttdatoen er før startdatoen.")
simple(r"Papers cannot be sent in the future\.", "Sakspapirer kan ikke sendes i fremtiden.")
simple(r"Papers go out before the meeting\.", "Sakspapirene sendes før møtet.")
_on(ISO + r" is after the meeting on " + ISO,
    lambda sent, held: f"{dmy(sent)} er etter møtet {dmy(held)}.")
simple(r"Not on the roster that day\.", "Ikke i medlemslisten den dagen.")
_on(r"member\(s\) \[.*\] are not on the roster on " + ISO,
    lambda day: f"Noen av de avkryssede er ikke i medlemslisten {dmy(day)}.")
simple(r"The committee decides Tilgangsordningen cases only\.",
       "Vurderingskomitéen avgjør bare saker i Tilgangsordningen.")
_on(r"Access case \d+ is (\w+): schedule it for a meeting before the committee decides it\.",
    lambda state: f"Saken står i «{enum_label('state', state, 'nb')}»: sett den opp til et møte "
                  "før komitéen avgjør den.")

# Why the committee cannot decide a case: each reason, then the whole message.
PROBLEMS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"its meeting is on " + DMY + r", after today"),
     lambda m: f"møtet er {m.group(1)}, etter i dag"),
    (re.compile(r"the papers for the meeting were never sent"),
     lambda m: "sakspapirene til møtet er ikke sendt"),
    (re.compile(r"the papers went out on " + DMY + r", later than two working days before the "
                r"meeting \(" + DMY + r"; 002 L674–675\); move the case to the next meeting"),
     lambda m: f"sakspapirene ble sendt {m.group(1)}, senere enn to virkedager før møtet "
               f"(senest {m.group(2)}); flytt saken til neste møte"),
    (re.compile(r"only (\d+) member\(s\) with decision authority take part \(present and not "
                r"recused\); the committee needs at least (\d+) \(002 L625–627\)"),
     lambda m: f"bare {m.group(1)} medlem(mer) med beslutningsmyndighet deltar (til stede og "
               f"ikke inhabile); komitéen må ha minst {m.group(2)}"),
    (re.compile(r"decisions are made by consensus \(002 L686\); without it, record the outcome "
                r"no_consensus"),
     lambda m: "avgjørelser tas ved konsensus; uten konsensus registreres utfallet «Ikke "
               "konsensus»"),
    (re.compile(r"an outcome of no_consensus cannot be agreed by consensus"),
     lambda m: "utfallet «Ikke konsensus» kan ikke være enstemmig"),
    (re.compile(r"a withdrawal is a step \(to withdrawn\), not a decision"),
     lambda m: "en sak trekkes som et steg, ikke som en avgjørelse"),
]


def problem(text: str, lang: str) -> str:
    """One reason the committee cannot decide, in the page's language."""
    if lang == "en":
        return text
    for pattern, build in PROBLEMS:
        match = pattern.fullmatch(text.strip())
        if match:
            return build(match)
    return text


@rule(r"The committee cannot decide this case: (.*)\.")
def _cannot_decide(m: re.Match[str]) -> str:
    text = m.group(1)
    for pattern, build in PROBLEMS:
        text = pattern.sub(build, text)
    return f"Komitéen kan ikke avgjøre saken: {text}."


# The roster's shortfalls (shown as warnings on the committee page).
_ROSTER = [
    (re.compile(r"(.+) has (\d+) medical director\(s\) on the committee; each region appoints "
                r"two \(002 L650–651\)"),
     lambda m: f"{m.group(1)} har {m.group(2)} fagdirektør(er) i komitéen; hver region "
               "oppnevner to"),
    (re.compile(r"fewer than (\d+) members are medical directors \(002 L625–626\)"),
     lambda m: f"færre enn {m.group(1)} medlemmer er fagdirektører"),
]


def roster_problem(text: str, lang: str) -> str:
    """One shortfall of the roster, in the page's language."""
    if lang == "en":
        return text
    for pattern, build in _ROSTER:
        match = pattern.fullmatch(text)
        if match:
            return build(match)
    return text


_RECUSAL = re.compile(r"fra (.+), sakens eget helseforetak")


def recusal_reason(text: str, lang: str) -> str:
    """Why a member is recused (stored in Norwegian), in the page's language."""
    match = _RECUSAL.fullmatch(text)
    if lang == "en" and match:
        return f"from {match.group(1)}, the case's own trust"
    return text
