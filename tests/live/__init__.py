"""live tier."""
