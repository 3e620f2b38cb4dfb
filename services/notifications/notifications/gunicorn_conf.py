"""gunicorn settings of the notifications web process: one worker holding the sockets.

The worker class follows the Socket.IO async mode of the service's Config (eventlet, gevent, or
gthread for threading), so the two can never disagree.
"""

import os

from prometheus_client import multiprocess

from notifications.config import Config

_config = Config.from_env()
worker_class = _config.worker_class
if worker_class == "gthread":
    # Threading mode: an open socket holds a thread, so the threads are the sockets; as many
    # connections again may idle in keep-alive beside them.
    threads = _config.worker_connections
    worker_connections = 2 * _config.worker_connections
else:
    worker_connections = _config.worker_connections
# Socket.IO needs every request of a session on one worker (no sticky sessions across workers):
# scale with more processes, which share emits through the AMQP message queue.
workers = 1
keepalive = 75
timeout = 30
# Open sockets never finish by themselves: a short grace, then clients reconnect elsewhere.
graceful_timeout = 5
accesslog = None
errorlog = "-"


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
