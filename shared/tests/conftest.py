"""Fixtures for the shared library's own tests."""

pytest_plugins = ["hotel_shared.testing"]
