"""JSON-lines logging that stamps every record with the service, request id and event id."""

from __future__ import annotations

import atexit
import contextvars
import json
import logging
import os
import queue
import sys
import threading
from logging.handlers import QueueHandler, QueueListener
from typing import Any

from hotel_shared.timeutil import to_iso, utc_now

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
event_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("event_id", default=None)

_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": to_iso(utc_now()),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["requestId"] = request_id
        event_id = event_id_var.get()
        if event_id:
            entry["eventId"] = event_id
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class BackgroundStreamHandler(QueueHandler):
    """Formats each record in the thread that logs it (the request and event ids are context
    variables there) and leaves the writing to one thread per process.

    With a plain StreamHandler, every request thread queued on the stream's lock while another
    wrote its line: a third of a cached list request's time. The writer thread is started by
    the first record of each process (gunicorn forks after the app is made; a thread does not
    survive a fork) and drains what is left at exit. `queue.Queue` rather than SimpleQueue: under
    eventlet (the notifications hub) its lock is green, so a waiting writer never blocks the hub.
    """

    def __init__(self, stream: Any, formatter: logging.Formatter) -> None:
        super().__init__(queue.Queue())
        self.setFormatter(formatter)
        self._stream = stream
        self._pid: int | None = None
        self._start_lock = threading.Lock()

    def enqueue(self, record: logging.LogRecord) -> None:
        if self._pid != os.getpid():
            self._start_writer()
        super().enqueue(record)

    def _start_writer(self) -> None:
        with self._start_lock:
            if self._pid == os.getpid():
                return
            self.queue = queue.Queue()  # a copy inherited from the parent is not ours to drain
            writer = logging.StreamHandler(self._stream)
            writer.setFormatter(logging.Formatter("%(message)s"))  # the line prepare() made
            listener = QueueListener(self.queue, writer)
            listener.start()
            atexit.register(listener.stop)
            self._pid = os.getpid()


def configure_logging(service: str, level: str = "INFO") -> None:
    """Route the root logger to stderr as JSON lines; safe to call more than once."""
    handler = BackgroundStreamHandler(sys.stderr, JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("pika").setLevel(max(logging.WARNING, root.level))
