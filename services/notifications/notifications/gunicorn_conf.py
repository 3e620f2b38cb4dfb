"""gunicorn settings of the notifications web process: one async worker holding the sockets."""

import os

from prometheus_client import multiprocess

# eventlet by default; NOTIFICATIONS_ASYNC_MODE=gevent switches the worker with the Socket.IO mode.
worker_class = {"eventlet": "eventlet", "gevent": "gevent"}[
    os.environ.get("NOTIFICATIONS_ASYNC_MODE", "eventlet")
]
# Socket.IO needs every request of a session on one worker (no sticky sessions across workers):
# scale with more processes, which share emits through the AMQP message queue.
workers = 1
worker_connections = int(os.environ.get("NOTIFICATIONS_WORKER_CONNECTIONS", "2000"))
keepalive = 75
timeout = 30
# Open sockets never finish by themselves: a short grace, then clients reconnect elsewhere.
graceful_timeout = 5
accesslog = None
errorlog = "-"


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
