"""Visits: appointments in the diary, as patients, practitioners and staff see them."""
