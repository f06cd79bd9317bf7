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
"""

from __future__ import annotations

import http.client
import json
import socket
import struct
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

FailRule = Callable[[dict[str, Any]], "tuple[str, str] | None"]
_HOP_HEADERS = {"host", "content-length", "connection", "transfer-encoding", "keep-alive"}


class FaultProxy:
    """Forwards HTTP to ``upstream`` (an ``http://host:port`` URL) from a loopback port."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or 80
        self.fail_entry: FailRule | None = None
        self.calls: list[list[dict[str, Any]]] = []
        self.forwarded: list[list[dict[str, Any]]] = []
        self.fault_on: Callable[[int], str | None] | None = None
        self.slow_seconds = 2.5  # past the 1 s timeouts the tests set
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
        return self.endpoint_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

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
        failures: dict[int, tuple[str, str]] = {}
        request: dict[str, Any] = {}
        if target.endswith(".PutEvents") and body:
            request = json.loads(body)
            entries = request.get("Entries", [])
            with self._lock:
                self.calls.append(entries)
                rule = self.fail_entry
                fault = self.fault_on(len(self.calls)) if self.fault_on else None
            if fault in ("http500", "throttle"):
                self._answer_error(handler, fault)
                return
            if fault == "reset":
                self._reset(handler)
                return
            if rule is not None:
                for index, entry in enumerate(entries):
                    outcome = rule(entry)
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
            if request:
                with self._lock:
                    self.forwarded.append(request.get("Entries", []))
            if request and fault == "slow":
                time.sleep(self.slow_seconds)
        if failures and status == 200:
            payload = self._splice(payload, failures)
        handler.send_response(status)
        for key, value in response_headers.items():
            if key.lower() not in _HOP_HEADERS:
                handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(payload)
        handler.close_connection = True

    @staticmethod
    def _answer_error(handler: BaseHTTPRequestHandler, fault: str) -> None:
        status, code, message = {
            "http500": (500, "InternalException", "injected internal error"),
            "throttle": (400, "ThrottlingException", "Rate exceeded"),
        }[fault]
        payload = json.dumps({"__type": code, "message": message}).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/x-amz-json-1.1")
        handler.send_header("Content-Length", str(len(payload)))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(payload)
        handler.close_connection = True

    @staticmethod
    def _reset(handler: BaseHTTPRequestHandler) -> None:
        """Close with RST (SO_LINGER 0), as a crashed peer or a dropped NAT entry would."""
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
