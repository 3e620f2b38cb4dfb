"""gunicorn settings shared by every service's web process (and the bench's bare-Flask baseline)."""

import os

from prometheus_client import multiprocess

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
# nginx keeps upstream connections open; a longer keep-alive than nginx's avoids resets.
keepalive = 75
timeout = 30
graceful_timeout = 20
accesslog = None  # each service logs requests itself, as JSON with the request id
# nginx limits the headers' total size (16 KiB) but not their number: with no count limit here,
# nginx's size limit is the tighter one and answers in problem+json, never gunicorn's HTML 431.
limit_request_fields = 32768
errorlog = "-"


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
