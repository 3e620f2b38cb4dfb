"""WSGI entry point for gunicorn: `gunicorn fnb.wsgi:app`."""

from fnb.app import create_app

app = create_app()
