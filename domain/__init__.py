"""Plain-Python rules of the clinic's online booking: no framework imports here."""
