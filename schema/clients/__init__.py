"""API clients: staff create, rotate and revoke them, and read their calls."""
