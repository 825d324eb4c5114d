"""Live sockets: graphql-transport-ws sockets bound to their sign-in session, and the
subscription feeds that sockets of one process share.

A new thing a socket does while open goes here; what runs beside the sockets, on its own
schedule, is a worker (`portal/workers/`).
"""
