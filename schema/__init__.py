"""The GraphQL schema: Strawberry types and operations, thin over the use cases."""
