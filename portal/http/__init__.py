"""Protocol adapters: how HTTP requests become calls of the schema or the use cases
(GraphQL over HTTP, media types, bearer tokens, the OAuth token endpoint, GraphiQL, health).

A new endpoint or protocol goes here, and its route is added in app.py's routes.
"""
