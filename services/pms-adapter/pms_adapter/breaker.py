"""A circuit breaker for the PMS: after repeated failures, stop calling for a while, then probe.

Closed: calls go through; `threshold` failures in a row open it. Open: calls are refused at once
until the cool-down ends (it doubles after each failed probe, up to `max_cooldown_s`). Half-open:
one probe call; success closes it, failure opens it again. The clock is injected for tests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


class CircuitBreaker:
    def __init__(
        self,
        threshold: int = 5,
        cooldown_s: float = 5.0,
        max_cooldown_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.threshold = threshold
        self.base_cooldown_s = cooldown_s
        self.max_cooldown_s = max_cooldown_s
        self.clock = clock
        self.failures = 0
        self.cooldown_s = cooldown_s
        self.opened_at: float | None = None
        self._probing = False
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return CLOSED
        return HALF_OPEN if self.clock() - self.opened_at >= self.cooldown_s else OPEN

    def allow(self) -> bool:
        """May a call go out now? In half-open, only one probe at a time."""
        with self._lock:
            state = self.state
            if state == CLOSED:
                return True
            if state == HALF_OPEN and not self._probing:
                self._probing = True
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            self.failures, self.opened_at, self._probing = 0, None, False
            self.cooldown_s = self.base_cooldown_s

    def record_failure(self) -> None:
        with self._lock:
            if self._probing:  # the probe failed: open again, longer
                self.cooldown_s = min(self.cooldown_s * 2, self.max_cooldown_s)
                self.opened_at, self._probing = self.clock(), False
                return
            self.failures += 1
            if self.failures >= self.threshold and self.opened_at is None:
                self.opened_at = self.clock()

    def seconds_until_probe(self) -> float:
        if self.opened_at is None:
            return 0.0
        return max(0.0, self.cooldown_s - (self.clock() - self.opened_at))
