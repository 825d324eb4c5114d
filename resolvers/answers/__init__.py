"""The clinic's answers: pending requests, patient matching, accept and reject."""
