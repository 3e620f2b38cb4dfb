"""WSGI entry point for gunicorn: `gunicorn rooms.wsgi:app`."""

from rooms.app import create_app

app = create_app()
