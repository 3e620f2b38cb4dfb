"""The adapter's own gauges for Prometheus, read at a scrape with the pipeline's
(hotel_shared.pipeline_metrics): is the circuit breaker to OPERA open, how much work waits."""

from __future__ import annotations

from prometheus_client.core import GaugeMetricFamily

from hotel_shared.config import ServiceSettings
from pms_adapter import rules
from pms_adapter.store import PmsStores


def sync_gauges(settings: ServiceSettings):
    """A function returning the gauges, for init_service(extra_metrics=...)."""

    def read() -> list[GaugeMetricFamily]:
        stores = PmsStores.from_settings(settings)
        health = stores.health()
        breaker = GaugeMetricFamily(
            "hotel_pms_breaker_open",
            "1 while the circuit breaker to the PMS is open (no call made), else 0",
        )
        breaker.add_metric([], 1 if health.get("breaker") == "open" else 0)
        work = GaugeMetricFamily(
            "hotel_pms_outbox_items",
            "Work for the PMS in pms_outbox: pending (waiting or retrying) and failed",
            labels=["state"],
        )
        work.add_metric(["pending"], stores.count_work(rules.PENDING))
        work.add_metric(["failed"], stores.count_work(rules.FAILED))
        return [breaker, work]

    return read
