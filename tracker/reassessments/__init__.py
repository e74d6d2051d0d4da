"""Reassessment cases ("revurdering") of temporary introductions and the plans they decide."""
