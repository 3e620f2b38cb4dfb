"""A mock Oracle OPERA Cloud speaking an OHIP-shaped subset, with a control API for tests.

Its own process and storage (memory, with an optional JSON snapshot), never the platform's Mongo.
"""
