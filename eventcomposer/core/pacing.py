"""Pacing sends to a steady rate of events per second (thread-safe)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

#: How far behind schedule a caller may be and still keep the schedule, in seconds.
_SLACK = 0.25


class RateLimiter:
    """Spaces out work so that ``rate`` events per second are never exceeded on average.

    Each ``acquire(n)`` reserves the next ``n / rate`` seconds and sleeps until they have passed,
    so calls of 10 entries at 200 events/s go 50 ms apart. ``rate`` of 0 or None: no limit.
    """

    def __init__(
        self,
        rate: float | None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._interval = 1.0 / rate if rate else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next: float | None = None
        self._lock = threading.Lock()

    def acquire(self, events: int = 1) -> None:
        """Wait until ``events`` more fit the rate: a bucket that starts empty, so that any
        window from the first call on holds at most ``rate`` events per second."""
        if not self._interval:
            return
        with self._lock:
            now = self._clock()
            # A call that finished a little late doesn't push every later one back (no drift);
            # after a real pause, the schedule restarts rather than bursting to catch up.
            behind = self._next is None or self._next < now - _SLACK
            start = now if behind else self._next
            self._next = start + events * self._interval
            ready = self._next
        if ready > now:
            self._sleep(ready - now)
