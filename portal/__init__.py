"""Composition of the service: settings, the ASGI app, background tasks and the CLI."""
