"""Individual access: the exception scheme, group exceptions, Tilgangsordningen (DOMAIN.md §5)."""
