"""The daemon threads a send's calls run on: results and errors reach the caller, finished
jobs are handed over, and idle threads are reused rather than one started per job."""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future

import pytest

from eventcomposer.core.daemon_pool import DaemonPool


def test_results_errors_and_the_finished_queue() -> None:
    pool = DaemonPool("test-pool")
    finished: queue.SimpleQueue[Future[int]] = queue.SimpleQueue()
    ok = pool.submit(lambda a, b: a + b, 2, 3, finished=finished)
    assert ok.result(timeout=5) == 5
    assert finished.get(timeout=5) is ok

    def fail() -> int:
        raise ValueError("no")

    bad = pool.submit(fail, finished=finished)
    with pytest.raises(ValueError, match="no"):
        bad.result(timeout=5)
    assert finished.get(timeout=5) is bad
    assert all(t.daemon for t in threading.enumerate() if t.name == "test-pool")


def test_idle_threads_are_reused_and_never_more_than_ran_at_once() -> None:
    pool = DaemonPool("reused-pool")
    release = threading.Event()
    at_once = [pool.submit(release.wait, 5) for _ in range(3)]  # three busy at the same time
    release.set()
    assert all(f.result(timeout=5) for f in at_once)
    for n in range(50):  # one after another: the three idle threads take them
        assert pool.submit(lambda n=n: n * 2).result(timeout=5) == n * 2
    assert sum(1 for t in threading.enumerate() if t.name == "reused-pool") == 3
