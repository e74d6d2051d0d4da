"""Enumerations of the data-source catalogue."""

from enum import StrEnum


class DataSourceKind(StrEnum):
    """What kind of source delivers the data ("datakilde")."""

    health_registry = "health_registry"
    quality_registry = "quality_registry"
    rare_disease_registry = "rare_disease_registry"
    prom = "prom"
    ma_holder_study = "ma_holder_study"
    observational_study = "observational_study"
    other = "other"
