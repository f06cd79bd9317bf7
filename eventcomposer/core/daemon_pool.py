"""Work on daemon threads that are kept between jobs: a send's calls and its chunk building.

Not a ThreadPoolExecutor: its threads are joined at exit, so a call left in flight by a second
Ctrl+C would keep the process alive until it timed out. Not a new thread per job either: on a
busy interpreter ``Thread.start`` waits for the new thread to be scheduled (a few ms of GIL
hand-over), and a send that starts hundreds of calls then spends its time starting threads
instead of keeping the endpoint busy. Idle threads wait here for the next job; a thread is
added only when none is idle, so there are never more than the most jobs ever run at once.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

_T = TypeVar("_T")

_Job = tuple[Future[Any], Callable[..., Any], tuple[Any, ...], "queue.SimpleQueue[Any] | None"]


class DaemonPool:
    """Runs jobs on daemon threads, reusing idle ones (thread-safe)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._idle = 0
        self._lock = threading.Lock()

    def submit(
        self,
        function: Callable[..., _T],
        *args: Any,
        finished: queue.SimpleQueue[Future[_T]] | None = None,
    ) -> Future[_T]:
        """Run ``function(*args)`` on a daemon thread; its future also goes on ``finished``
        (if given) once it is done, result or exception."""
        future: Future[_T] = Future()
        with self._lock:
            spawn = self._idle == 0
            if not spawn:
                self._idle -= 1  # an idle thread takes this job
        self._jobs.put((future, function, args, finished))
        if spawn:
            threading.Thread(target=self._work, name=self._name, daemon=True).start()
        return future

    def _work(self) -> None:
        while True:
            future, function, args, finished = self._jobs.get()
            if not future.set_running_or_notify_cancel():  # cancelled meanwhile
                self._done()
                continue
            try:
                result = function(*args)
            except BaseException as exc:  # handed to the waiting thread by result()
                self._done()
                future.set_exception(exc)
            else:
                self._done()
                future.set_result(result)
            if finished is not None:
                finished.put(future)

    def _done(self) -> None:
        """Idle again, before the caller hears of the result: a job it submits then is this
        thread's, not a new thread's."""
        with self._lock:
            self._idle += 1
