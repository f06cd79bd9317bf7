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

    def pause(self, seconds: float) -> bool:
        """Wait ``seconds`` unless stopped first; True if not stopped."""
        if seconds > 0:
            self._stopped.wait(min(seconds, threading.TIMEOUT_MAX))
        return not self._stopped.is_set()

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


class AdaptiveConcurrency:
    """How many calls may be in flight: found by probing, like TCP's congestion window.

    Additive increase, multiplicative decrease (AIMD). It starts at ``start`` and doubles per
    round trip (one more call per call that went through) until the first sign of congestion;
    after that it grows by one call per window's worth of calls that went through. A call that
    met throttling or a 5xx multiplies it by ``decrease``, once per round trip: calls started
    before the last decrease were sent at the old limit, so their throttling says nothing new.
    While calls take more than ``latency_factor`` times the fastest call seen (on a moving
    average over about ten calls, so that one slow call is noise), the endpoint is queueing
    them (a saturated server, not a quota): the limit shrinks by one call per round trip
    instead of growing (more calls in flight would only wait longer).

    Thread-safe; the clock is only read through ``started`` tickets, so it is pure.
    """

    def __init__(
        self,
        start: int = 1,
        maximum: int = 64,
        decrease: float = 0.7,
        latency_factor: float = 2.0,
    ) -> None:
        self.maximum = max(1, maximum)
        self._window = float(min(max(1, start), self.maximum))
        self._decrease = decrease
        self._latency_factor = latency_factor
        self._slow_start = True
        self._fastest: float | None = None
        self._typical: float | None = None  # a moving average of the calls' times
        self._warm = False
        self._ticket = 0
        self._last_decrease = 0
        self._lock = threading.Lock()
        self.peak = int(self._window)
        self.decreases = 0
        #: The limit when each call started (what the send settled at is read from it).
        self.history: list[int] = []

    @property
    def limit(self) -> int:
        """Calls that may be in flight now."""
        return int(self._window)

    def started(self) -> int:
        """A call starts: its ticket, to give back to :meth:`succeeded` or :meth:`congested`."""
        with self._lock:
            self._ticket += 1
            self.history.append(int(self._window))
            return self._ticket

    def succeeded(self, ticket: int, seconds: float, grow: bool = True) -> None:
        """A call went through without throttling or a 5xx, in ``seconds``; ``grow`` False
        when something else held it back (a rate cap): then the limit only learns its time."""
        with self._lock:
            if not self._warm:  # the first call pays the client's set-up: not a latency
                self._warm = True
                self._window = min(float(self.maximum), self._window + 1.0)
                self.peak = max(self.peak, int(self._window))
                return
            if self._fastest is None or seconds < self._fastest:
                self._fastest = seconds
            typical = seconds if self._typical is None else 0.9 * self._typical + 0.1 * seconds
            self._typical = typical
            if typical > self._latency_factor * max(self._fastest, 0.001):
                self._slow_start = False
                self._window = max(1.0, self._window - 1.0 / self._window)
                return
            if not grow:
                return
            step = 1.0 if self._slow_start else 1.0 / self._window
            self._window = min(float(self.maximum), self._window + step)
            self.peak = max(self.peak, int(self._window))

    def congested(self, ticket: int, partly: bool = False) -> None:
        """A call met throttling (per entry or whole) or a 5xx: back off, once per round trip.
        ``partly``: some of its entries were accepted, so the quota is about reached, not
        overrun: half the step back (x0.85 for the default 0.7)."""
        with self._lock:
            self._slow_start = False
            if ticket <= self._last_decrease:
                return  # sent before the last decrease, at the old limit
            factor = (1 + self._decrease) / 2 if partly else self._decrease
            self._window = max(1.0, self._window * factor)
            self._last_decrease = self._ticket
            self.decreases += 1

    def settled(self) -> int:
        """The limit the send settled at: the median over the later half of its calls."""
        with self._lock:
            later = sorted(self.history[len(self.history) // 2 :])
        return later[len(later) // 2] if later else self.limit
