"""Pacing sends to a steady rate of events per second (thread-safe, and stoppable)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

#: How far behind schedule a caller may be and still keep the schedule, in seconds.
_SLACK = 0.25


class RateLimiter:
    """Spaces out work so that ``rate`` events per second are never exceeded on average.

    Each ``acquire(n)`` reserves the next ``n / rate`` seconds and waits until they have passed,
    so calls of 10 entries at 200 events/s go 50 ms apart. ``rate`` of 0 or None: no limit.

    The wait is on an Event, not ``time.sleep``: :meth:`stop` wakes every waiting caller at
    once, and ``acquire`` then answers False, so work waiting for its turn is never started.
    """

    def __init__(
        self,
        rate: float | None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        if rate is not None and (not math.isfinite(rate) or rate < 0):
            raise ValueError(f"a rate must be a finite number of events per second, not {rate}")
        self._interval = 1.0 / rate if rate else 0.0
        self._clock = clock
        self._stopped = threading.Event()
        self._sleep = sleep or self._stopped.wait
        self._next: float | None = None
        self._lock = threading.Lock()

    def stop(self) -> None:
        """Wake every caller waiting for its turn; from now on ``acquire`` answers False."""
        self._stopped.set()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def acquire(self, events: int = 1) -> bool:
        """Wait until ``events`` more fit the rate: a bucket that starts empty, so that any
        window from the first call on holds at most ``rate`` events per second.

        True when it is the caller's turn; False if the limiter was stopped before that."""
        if self._stopped.is_set():
            return False
        if not self._interval:
            return True
        with self._lock:
            now = self._clock()
            # A call that finished a little late doesn't push every later one back (no drift);
            # after a real pause, the schedule restarts rather than bursting to catch up.
            scheduled = self._next
            start = now if scheduled is None or scheduled < now - _SLACK else scheduled
            self._next = start + events * self._interval
            ready = self._next
        if ready > now:
            self._sleep(min(ready - now, threading.TIMEOUT_MAX))
        return not self._stopped.is_set()
