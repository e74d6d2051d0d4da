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


# --- registry extracts (tracker/feeds): the upload form, the problems of a refused extract and
# the warnings of an accepted one. A quoted cell is kept as the validator showed it.

_ISO = r"(\d{4}-\d{2}-\d{2})"
_HIDDEN_VALUE = "(value not shown: it holds a long run of digits)"


def dmy(iso: str) -> str:
    """An ISO date in a service's message as the form asks for it: 2026-12-31 -> 31.12.2026."""
    year, month, day = iso.split("-")
    return f"{day}.{month}.{year}"


def _cell(value: str) -> str:
    return "(verdien vises ikke: den har en lang rekke sifre)" if value == _HIDDEN_VALUE \
        else value


def _feed_rule(pattern: str, build: Callable[..., str]) -> None:
    _RULES.append((re.compile(pattern, re.DOTALL), lambda m: build(*m.groups())))


_feed_rule(r"(.+) is not a date in ISO form YYYY-MM-DD \(e\.g\. 2024-03-18\)",
           lambda v: f"{_cell(v)} er ikke en dato på formen ÅÅÅÅ-MM-DD (for eksempel "
                     "2024-03-18).")
_feed_rule(r"(.+) is not a whole number", lambda v: f"{_cell(v)} er ikke et heltall.")
_feed_rule(r"unknown region (.+); use one of .*",
           lambda v: f"Ukjent region {_cell(v)}; bruk Helse Sør-Øst, Helse Vest, Helse "
                     "Midt-Norge eller Helse Nord (eller HSØ, HV, HMN, HN).")
_feed_rule(r"unknown sex (.+); use K or M \(F is read as K\)",
           lambda v: f"Ukjent kjønn {_cell(v)}; bruk K eller M (F leses som K).")
_feed_rule(r"unknown stop reason (.+); use one of (.+)",
           lambda v, codes: f"Ukjent stoppårsak {_cell(v)}; bruk en av {codes}.")
_feed_rule(r"unknown response (.+); use one of (.+)",
           lambda v, codes: f"Ukjent behandlingsrespons {_cell(v)}; bruk en av {codes}.")
_feed_rule(r"is longer than (\d+) characters", lambda n: f"Er lengre enn {n} tegn.")
simple(r"is empty; every row needs a value here", "Er tom; hver rad må ha en verdi her.")
_feed_rule(r"(.+) is not an ICD-10 code \(e\.g\. C34 or C34\.1\)",
           lambda v: f"{_cell(v)} er ikke en ICD-10-kode (for eksempel C34 eller C34.1).")
_feed_rule(_ISO + r" is before treatment_start \(" + _ISO + r"\)",
           lambda a, b: f"{dmy(a)} er før behandlingsstart, treatment_start ({dmy(b)}).")
_feed_rule(_ISO + r" is after the data cut \(" + _ISO + r"\)",
           lambda a, b: f"{dmy(a)} er etter datakuttet ({dmy(b)}).")
_feed_rule(r"follow-up until " + _ISO + r" is after death_date \(" + _ISO + r"\); .*",
           lambda a, b: f"Oppfølging til {dmy(a)} er etter dødsdatoen, death_date ({dmy(b)}); "
                        "for en pasient som er død, er siste oppfølging senest dødsdatoen.")
_feed_rule(_ISO + r" is after death_date \(" + _ISO + r"\)",
           lambda a, b: f"{dmy(a)} er etter dødsdatoen, death_date ({dmy(b)}).")
_feed_rule(_ISO + r" is after the end of follow-up \(" + _ISO + r"\); .*",
           lambda a, b: f"{dmy(a)} er etter slutten av oppfølgingen ({dmy(b)}); en pasient må "
                        "komme inn i registerets observasjon før hen går ut av den.")
_feed_rule(r"birth year (.+) is impossible: it must be from 1900 to the year of treatment "
           r"start \((\d+)\)",
           lambda v, y: f"Fødselsåret {_cell(v)} er umulig: det må være fra 1900 til året "
                        f"behandlingen startet ({y}).")
_feed_rule(r"treatment line (.+) is impossible: lines are counted from 1 \(at most (\d+)\)",
           lambda v, n: f"Behandlingslinje {_cell(v)} er umulig: linjene telles fra 1 "
                        f"(høyst {n}).")
_feed_rule(r"same patient_id and treatment_start as row (\d+); .*",
           lambda n: f"Samme patient_id og treatment_start som rad {n}; hvert behandlingsforløp "
                     "skal stå én gang.")
simple(r"holds a fødselsnummer or D-number, a direct identifier \(alone or within the text\); "
       r".*",
       "Inneholder et fødselsnummer eller D-nummer, en direkte identifikator (alene eller i "
       "teksten); bytt det ut med registerets pseudonym (verdien vises ikke).")
_feed_rule(r"required column '(\w+)' is missing",
           lambda name: f"Den påkrevde kolonnen {name} mangler.")
simple(r"the file has a header row but no patient rows",
       "Filen har en overskriftsrad, men ingen pasientrader.")
simple(r"the column name holds a fødselsnummer or D-number, .*",
       "Kolonnenavnet inneholder et fødselsnummer eller D-nummer; gi kolonnen et nytt navn "
       "(navnet vises ikke).")
simple(r"the column name holds a control character or a line break; rename the column",
       "Kolonnenavnet inneholder et kontrolltegn eller et linjeskift; gi kolonnen et nytt navn.")
_feed_rule(r"the column name is longer than (\d+) characters; rename the column",
           lambda n: f"Kolonnenavnet er lengre enn {n} tegn; gi kolonnen et kortere navn.")
_feed_rule(r"column (\d+) has no name in the header row",
           lambda n: f"Kolonne {n} har ikke noe navn i overskriftsraden.")
_feed_rule(r"column (.+) appears more than once in the header row",
           lambda name: f"Kolonnen {name} står mer enn én gang i overskriftsraden.")
_feed_rule(r"has the same name as column (\d+) \(not shown: .*",
           lambda n: f"Har samme navn som kolonne {n} (navnet vises ikke: det har en lang rekke "
                     "sifre); hver kolonne skal ha sitt eget navn.")
simple(r"holds a line break: a quote opened in this row is probably not closed; .*",
       "Inneholder et linjeskift: et anførselstegn som åpnes i denne raden, er trolig ikke "
       "lukket; en verdi kan ikke gå over flere linjer.")
simple(r"holds a control character \(such as NUL\); remove it",
       "Inneholder et kontrolltegn (for eksempel NUL); fjern det.")
_feed_rule(r"is longer than ([\d,]+) bytes",
           lambda n: f"Er lengre enn {n.replace(',', ' ')} byte.")
_feed_rule(r"is longer than ([\d,]+) bytes, too long for a row of the format; .*",
           lambda n: f"Er lengre enn {n.replace(',', ' ')} byte, for lang for en rad i formatet; "
                     "sjekk at filen har linjeskift og at alle anførselstegn er lukket.")
simple(r"holds a carriage return \(CR\) that does not end a line; .*",
       "Inneholder et vognretur-tegn (CR) som ikke avslutter en linje; lagre filen med "
       "Windows- (CRLF) eller Unix-linjeskift (LF), uten linjeskift inne i cellene.")
simple(r"cannot be read as CSV: a quote opens in this row and is not closed in it; .*",
       "Kan ikke leses som CSV: et anførselstegn åpnes i denne raden og lukkes ikke; lukk "
       "anførselstegnet (en verdi kan ikke gå over flere linjer).")
_feed_rule(r"the header row has (.+) columns; at most (\d+) are read\. .*",
           lambda n, most: f"Overskriftsraden har {n.replace(',', ' ')} kolonner; høyst {most} "
                           "leses. Utelat kolonnene formatet ikke trenger.")
simple(r"the file starts like Parquet but cannot be read as a Parquet file",
       "Filen begynner som en Parquet-fil, men kan ikke leses som Parquet.")
_feed_rule(r"is a Parquet column of type (.+); only text, numbers, dates and timestamps are "
           r"read\. .*",
           lambda kind: f"Er en Parquet-kolonne av typen {kind}; bare tekst, tall, datoer og "
                        "tidspunkter leses. Gjør kolonnen flat eller utelat den.")
_feed_rule(r"the file has ([\d,]+) rows; at most ([\d,]+) are read in one extract\. .*",
           lambda n, most: f"Filen har {n.replace(',', ' ')} rader; høyst "
                           f"{most.replace(',', ' ')} leses i ett uttrekk. Del det opp etter "
                           "datakilde eller periode.")
_feed_rule(r"the Parquet file expands to more than ([\d,]+) MB once read; .*",
           lambda n: f"Parquet-filen blir større enn {n.replace(',', ' ')} MB når den leses; del "
                     "den opp i mindre uttrekk.")
simple(r"the header row is not UTF-8 text; .*",
       "Overskriftsraden er ikke UTF-8-tekst; lagre filen som UTF-8 (CSV UTF-8).")
simple(r"the file is empty or its first row is blank; .*",
       "Filen er tom, eller den første raden er blank; rad 1 skal navngi kolonnene.")
_feed_rule(r"the file has ([\d,]+) rows but ([\d,]+) were read; .*",
           lambda n, read: f"Filen har {n.replace(',', ' ')} rader, men {read.replace(',', ' ')} "
                           "ble lest; sjekk at alle anførselstegn er lukket og at ingen celle "
                           "har linjeskift.")
simple(r"the file could not be read as CSV; check quoting and the delimiter",
       "Filen kunne ikke leses som CSV; sjekk anførselstegn og skilletegn.")
_feed_rule(r"has (\d+) fields but the header row has (\d+) \(delimiter (.+)\)",
           lambda n, header, sep: f"Har {n} felt, men overskriftsraden har {header} "
                                  f"(skilletegn {sep}).")
_feed_rule(r"reading stopped after ([\d,]+) rows with the wrong number of fields; .*",
           lambda n: f"Lesingen stoppet etter {n.replace(',', ' ')} rader med feil antall felt; "
                     "sjekk skilletegnet og anførselstegnene.")
simple(r"the file is not UTF-8 text from this row on; .*",
       "Filen er ikke UTF-8-tekst fra denne raden; lagre den som UTF-8 (CSV UTF-8).")
# The warnings of an accepted extract.
_feed_rule(r"optional column\(s\) not in the file: (.+)",
           lambda names: f"Valgfrie kolonner som ikke er i filen: {names}.")
_feed_rule(r"column\(s\) not imported \(not part of the format\): (.+)",
           lambda names: f"Kolonner som ikke ble importert (ikke del av formatet): {names}.")
_feed_rule(r"(\w+) is empty in (\d+) of (\d+) rows",
           lambda name, n, total: f"{name} er tom i {n} av {total} rader.")
_feed_rule(r"stop_reason without treatment_stop in (\d+) rows: .*",
           lambda n: f"stop_reason uten treatment_stop i {n} rader: regnet som fortsatt på "
                     "behandling (tid på behandling sensurert ved siste oppfølging).")
_feed_rule(r"(\d+) living patient\(s\) have a progression or treatment stop after "
           r"last_followup, .*",
           lambda n: f"{n} levende pasient(er) har progresjon eller behandlingsstopp etter "
                     "last_followup, siste dato de var kjent i live; totaloverlevelsen sensureres "
                     "ved last_followup slik den er oppgitt.")
_feed_rule(r"(\d+) patient\(s\) entered observation on or after the end of their (\w+) "
           r"follow-up and are left out of \w+ \(left truncation\)",
           lambda n, endpoint: f"{n} pasient(er) kom inn i observasjonen på eller etter slutten "
                               f"av oppfølgingen for {endpoint} og er utelatt fra {endpoint} "
                               "(venstretrunkering).")
_feed_rule(r"(\d+) patient\(s\) started treatment before the decision \(" + _ISO + r"\), .*",
           lambda n, day: f"{n} pasient(er) startet behandlingen før beslutningen "
                          f"({dmy(day)}), for eksempel gjennom unntaksordningen eller en studie; "
                          "sjekk at de hører med i oppfølgingen.")
# The upload itself (tracker/feeds/api.py and service.py).
_feed_rule(r"unknown data source (.+); use one of .*",
           lambda code: f"Ukjent datakilde {code}; velg en datakilde i listen.")
_feed_rule(_ISO + r" is after today",
           lambda day: f"Datakuttet {dmy(day)} er etter dagens dato.")
simple(r"give the file a name", "Filen har ikke noe navn; gi den et navn.")
simple(r"the file name holds a direct identifier \(not shown\)",
       "Filnavnet inneholder et fødselsnummer eller D-nummer; gi filen et nytt navn.")
simple(r"the file name holds a control character \(not shown\)",
       "Filnavnet inneholder et kontrolltegn; gi filen et nytt navn.")
simple(r"attach the extract as the multipart field 'file'", "Velg filen med uttrekket.")
simple(r"name the data source by its code, e\.g\. INSPIRE", "Velg datakilden.")
simple(r"give the data cut as an ISO date, YYYY-MM-DD",
       "Skriv datoen som dd.mm.åååå, for eksempel 30.06.2026.")
_feed_rule(r"This file was already imported as delivery (\d+) with data cut " + _ISO
           + r"; the same file cannot have another data cut\.",
           lambda n, day: f"Denne filen er allerede importert som leveranse {n} med datakutt "
                          f"{dmy(day)}; den samme filen kan ikke ha et annet datakutt.")


# Reassessment cases (tracker/reassessments/service.py and schemas.py).
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
    return f"Kan ikke være før forrige steg i saken ({dmy(m.group(1))})."


@rule(r"\S+ is before the decision date (\d{4}-\d{2}-\d{2})")
def _before_decision(m: re.Match[str]) -> str:
    return f"Kan ikke være før beslutningsdatoen ({dmy(m.group(1))})."


simple(r"The [a-z ]+ is before the decision\.", "En dato er før beslutningsdatoen.")

# Flags (tracker/flags): snoozing.
_feed_rule(_ISO + r" is not after " + _ISO,
           lambda until, day: f"Utsett til en dato etter i dag ({dmy(day)}); {dmy(until)} er "
                              "ikke etter.")
simple(r"A snooze must end after today\.", "En utsettelse må vare til en dato etter i dag.")


# --- price agreements (tracker/agreements): the agreement form of Sykehusinnkjøp.

simple(r"tiers must have strictly increasing min_patients\.",
       "Trinnene må ha stigende antall pasienter, uten to like.")
simple(r"tiers must have strictly increasing min_units\.",
       "Trinnene må ha stigende antall pakninger, uten to like.")
simple(r"end_date \S+ is before start_date \S+\.|\d{4}-\d{2}-\d{2} is before \d{4}-\d{2}-\d{2}",
       "Sluttdatoen er før startdatoen.")
simple(r"no method with id \d+", "Metoden finnes ikke.")
simple(r"no introduction \d+", "Den midlertidige innføringen finnes ikke.")
simple(r"introduction \d+ belongs to method \d+, not \d+",
       "Innføringen hører til en annen metode enn den som er valgt; velg metoden til "
       "innføringen, eller la metodefeltet stå tomt.")
simple(r"Unable to extract tag using discriminator 'type'", "Velg avtaletype.")
simple(r"Input tag '.*' found using 'type' does not match any of the expected tags: .*",
       "Velg en av avtaletypene i listen.")
simple(r"could not convert string to float: .*", "Skriv et tall, for eksempel 12,5.")
simple(r"unknown field\(s\) .*; mark one of .*",
       "Bare priser, rabatt og vilkår kan merkes offentlige eller konfidensielle.")
simple(r".* describe the agreement's form and structure, which must be public .*",
       "Avtalens form og struktur er alltid offentlig (rammeverket for prisavtaler, punkt V b); "
       "bare priser, rabatt og vilkår kan merkes konfidensielle.")


@rule(r"weights must add up to 1 \(they add up to (\S+)\)\.")
def _weights_sum(m: re.Match[str]) -> str:
    return f"Vektene må til sammen bli 1 (nå blir de {_num(m.group(1))})."


# --- temporary introductions (tracker/web/pages/introductions.py): the guided form, the
# assumed curves and their preview, milestones, the analysis plan.

_INTRO_ISO = r"(\d{4}-\d{2}-\d{2})"


def _intro_rule(pattern: str, build: Callable[..., str]) -> None:
    _RULES.append((re.compile(pattern, re.DOTALL), lambda m: build(*m.groups())))


def _point(index: str) -> str:
    return f"Punkt {int(index) + 1}"  # the API counts points from 0, the form's rows from 1


simple(r"could not convert string to float: .*", "Skriv et tall, for eksempel 12,5.")
simple(r"Unable to extract tag using discriminator 'distribution'", "Velg en fordeling.")
simple(r"Gompertz shape 0 is the exponential; .*",
       "Gompertz med form 0 er den eksponentielle fordelingen; velg «Eksponentiell» i stedet.")
_intro_rule(r"point (\d+): time (\S+) is negative; times start at 0\.",
            lambda i, v: f"{_point(i)}: tiden {_num(v)} er negativ; tiden starter på 0.")
_intro_rule(r"point (\d+): time (\S+) is not after the previous time (\S+)\.",
            lambda i, v, w: f"{_point(i)}: tiden {_num(v)} kommer ikke etter forrige tid "
                            f"({_num(w)}); skriv punktene i stigende tid.")
_intro_rule(r"point (\d+): survival (\S+) is outside 0\.\.1\.",
            lambda i, v: f"{_point(i)}: overlevelsen {_num(v)} er utenfor 0–1; skriv den som "
                         "andel, for eksempel 0,75.")
_intro_rule(r"point (\d+): survival (\S+) rises above the previous value (\S+); .*",
            lambda i, v, w: f"{_point(i)}: overlevelsen {_num(v)} er høyere enn forrige verdi "
                            f"({_num(w)}); en overlevelseskurve stiger aldri.")
_intro_rule(r"low (\S+) is above the value (\S+)\.",
            lambda lo, v: f"Laveste verdi ({_num(lo)}) er høyere enn verdien ({_num(v)}).")
_intro_rule(r"high (\S+) is below the value (\S+)\.",
            lambda hi, v: f"Høyeste verdi ({_num(hi)}) er lavere enn verdien ({_num(v)}).")
simple(r"review_date_reason is required when review_date changes: .*",
       "Skriv hvorfor revurderingsdatoen endres.")
_intro_rule(_INTRO_ISO + r" is not after the decision date " + _INTRO_ISO,
            lambda _d, day: f"Revurderingsdatoen må komme etter beslutningsdatoen "
                            f"({dmy(day)}).")
simple(r"The review date must come after the decision\.",
       "Revurderingsdatoen må komme etter beslutningsdatoen.")
_intro_rule(r"data_cut " + _INTRO_ISO + r" is after expected_date " + _INTRO_ISO + r"; .*",
            lambda cut, due: f"Datakuttet ({dmy(cut)}) er etter forventet levering "
                             f"({dmy(due)}); en leveranse kan ikke dekke data etter at den "
                             "er levert.")
_intro_rule(_INTRO_ISO + r" is after expected_date " + _INTRO_ISO,
            lambda cut, due: f"Datakuttet ({dmy(cut)}) er etter forventet levering "
                             f"({dmy(due)}).")
simple(r"The data cut is after the expected delivery date\.",
       "Datakuttet er etter forventet levering.")
_intro_rule(r"Decision (\d+) already has temporary introduction (\d+)\.",
            lambda _d, intro: f"Beslutningen har allerede en midlertidig innføring (nr. {intro}).")
simple(r"Only a 'temporarily_introduced' decision can have a temporary introduction\.",
       "Bare en beslutning om midlertidig innføring kan ha en midlertidig innføring.")
simple(r"decision \d+ has outcome \S+",
       "Beslutningen gjelder ikke midlertidig innføring.")
simple(r"landmarks must be strictly increasing, .*",
       "Landemerkene må stå i stigende rekkefølge, uten gjentakelser, for eksempel 12, 24, 36.")
# Flags (tracker/flags): snoozing.
_feed_rule(_ISO + r" is not after " + _ISO,
           lambda until, day: f"Utsett til en dato etter i dag ({dmy(day)}); {dmy(until)} er "
                              "ikke etter.")
simple(r"A snooze must end after today\.", "En utsettelse må vare til en dato etter i dag.")
