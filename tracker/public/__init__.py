"""The public section: what was decided, on what terms, when it is reassessed, and how
individual access is used; without login, as pages, open data and a news feed."""
