"""The dashboards' access decisions: one filter for agreement fields, roles from the API matrix."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from dashboards.access import viewer_for, visible_agreement
from dashboards.i18n import STRINGS, language_from, t


def agreement(**over: Any) -> SimpleNamespace:
    fields: dict[str, Any] = {
        "id": 7, "method_id": 3, "introduction_id": 2, "type": "price_volume",
        "oecd_category": "financial", "oecd_level": "population", "status": "active",
        "start_date": date(2022, 3, 1), "end_date": date(2027, 4, 30),
        "structure_description": "Pris–volum-avtale med trinn.",
        "list_price_nok": 768000.0, "unit_price_nok": 614400.0, "discount_percent": 20.0,
        "terms": {"tiers": [{"min_patients": 25, "discount_percent": 30}], "year_start_month": 1},
        "visibility": {"unit_price_nok": "confidential", "discount_percent": "confidential",
                       "terms": "confidential", "list_price_nok": "public"},
    }
    fields.update(over)
    return SimpleNamespace(**fields)


def test_the_public_sees_the_structure_but_no_confidential_field() -> None:
    shown = visible_agreement(agreement(), viewer_for(None))
    assert shown["structure_description"] == "Pris–volum-avtale med trinn."
    assert shown["list_price_nok"] == 768000.0
    for name in ("unit_price_nok", "discount_percent", "terms", "visibility"):
        assert name not in shown  # absent, not blanked
    assert shown["hidden_fields"] == ["discount_percent", "terms", "unit_price_nok"]


def test_a_viewer_allowed_confidential_prices_sees_everything() -> None:
    procurement = viewer_for("procurement")
    assert procurement.can_see_confidential_prices
    shown = visible_agreement(agreement(), procurement)
    assert shown["unit_price_nok"] == 614400.0
    assert shown["discount_percent"] == 20.0
    assert shown["terms"]["tiers"][0]["min_patients"] == 25
    assert shown["hidden_fields"] == []


def test_a_clinician_sees_no_price() -> None:
    clinician = viewer_for("clinician")
    assert not clinician.can_see_confidential_prices
    assert clinician.can_see_patient_level
    shown = visible_agreement(agreement(), clinician)
    assert "unit_price_nok" not in shown and "terms" not in shown


def test_a_term_marked_public_is_shown_while_the_rest_stays_hidden() -> None:
    marks = {**agreement().visibility, "terms.year_start_month": "public"}
    shown = visible_agreement(agreement(visibility=marks), viewer_for(None))
    assert shown["terms"] == {"year_start_month": 1}
    assert "terms" in shown["hidden_fields"]


def test_a_field_without_a_mark_falls_back_to_confidential() -> None:
    shown = visible_agreement(agreement(visibility={}), viewer_for(None))
    assert "unit_price_nok" not in shown and "discount_percent" not in shown
    assert "terms" not in shown


def test_unknown_roles_are_the_public_and_the_public_reads_no_flags() -> None:
    for role in (None, "", "superuser"):
        viewer = viewer_for(role)
        assert viewer.role == "public" and not viewer.logged_in
        assert not viewer.can_see_confidential_prices and not viewer.can_see_patient_level
    assert not viewer_for(None).may_read("flags")
    assert viewer_for("secretariat").may_read("flags")
    assert viewer_for(None).may_read("introductions")


def test_every_string_exists_in_both_languages() -> None:
    assert all(nb and en for nb, en in STRINGS.values())
    assert t("ov.count", "en", n=2, total=7) == "2 of 7 introductions"


def test_the_language_comes_from_the_url_then_the_stored_choice_then_the_default() -> None:
    assert language_from("?lang=en", "nb", "nb") == "en"
    assert language_from("", "en", "nb") == "en"
    assert language_from(None, None, "nb") == "nb"
    assert language_from("?lang=de", "xx", "en") == "en"
