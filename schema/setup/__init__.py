"""Set-up: the clinic, its settings, locations, services, practitioners and sessions."""
