"""FHIR R4 (4.0.1) at /fhir/R4, beside /graphql, over the same use cases and policy: the
clinic's practitioners, locations and services as FHIR resources (docs/partners.md)."""
