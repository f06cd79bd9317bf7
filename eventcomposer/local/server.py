"""moto's ThreadedMotoServer on a loopback port, speaking real HTTP to boto3."""

from __future__ import annotations

import contextlib
import io
import logging
from types import TracebackType
from typing import Any


class LocalServerUnavailable(RuntimeError):
    """The ``local`` extra (moto[server]) is not installed."""


class LocalEventBridge:
    """An in-process local EventBridge (and SQS, CloudWatch Logs) on 127.0.0.1.

    ``port=0`` picks a free port. moto keeps its state per process, so two servers in one
    process share buses and rules.
    """

    def __init__(self, port: int = 0, host: str = "127.0.0.1") -> None:
        self._host = host
        self._port = port
        self._server: Any = None  # moto.server.ThreadedMotoServer, imported when started
        self.endpoint_url = ""

    def start(self) -> str:
        """Start serving and return the endpoint URL."""
        try:
            from moto.server import ThreadedMotoServer
        except ImportError as exc:
            raise LocalServerUnavailable(
                "the embedded local EventBridge needs the 'local' extra: "
                "pip install 'eventcomposer[local]'"
            ) from exc
        from eventcomposer.local.matching import install

        install()  # rules match with our engine, as on AWS (see local/matching.py)
        # werkzeug logs every request; keep library chatter off stdout and the TUI.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        server = ThreadedMotoServer(ip_address=self._host, port=self._port, verbose=False)
        with contextlib.redirect_stdout(io.StringIO()):
            server.start()
        self._server = server
        host, port = server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        return self.endpoint_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> LocalEventBridge:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
