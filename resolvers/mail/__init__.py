"""Email: what an appointment email says and to whom, and the outbox sender."""
