"""Gauges of the event pipeline, read when Prometheus scrapes a web process: how many events wait
in the outbox and how old the oldest is, how many wait in the service's queue, how many are
parked. The workers that do this work have no HTTP port; the web process reads the same Mongo and
broker instead, at most every few seconds whatever the scrape rate.

They are built at scrape time (GaugeMetricFamily), not kept in prometheus_client's multiprocess
files: every gunicorn process reads the same truth, so one answer per scrape is right. A service
adds its own gauges with `extra` (the PMS adapter's breaker, for one).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from pymongo import ASCENDING

from hotel_shared.bus import queue_depths
from hotel_shared.config import ServiceSettings
from hotel_shared.mongo import get_database
from hotel_shared.outbox import OUTBOX_COLLECTION
from hotel_shared.timeutil import utc_now

log = logging.getLogger(__name__)

ExtraGauges = Callable[[], Iterable[Metric]]


def pipeline_gauges(settings: ServiceSettings) -> list[Metric]:
    """The service's outbox and queues as gauges, plus one saying which source could not be read."""
    service = settings.name
    pending = GaugeMetricFamily(
        "hotel_outbox_pending_events",
        "Events recorded in the outbox and not yet published",
        labels=["service"],
    )
    oldest = GaugeMetricFamily(
        "hotel_outbox_oldest_pending_age_seconds",
        "Age of the oldest unpublished outbox event (0 when none waits)",
        labels=["service"],
    )
    ready = GaugeMetricFamily(
        "hotel_consumer_queue_messages",
        "Events ready in the service's queue, not yet taken by its worker",
        labels=["service"],
    )
    parked = GaugeMetricFamily(
        "hotel_dead_letter_messages",
        "Events parked in the service's dead-letter queue",
        labels=["service"],
    )
    failed = GaugeMetricFamily(
        "hotel_pipeline_metrics_errors",
        "1 when the outbox (source=mongo) or the queues (source=broker) could not be read",
        labels=["service", "source"],
    )
    try:
        outbox = get_database(settings)[OUTBOX_COLLECTION]
        unsent = {"sentAt": None}
        first = outbox.find_one(unsent, {"createdAt": 1}, sort=[("createdAt", ASCENDING)])
        age = (utc_now() - first["createdAt"]).total_seconds() if first else 0.0
        pending.add_metric([service], outbox.count_documents(unsent))
        oldest.add_metric([service], max(age, 0.0))
        failed.add_metric([service, "mongo"], 0)
    except Exception as error:  # a scrape must answer; the error gauge tells ops
        log.warning("pipeline metrics: cannot read the outbox: %r", error)
        failed.add_metric([service, "mongo"], 1)
    queue = f"{service}.events"
    try:
        depths = queue_depths(settings.amqp_url, [queue, f"{queue}.dead"])
        ready.add_metric([service], depths[queue])
        parked.add_metric([service], depths[f"{queue}.dead"])
        failed.add_metric([service, "broker"], 0)
    except Exception as error:
        log.warning("pipeline metrics: cannot read the queues: %r", error)
        failed.add_metric([service, "broker"], 1)
    return [pending, oldest, ready, parked, failed]


class PipelineMetrics:
    """The exposition text of the gauges, read again when older than `max_age_s`."""

    def __init__(
        self, settings: ServiceSettings, *, extra: ExtraGauges | None = None, max_age_s: float = 5
    ) -> None:
        self.settings = settings
        self.extra = extra
        self.max_age_s = max_age_s
        self._text = b""
        self._read_at = float("-inf")
        self._lock = threading.Lock()

    def render(self) -> bytes:
        with self._lock:
            if time.monotonic() - self._read_at > self.max_age_s:
                self._text = generate_latest(_Snapshot(self._gauges()))
                self._read_at = time.monotonic()
            return self._text

    def _gauges(self) -> list[Metric]:
        gauges = pipeline_gauges(self.settings)
        if self.extra is not None:
            try:
                gauges.extend(self.extra())
            except Exception as error:
                log.warning("pipeline metrics: a service's gauges failed: %r", error)
        return gauges


class _Snapshot(CollectorRegistry):
    """A registry that exposes a list of metric families read a moment ago."""

    def __init__(self, metrics: list[Metric]) -> None:
        super().__init__(auto_describe=False)
        self._metrics = metrics

    def collect(self):
        yield from self._metrics
