"""Repositories, one per aggregate. They read and stage writes on the unit of work's
session and never commit; `persistence.unit_of_work` hands them out."""
