"""The HTTP adapter: `create_app(settings, store)` builds the FastAPI application."""
