"""Visits: the diary's appointments as patients, practitioners and staff see and change them."""
