"""Set-up: the clinic and its settings, locations, services, practitioners, session
series and patient records."""
