"""Background workers: tasks every server process runs beside the API.

A new worker goes here, in a module of its own, and is started by adding one line to the
worker list.
"""
