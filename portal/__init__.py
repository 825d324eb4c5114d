"""Composition of the service: settings, the ASGI app, the `portal` command, demo data.

`http/` holds protocol adapters, `middleware/` what wraps every request, `live/` the
sockets, `workers/` the background tasks; `graphiql/` the GraphiQL bundle served.
"""
