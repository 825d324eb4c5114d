"""ASGI middleware wrapped around every request: body limits, security headers, and the
barrier that answers faults escaping a route.

A new middleware goes here, and is added in app.py's middleware list (outermost first).
"""
