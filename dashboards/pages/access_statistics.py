"""National statistics of individual access: the tables of the review's Table 1 shape, grant
rates, rates per 100 000 inhabitants, the variation across regions and the funnel plot.

What the review of the exception scheme asks a national register for
(000_3134ab22afa02640.txt L1230–1245). The page reads the API's own operation
(`get_access_statistics`), so every viewer sees exactly what the API shows them: for roles
without small-count access, counts of 1–4 (and the cells that would give them back) are hidden,
and so are the tests and the funnel plot where they would. The same tables download as CSV and
Excel from the API (`/api/v1/access-statistics.csv|.xlsx`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from dashboards.figures_access import FunnelLabels, funnel_figure
from dashboards.i18n import STRINGS, fmt_number, t
from dashboards.layout import definition_list, message, section
from dashboards.pages import access_statistics_tables as tables
from tracker.individual import statistics_export as labels
from tracker.individual.enums import Scheme
from tracker.timeutil import today

STRINGS.update({
    "ast.heading": ("Individuell tilgang: nasjonal statistikk",
                    "Individual access: national statistics"),
    "ast.intro": (
        "Avgjorte saker i unntaksordningen (for enkeltpasienter og grupper) og i "
        "Tilgangsordningen, etter året de ble avgjort. Tabellen etter år og region har samme "
        "form som tabell 1 i gjennomgangen av unntaksordningen.",
        "Decided cases under the exception scheme (for single patients and for groups) and "
        "Tilgangsordningen, by the year of the decision. The table by year and region has the "
        "shape of Table 1 in the review of the exception scheme."),
    "ast.filters": ("Utvalg", "Selection"),
    "ast.filter.scheme": ("Ordning", "Scheme"),
    "ast.filter.year_from": ("Fra år", "From year"),
    "ast.filter.year_to": ("Til år", "To year"),
    "ast.filter.all": ("Alle", "All"),
    "ast.count": ("{n} avgjorte saker i utvalget.", "{n} decided cases in the selection."),
    "ast.none": ("Ingen avgjorte saker i utvalget.", "No decided cases in the selection."),
    "ast.count_withheld": (
        "Antallet avgjorte saker i utvalget vises ikke: det ville gi et skjult antall tilbake.",
        "The number of decided cases in the selection is not shown: it would give a hidden "
        "count back."),
    "ast.table_withheld": (
        "Vises for alle år samlet, ikke for et utvalg av år: med svaret for alle år ville et "
        "utvalg av år gi skjulte antall tilbake.",
        "Shown for all years together, not for a selection of years: with the answer for all "
        "years, a selection of years would give hidden counts back."),
    "ast.too_few": (
        "For få avgjorte saker i utvalget til å vise statistikk for din rolle (under 5).",
        "Too few decided cases in the selection to show statistics for your role (under 5)."),
    "ast.suppressed": (
        "Tall fra 1 til 4 er skjult for din rolle, fordi så små tall kan avsløre "
        "enkeltpasienter. Noen større tall er også skjult, slik at de skjulte ikke kan regnes ut "
        "fra summene. Skjulte tall står som «skjult», og er tomme celler i nedlastingene.",
        "Counts from 1 to 4 are hidden for your role, since such small numbers could reveal "
        "individual patients. Some larger counts are hidden too, so that the hidden ones cannot "
        "be worked out from the totals. Hidden counts read “hidden”, and are empty cells in the "
        "downloads."),
    "ast.hidden": ("skjult", "hidden"),
    "ast.sum": ("Sum", "Sum"),
    "ast.total": ("Totalt", "Total"),
    "ast.all_regions": ("alle regioner", "all regions"),
    "ast.unknown": ("Ukjent", "Unknown"),
    "ast.national": (
        "Gruppeunntak er nasjonale beslutninger og telles ikke per region.",
        "Group exceptions are national decisions and are not counted by region."),
    "ast.download": ("Last ned:", "Download:"),
    "ast.download.label": ("Last ned «{table}» som {format}", "Download “{table}” as {format}"),
    "ast.t.year_region": ("Etter år og region", "By year and region"),
    "ast.t.diagnosis_group": ("Etter diagnosegruppe (ICD-10-kapittel)",
                              "By diagnosis group (ICD-10 chapter)"),
    "ast.t.method": ("Etter metode", "By method"),
    "ast.t.scheme": ("Etter ordning", "By scheme"),
    "ast.t.rates": ("Andel innvilget per region, med 95 % konfidensintervall",
                    "Grant rate by region, with 95 % confidence interval"),
    "ast.t.per_population": ("Søknader og innvilgelser per 100 000 innbyggere, etter "
                             "bostedsregion",
                             "Applications and grants per 100,000 inhabitants, by region of "
                             "residence"),
    "ast.col.ci": ("95 % KI", "95 % CI"),
    "ast.rates_note": (
        "Konfidensintervallet er eksakt (Clopper–Pearson): det er bredt når en region har få "
        "saker.",
        "The confidence interval is exact (Clopper–Pearson): it is wide where a region has few "
        "cases."),
    "ast.population_source": (
        "Innbyggere per 1. januar {year} fra Statistisk sentralbyrå (SSB), tabell 07459, summert "
        "over fylkene i hver helseregion.",
        "Inhabitants on 1 January {year} from Statistics Norway (SSB), table 07459, summed over "
        "the counties of each health region."),
    "ast.population_check": (
        "Merk: befolkningstallene er ennå ikke kontrollert mot SSB og må kontrolleres før tallene "
        "publiseres. Helseregionenes opptaksområder følger dessuten helseforetakene, ikke "
        "fylkesgrensene.",
        "Note: the population figures have not yet been checked against SSB and must be before "
        "the rates are published. The health regions' catchment areas also follow the hospital "
        "trusts, not the county borders."),
    "ast.variation": ("Variasjon mellom regionene", "Variation across regions"),
    "ast.variation.explain": (
        "Begge testene spør om andelen innvilgede søknader varierer mer mellom regionene enn "
        "tilfeldighetene alene skulle tilsi. En liten p-verdi (for eksempel under 0,05) tyder på "
        "reelle forskjeller i praksis; en stor p-verdi betyr at forskjellene godt kan skyldes "
        "tilfeldigheter. χ²-testen er en tilnærming som blir upålitelig når tallene er små. Den "
        "eksakte testen regner ut sannsynligheten for hver mulig fordeling med de samme "
        "summene, og foretrekkes derfor når tallene er små.",
        "Both tests ask whether the grant rate varies across the regions more than chance alone "
        "would make it. A small p-value (say under 0.05) suggests real differences in practice; "
        "a large one means the differences may well be chance. The χ² test is an approximation "
        "that fails when the counts are small. The exact test works out the probability of "
        "every possible table with the same totals, and so is preferred when counts are "
        "small."),
    "ast.chi": ("χ²-test", "χ² test"),
    "ast.chi.value": ("χ² = {statistic} med {dof} frihetsgrader, p = {p}",
                      "χ² = {statistic} with {dof} degrees of freedom, p = {p}"),
    "ast.exact": ("Eksakt test (Fisher–Freeman–Halton)", "Exact test (Fisher–Freeman–Halton)"),
    "ast.exact.value": ("p = {p} (regnet over {tables} mulige tabeller)",
                        "p = {p} (over {tables} possible tables)"),
    "ast.min_expected": (
        "Minste forventede antall er {value}, under 5: χ²-testens p-verdi er upålitelig her. "
        "Bruk den eksakte testen.",
        "The smallest expected count is {value}, under 5: the χ² p-value is unreliable here. "
        "Use the exact test."),
    "ast.withheld.small_counts": (
        "Testene og traktplottet vises ikke for din rolle: i minst én region er antallet "
        "innvilgede eller avslåtte søknader så lite at resultatene kunne avsløre de skjulte "
        "tallene.",
        "The tests and the funnel plot are not shown for your role: in at least one region the "
        "counts of grants or refusals are so small that the results could give the hidden "
        "counts away."),
    "ast.withheld.too_few": (
        "Testene og traktplottet vises ikke: for få avgjorte saker i utvalget.",
        "The tests and the funnel plot are not shown: too few decided cases in the selection."),
    "ast.withheld.regions": (
        "Testene krever avgjorte saker fra minst to regioner.",
        "The tests need decided cases from at least two regions."),
    "ast.funnel": ("Traktplott", "Funnel plot"),
    "ast.funnel.explain": (
        "Hver region er et punkt: andelen innvilgede søknader mot antallet avgjorte saker. "
        "Linjene er eksakte binomiske grenser rundt den nasjonale andelen, for 95 % og 99,8 %. "
        "Grensene er vide der det er få saker. En region utenfor grensene avviker mer enn "
        "tilfeldighetene skulle tilsi ved så mange saker.",
        "Each region is a point: its grant rate against its number of decided cases. The lines "
        "are exact binomial limits around the national rate, at 95 % and 99.8 %. The limits are "
        "wide where there are few cases. A region outside them differs more than chance would "
        "make it with that many cases."),
    "ast.funnel.x": ("Antall avgjorte saker", "Number of decided cases"),
    "ast.funnel.y": ("Andel innvilget", "Grant rate"),
    "ast.funnel.observed": ("Regioner", "Regions"),
    "ast.funnel.national": ("Nasjonal andel", "National rate"),
    "ast.funnel.95": ("95 %-grenser", "95 % limits"),
    "ast.funnel.998": ("99,8 %-grenser", "99.8 % limits"),
})
API = "/api/v1/access-statistics"
SCHEMES = (Scheme.access_scheme, Scheme.individual_exception, Scheme.group_exception)


def read(scheme: str | None, year_from: int | None, year_to: int | None) -> dict[str, Any]:
    """The statistics answer as the API gives it to the current viewer."""
    from tracker.web import forms

    query = {k: v for k, v in (("scheme", scheme), ("year_from", year_from),
                               ("year_to", year_to)) if v is not None}
    return dict(forms.read("get_access_statistics", query=query).model_dump(mode="json"))


def _downloads(table: str, lang: str, selection: dict[str, Any]) -> html.P:
    query = {"table": table, **{k: v for k, v in selection.items() if v is not None}}
    name = t(f"ast.t.{table}", lang)
    links: list[Any] = [t("ast.download", lang), " "]
    for extension, format_name in (("csv", "CSV"), ("xlsx", "Excel")):
        extra = {"lang": "en"} if extension == "xlsx" and lang == "en" else {}
        props: dict[str, Any] = {
            "aria-label": t("ast.download.label", lang, table=name, format=format_name)}
        links += [html.A(format_name, href=f"{API}.{extension}?{urlencode({**query, **extra})}",
                         id=f"download-{table}-{extension}", download="", **props), " "]
    return html.P(links, className="downloads no-print")


def _table_section(table: str, body: Any, lang: str, selection: dict[str, Any],
                   *notes: Any, withheld: Any = ()) -> html.Section:
    if table in withheld:
        return section(t(f"ast.t.{table}", lang),
                       message(t("ast.table_withheld", lang), "info", id=f"withheld-{table}"),
                       id=f"section-{table}")
    return section(t(f"ast.t.{table}", lang), html.Div(body, className="table-wrap"), *notes,
                   _downloads(table, lang, selection), id=f"section-{table}")


def _number(value: Any, lang: str, decimals: int = 3) -> str:
    return fmt_number(value, lang, decimals)


def variation_block(answer: dict[str, Any], lang: str) -> list[Any]:
    """The two tests in words, or why they are not shown."""
    variation = answer.get("variation")
    if variation is None:
        reason = answer.get("variation_withheld") or "regions"
        return [message(t(f"ast.withheld.{reason}", lang), "info", id="variation-withheld")]
    chi, exact = variation["chi_square"], variation["exact"]
    items = [
        (t("ast.chi", lang), t("ast.chi.value", lang, statistic=_number(chi["statistic"], lang, 2),
                               dof=chi["dof"], p=_number(chi["p_value"], lang))),
        (t("ast.exact", lang), t("ast.exact.value", lang, p=_number(exact["p_value"], lang),
                                 tables=fmt_number(exact["tables"], lang))),
    ]
    out: list[Any] = [html.P(t("ast.variation.explain", lang)),
                      html.Div(definition_list(items), id="variation-tests")]
    if chi.get("min_expected") is not None and chi["min_expected"] < 5:
        out.append(message(t("ast.min_expected", lang,
                             value=_number(chi["min_expected"], lang, 1)), "warning",
                           id="chi-unreliable"))
    return out


def funnel_block(answer: dict[str, Any], lang: str) -> list[Any]:
    """The funnel plot with what it shows in words (for every reader, not only the sighted)."""
    funnel = answer.get("funnel")
    if not funnel or not funnel.get("points"):
        return []
    names = FunnelLabels(
        x_title=t("ast.funnel.x", lang), y_title=t("ast.funnel.y", lang),
        observed=t("ast.funnel.observed", lang), national=t("ast.funnel.national", lang),
        limits={0.95: t("ast.funnel.95", lang), 0.998: t("ast.funnel.998", lang)},
        separators=".," if lang == "en" else ", ",
    )
    figure = funnel_figure(pd.DataFrame(funnel["points"]), pd.DataFrame(funnel["limits"]),
                           funnel["p0"], names)
    return [html.Figure([
        dcc.Graph(id="funnel-figure", figure=figure,
                  config={"displaylogo": False, "responsive": True}),
        html.Figcaption(t("ast.funnel.explain", lang)),
    ], className="funnel")]


def content(answer: dict[str, Any], lang: str, selection: dict[str, Any]) -> list[Any]:
    """Everything below the filters, drawn from one statistics answer."""
    out: list[Any] = []
    if answer["suppressed"]:
        out.append(message(t("ast.suppressed", lang), "info", id="suppression-note"))
    if answer.get("variation_withheld") == "too_few":
        return [*out, message(t("ast.too_few", lang), "info", id="stats-empty")]
    if answer["cases"] is None:
        out.append(html.P(t("ast.count_withheld", lang), id="stats-count"))
    elif not answer["cases"]:
        return [*out, message(t("ast.none", lang), "info", id="stats-empty")]
    else:
        out.append(html.P(t("ast.count", lang, n=fmt_number(answer["cases"], lang)),
                          id="stats-count"))
    national = html.P(t("ast.national", lang), className="muted")
    withheld = answer.get("withheld_tables") or []
    out += [
        _table_section("year_region", tables.year_region(answer, lang), lang, selection,
                       national),
        _table_section("diagnosis_group", tables.by_key(answer, "diagnosis_group", lang), lang,
                       selection, withheld=withheld),
        _table_section("method", tables.by_key(answer, "method", lang), lang, selection,
                       withheld=withheld),
        _table_section("scheme", tables.by_key(answer, "scheme", lang), lang, selection,
                       withheld=withheld),
        _table_section("rates", tables.rates(answer, lang), lang, selection,
                       html.P(t("ast.rates_note", lang), className="muted"), national),
        _table_section(
            "per_population", tables.per_population(answer, lang), lang, selection,
            html.P(t("ast.population_source", lang, year=answer.get("population_year") or "–"),
                   id="population-source"),
            message(t("ast.population_check", lang), "warning", id="population-check"),
            withheld=withheld),
        section(t("ast.variation", lang), *variation_block(answer, lang),
                *funnel_block(answer, lang), id="section-variation"),
    ]
    return out


def _dropdown(id: str, title: str, options: list[tuple[Any, str]], lang: str) -> html.Label:
    return html.Label([title, dcc.Dropdown(
        id=id, options=[{"label": text, "value": value} for value, text in options],
        placeholder=t("ast.filter.all", lang), clearable=True)], className="filter")


def _years(answer: dict[str, Any]) -> list[int]:
    found = {row["year"] for row in answer["tables"].get("year_region", [])
             if row.get("year") is not None}
    return list(range(min(found, default=today().year), today().year + 1))


def render(lang: str, viewer: Any) -> Any:
    """The statistics page (every viewer may read it; what is hidden depends on the role)."""
    answer = read(None, None, None)
    years = [(year, str(year)) for year in _years(answer)]
    schemes = [(str(s), labels.scheme_label(s, lang)) for s in SCHEMES]
    filters_props: dict[str, Any] = {"aria-label": t("ast.filters", lang)}
    return html.Div([
        dcc.Store(id="stats-ctx", data={"lang": lang}),
        html.H2(t("ast.heading", lang)),
        html.P(t("ast.intro", lang), className="subtitle"),
        html.Div([
            _dropdown("stats-filter-scheme", t("ast.filter.scheme", lang), schemes, lang),
            _dropdown("stats-filter-year-from", t("ast.filter.year_from", lang), years, lang),
            _dropdown("stats-filter-year-to", t("ast.filter.year_to", lang), years, lang),
        ], className="filters no-print", role="group", **filters_props),
        html.Div(content(answer, lang, {}), id="stats-content"),
    ])


def register(app: dash.Dash) -> None:
    """Register the filters' callback on this Dash app."""

    @app.callback(
        Output("stats-content", "children"),
        Input("stats-filter-scheme", "value"),
        Input("stats-filter-year-from", "value"),
        Input("stats-filter-year-to", "value"),
        State("stats-ctx", "data"),
        prevent_initial_call=True,
    )
    def choose(scheme: str | None, year_from: int | None, year_to: int | None,
               ctx: dict[str, str]) -> list[Any]:
        selection = {"scheme": scheme, "year_from": year_from, "year_to": year_to}
        return content(read(scheme, year_from, year_to), ctx["lang"], selection)
