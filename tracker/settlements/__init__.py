"""Settlements of outcome-based agreements for Sykehusinnkjøp ("oppgjør"), from the registry."""
