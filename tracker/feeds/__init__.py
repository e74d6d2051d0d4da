"""Registry feeds: validated patient-level extracts for temporary introductions."""
