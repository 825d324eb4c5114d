"""Live events between server processes: channels, payloads and the broadcaster hub."""
