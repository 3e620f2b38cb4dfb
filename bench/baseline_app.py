"""B_http's server: the barest Flask app, run by the bench under the services' gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.get("/ping")
def ping():
    return {"ping": "pong"}
