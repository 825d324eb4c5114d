"""API clients: integration partners, their secrets, tokens and calls."""
