"""WSGI entry point for gunicorn: `gunicorn tasks.wsgi:app`."""

from tasks.app import create_app

app = create_app()
