"""A fault-injecting HTTP proxy in front of the local EventBridge, for tests.

moto accepts almost any entry, so a test that needs one entry of a batch to fail *at the service*
puts this proxy between boto3 and moto. For PutEvents calls, entries for which ``fail_entry``
returns an (ErrorCode, ErrorMessage) pair are taken out of the request before it is forwarded
(so they are really not accepted), and the response gets that error spliced in at their position,
with FailedEntryCount adjusted: exactly the "HTTP 200 with failures inside" that AWS answers.
Every PutEvents request's entries are recorded in ``calls``; those that reached the local
EventBridge in ``forwarded``.

Request-level faults, for PutEvents calls only (bus checks and the rest pass through):
``fault_on`` maps the PutEvents call number (1, 2, ...) to one of
- ``"http500"``: an HTTP 500 InternalException, nothing forwarded;
- ``"throttle"``: an HTTP 400 ThrottlingException, nothing forwarded;
- ``"slow"``: forwarded (so accepted), answered ``slow_seconds`` late, past the client timeout;
- ``"reset"``: the connection is reset before anything is forwarded or answered;
or None for no fault.

    with FaultProxy(local_settings.endpoint_url) as proxy:
        proxy.fail_entry = lambda e: ("InternalFailure", "boom") if e["Source"] == "x" else None
        settings = replace(local_settings, endpoint_url=proxy.endpoint_url)

Latency and quota, as AWS has them (for tests and ``bench/replay.py``, which imports this file):
``delay`` seconds are added to every PutEvents call, and ``quota`` entries per second are let
through (a token bucket holding ``burst`` seconds of quota, empty at the start). A call that
finds the bucket empty is refused whole (HTTP 400 ``ThrottlingException``); one that finds
fewer tokens than entries has the rest of its entries throttled one by one (an HTTP 200 with
``ThrottlingException`` entries, not forwarded). ``marker(entry)`` names an entry (say a number
in its Detail): ``forwarded_markers`` and ``accepted_markers`` count how often each went to the
local EventBridge and got an EventId back, so that a test can check every event was accepted
exactly once; ``accepted_ids`` are the EventIds the local EventBridge answered.

The proxy listens on loopback only and stops by itself after ``lifetime`` seconds.
"""

from __future__ import annotations

import http.client
import json
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

FailRule = Callable[[dict[str, Any]], "tuple[str, str] | None"]
_HOP_HEADERS = {"host", "content-length", "connection", "transfer-encoding", "keep-alive"}


class FaultProxy:
    """Forwards HTTP to ``upstream`` (an ``http://host:port`` URL) from a loopback port."""

    def __init__(
        self,
        upstream: str,
        *,
        delay: float = 0.0,
        quota: float | None = None,
        burst: float = 0.1,
        lifetime: float = 600.0,
    ) -> None:
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or 80
        self.fail_entry: FailRule | None = None
        self.calls: list[list[dict[str, Any]]] = []
        self.forwarded: list[list[dict[str, Any]]] = []
        self.fault_on: Callable[[int], str | None] | None = None
        self.slow_seconds = 2.5  # past the 1 s timeouts the tests set
        self.delay = delay
        self.quota = quota
        self.burst = burst
        self.lifetime = lifetime
        self.marker: Callable[[dict[str, Any]], Any] | None = None
        self.forwarded_markers: Counter[Any] = Counter()
        self.accepted_markers: Counter[Any] = Counter()
        self.accepted_ids: list[str] = []
        self.throttled_entries = 0
        self.forwarded_entries = 0
        self.throttled_calls = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.arrivals: list[tuple[float, int]] = []  # (when, entries) of each PutEvents call
        #: Operations other than PutEvents answered with AccessDeniedException (e.g.
        #: "DescribeEventBus": a bus the credentials may send to but not describe).
        self.denied: set[str] = set()
        self._tokens = 0.0
        self._refilled: float | None = None
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.endpoint_url = ""

    def fail_source(
        self, source: str, code: str = "InternalFailure", message: str = "injected failure"
    ) -> None:
        """Fail every entry from ``source`` with ``code`` (the others pass)."""
        self.fail_entry = lambda entry: (code, message) if entry.get("Source") == source else None

    def start(self) -> str:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                proxy._handle(self)

            def do_GET(self) -> None:
                proxy._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.endpoint_url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self._timer = threading.Timer(self.lifetime, self.stop)  # bounded, whatever happens
        self._timer.daemon = True
        self._timer.start()
        return self.endpoint_url

    def stop(self) -> None:
        with self._lock:
            server, self._server = self._server, None
            timer, self._timer = self._timer, None
        if timer is not None and timer is not threading.current_thread():
            timer.cancel()
        if server is not None:
            server.shutdown()
            server.server_close()

    def request_rate(self) -> float:
        """Entries per second the client sent, from when its PutEvents calls arrived.

        Calls paced at ``rate`` start ``entries / rate`` apart, so the entries of every call
        but the last are what the span from the first arrival to the last one carried."""
        if len(self.arrivals) < 2:
            return 0.0
        span = self.arrivals[-1][0] - self.arrivals[0][0]
        carried = sum(entries for _, entries in self.arrivals[:-1])
        return carried / span if span > 0 else 0.0

    def _take(self, wanted: int) -> int:
        """Entries of a call of ``wanted`` the quota lets through now (all without a quota)."""
        if self.quota is None:
            return wanted
        with self._lock:
            now = time.monotonic()
            if self._refilled is not None:
                capacity = max(1.0, self.quota * self.burst)
                self._tokens = min(capacity, self._tokens + (now - self._refilled) * self.quota)
            self._refilled = now
            granted = min(wanted, int(self._tokens))
            self._tokens -= granted
            return granted

    def __enter__(self) -> FaultProxy:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- forwarding -----------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP_HEADERS}
        target = handler.headers.get("X-Amz-Target", "")
        if target.endswith(".PutEvents") and body:
            with self._lock:
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
            handler.in_flight = True  # type: ignore[attr-defined]
            try:
                self._put_events(handler, headers, body)
            finally:
                self._landed(handler)
            return
        if target.rpartition(".")[2] in self.denied:
            self._answer_error(handler, "denied")
            return
        status, response_headers, payload = self._forward(handler, headers, body)
        self._answer(handler, status, response_headers, payload)

    def _put_events(
        self, handler: BaseHTTPRequestHandler, headers: dict[str, str], body: bytes
    ) -> None:
        failures: dict[int, tuple[str, str]] = {}
        request: dict[str, Any] = json.loads(body)
        entries = request.get("Entries", [])
        with self._lock:
            self.calls.append(entries)
            self.arrivals.append((time.monotonic(), len(entries)))
            rule = self.fail_entry
            fault = self.fault_on(len(self.calls)) if self.fault_on else None
        if self.delay:
            time.sleep(self.delay)
        if fault in ("http500", "throttle"):
            self._answer_error(handler, fault)
            return
        if fault == "reset":
            self._reset(handler)
            return
        granted = self._take(len(entries))
        if entries and granted == 0:
            with self._lock:
                self.throttled_calls += 1
                self.throttled_entries += len(entries)
            self._answer_error(handler, "throttle")
            return
        for index in range(granted, len(entries)):
            failures[index] = ("ThrottlingException", "Rate exceeded")
        with self._lock:
            self.throttled_entries += len(entries) - granted
        if rule is not None:
            for index, entry in enumerate(entries):
                outcome = rule(entry) if index not in failures else None
                if outcome:
                    failures[index] = outcome
        if failures:
            request["Entries"] = [e for i, e in enumerate(entries) if i not in failures]
            body = json.dumps(request).encode()
        if failures and not request["Entries"]:
            # Every entry fails: nothing to forward (an empty PutEvents is itself an error).
            status, response_headers = 200, {"Content-Type": "application/x-amz-json-1.1"}
            payload = json.dumps({"FailedEntryCount": 0, "Entries": []}).encode()
        else:
            status, response_headers, payload = self._forward(handler, headers, body)
            self._count(request.get("Entries", []), status, payload)
            if fault == "slow":
                time.sleep(self.slow_seconds)
        if failures and status == 200:
            payload = self._splice(payload, failures)
        self._answer(handler, status, response_headers, payload)

    def _count(self, sent: list[dict[str, Any]], status: int, payload: bytes) -> None:
        """Record entries forwarded, and those the local EventBridge accepted (an EventId)."""
        answered: list[dict[str, Any]] = []
        if status == 200:
            try:
                answered = json.loads(payload or b"{}").get("Entries", [])
            except ValueError:
                answered = []
        with self._lock:
            self.forwarded.append(sent)
            self.forwarded_entries += len(sent)
            for position, entry in enumerate(sent):
                key = self.marker(entry) if self.marker else None
                result = answered[position] if position < len(answered) else {}
                if key is not None:
                    self.forwarded_markers[key] += 1
                if result.get("EventId") and not result.get("ErrorCode"):
                    self.accepted_ids.append(result["EventId"])
                    if key is not None:
                        self.accepted_markers[key] += 1

    def _landed(self, handler: BaseHTTPRequestHandler) -> None:
        """A PutEvents call stops being in flight once its answer starts on the wire.

        Counted before the first byte is written, not after the last: the client may read the
        answer and start its next call before this thread runs again, and that call must not
        look concurrent with this one.
        """
        if getattr(handler, "in_flight", False):
            handler.in_flight = False  # type: ignore[attr-defined]
            with self._lock:
                self.in_flight -= 1

    def _answer(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        response_headers: dict[str, str],
        payload: bytes,
    ) -> None:
        self._landed(handler)
        handler.send_response(status)
        for key, value in response_headers.items():
            if key.lower() not in _HOP_HEADERS:
                handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(payload)
        handler.close_connection = True

    def _answer_error(self, handler: BaseHTTPRequestHandler, fault: str) -> None:
        self._landed(handler)
        status, code, message = {
            "http500": (500, "InternalException", "injected internal error"),
            "throttle": (400, "ThrottlingException", "Rate exceeded"),
            "denied": (400, "AccessDeniedException", "injected: not authorized"),
        }[fault]
        payload = json.dumps({"__type": code, "message": message}).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/x-amz-json-1.1")
        handler.send_header("Content-Length", str(len(payload)))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(payload)
        handler.close_connection = True

    def _reset(self, handler: BaseHTTPRequestHandler) -> None:
        """Close with RST (SO_LINGER 0), as a crashed peer or a dropped NAT entry would."""
        self._landed(handler)
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.close_connection = True
        handler.connection.close()

    def _forward(
        self, handler: BaseHTTPRequestHandler, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=30)
        try:
            headers["Host"] = f"{self.upstream_host}:{self.upstream_port}"
            headers["Content-Length"] = str(len(body))
            connection.request(handler.command, handler.path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    @staticmethod
    def _splice(payload: bytes, failures: dict[int, tuple[str, str]]) -> bytes:
        response = json.loads(payload or b"{}")
        accepted = iter(response.get("Entries", []))
        total = len(response.get("Entries", [])) + len(failures)
        entries = []
        for index in range(total):
            if index in failures:
                code, message = failures[index]
                entries.append({"ErrorCode": code, "ErrorMessage": message})
            else:
                entries.append(next(accepted, {}))
        response["Entries"] = entries
        response["FailedEntryCount"] = sum(1 for e in entries if "ErrorCode" in e)
        return json.dumps(response).encode()
