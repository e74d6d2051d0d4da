"""The terms of an agreement on the dashboards read as words: choices by their names, unset
terms left out (the agreements page and the brief showed 'risk_sharing' and 'None')."""

from __future__ import annotations

from typing import Any

import tracker.web.pages.agreements  # noqa: F401 - registers the term names, as the app does
from dashboards.pages.agreements import terms_block
from tracker.agreements.schemas import PaymentByResultTerms, PriceVolumeTerms


def _texts(node: Any) -> list[str]:
    if isinstance(node, str | int | float):
        return [str(node)]
    if isinstance(node, list | tuple):
        return [t for child in node for t in _texts(child)]
    children = getattr(node, "children", None)
    return _texts(children) if children is not None else []


def test_outcome_based_terms_read_in_norwegian_and_english():
    terms = PaymentByResultTerms(refund_share_percent=50, evaluation_window_weeks=8,
                                 response_criterion="Ingen progresjon",
                                 kind="risk_sharing").model_dump()
    nb = _texts(terms_block(terms, "nb"))
    assert "Risikodeling" in nb and "Kvartal" in nb and "Progresjon, Død" in nb
    en = _texts(terms_block(terms, "en"))
    assert "Risk sharing" in en and "Quarter" in en
    for text in (nb, en):
        assert not [t for t in text if t in ("None", "risk_sharing", "quarter", "progression")]


def test_price_volume_tier_mode_is_named():
    terms = PriceVolumeTerms(tiers=[{"min_patients": 0, "discount_percent": 5}]).model_dump()
    text = _texts(terms_block(terms, "nb"))
    assert "Fra pasienten som når trinnet" in text
    assert "from_threshold" not in text and "None" not in text
