"""The deadline list ("fristliste"): as JSON, CSV, Excel and an iCalendar feed."""
