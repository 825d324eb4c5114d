"""Accounts: sign-in, invitations, online registrations, links and merges."""
