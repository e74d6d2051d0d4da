"""Flags ("varsler"): deadlines and signals raised by an idempotent sweep, and who is told."""
