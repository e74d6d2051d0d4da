"""One module per dashboard page: `render(...)` builds it, `register(app)` adds its callbacks."""
