"""WSGI entry point for gunicorn: `gunicorn --config python:notifications.gunicorn_conf ...`."""

from notifications.app import create_app

app = create_app()
