"""WSGI entry point for gunicorn: `gunicorn pms_adapter.wsgi:app`."""

from pms_adapter.app import create_app

app = create_app()
