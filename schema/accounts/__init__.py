"""Accounts: sign-in, users and patients, invitations, registrations, links, merges."""
