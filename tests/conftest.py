"""Shared fixtures: one real local EventBridge (moto's server over HTTP) for the whole session.

moto keeps state per process, so the demo data is seeded once and tests that create buses or
rules use unique names. Delivered events are read back from the demo rules' SQS queues and told
apart by a unique marker the test puts in the event.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import Run
from hypothesis import HealthCheck, settings

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
PRESETS = ROOT / "presets"

# Hypothesis: a few hundred examples per property by default (the machine is shared; no test
# sets its own count); HYPOTHESIS_PROFILE=fuzz for the long run .ci/run also makes
# (10,000 examples per property, on the tests marked `fuzz`: `pytest -m fuzz`).
_SLOW_OK = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("default-ci", max_examples=200, **_SLOW_OK)
settings.register_profile("fuzz", max_examples=10_000, **_SLOW_OK)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default-ci"))

#: Modules whose tests take seconds each (subprocesses, servers, the AWS CLI, waiting on time):
#: marked `slow`, so `pytest -m "not slow"` is the quick loop while editing.
_SLOW_MODULES = {
    "test_stops",
    "test_tail",
    "test_tail_capture",
    "test_archives",
    "test_export_import",
    "test_faults_cli",
    "test_patterns_linear",
}


def pytest_configure(config: pytest.Config) -> None:
    """Signals as a terminal gives them, whoever started the suite. A shell without job
    control starts a background command (`pytest &`, `nohup pytest`) with SIGINT (or SIGHUP)
    ignored, and every process a test starts would inherit that: the tests that stop a send
    or a tail with Ctrl+C or SIGHUP would see it ignored, and wait for nothing. (Each xdist
    worker runs this too.)"""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if hasattr(signal, "SIGHUP") and signal.getsignal(signal.SIGHUP) is signal.SIG_IGN:
        signal.signal(signal.SIGHUP, signal.SIG_DFL)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Markers by what a test is: `fuzz` (Hypothesis), `tui` (drives the app), `slow`."""
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.fuzz)
        if "tui" in item.path.parts:
            item.add_marker(pytest.mark.tui)
        if item.path.stem in _SLOW_MODULES or "tui" in item.path.parts:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's AWS configuration or writes to their home."""
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_EVENTBRIDGE",
        "EVENTCOMPOSER_SIZE_LIMIT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


@pytest.fixture(scope="session")
def local_server() -> Iterator[Any]:
    """The embedded local EventBridge, seeded with the demo buses, rules and queues."""
    from eventcomposer.local.session import start_local

    server, settings = start_local(AwsSettings())
    server.settings = settings
    yield server
    server.stop()


@pytest.fixture
def local_settings(local_server: Any) -> AwsSettings:
    """Settings pointing at the local EventBridge (as ``--local`` would make them)."""
    return local_server.settings


@pytest.fixture
def events_client(local_settings: AwsSettings) -> Any:
    from eventcomposer.aws.client import client

    return client(local_settings, "events")


@pytest.fixture
def sqs_client(local_settings: AwsSettings) -> Any:
    from eventcomposer.aws.client import client

    return client(local_settings, "sqs")


@pytest.fixture
def marker() -> str:
    """A unique value to put in an event so that a test finds its own deliveries."""
    return f"test-{uuid.uuid4()}"


@pytest.fixture
def delivered(sqs_client: Any) -> Callable[..., list[dict[str, Any]]]:
    """``delivered(queue_name, marker)``: events in the queue whose JSON contains ``marker``.

    Waits up to ``timeout`` seconds for at least ``count`` of them. Tests run one at a time, so
    messages without the marker are stale leftovers of earlier tests and are deleted too; the
    demo queues are emptied before the test starts, so that a replay an earlier test sent to
    them (thousands of events) is never read through one message at a time.
    """
    for url in sqs_client.list_queues(QueueNamePrefix="demo-").get("QueueUrls", []):
        waiting = sqs_client.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]["ApproximateNumberOfMessages"]
        if int(waiting) > 50:  # (one purge a minute per queue, as in AWS)
            with contextlib.suppress(sqs_client.exceptions.PurgeQueueInProgress):
                sqs_client.purge_queue(QueueUrl=url)

    def read(queue: str, marker: str, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        url = sqs_client.get_queue_url(QueueName=queue)["QueueUrl"]
        found: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(found) < count:
            messages = sqs_client.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0, WaitTimeSeconds=0
            ).get("Messages", [])
            for message in messages:
                sqs_client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                if marker in message["Body"]:
                    found.append(json.loads(message["Body"]))
            if len(found) < count:
                time.sleep(0.05)
        return found

    return read


@pytest.fixture
def cli(
    local_settings: AwsSettings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Run:
    """Run the CLI in-process against the local EventBridge; returns (code, stdout, stderr)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")

    def run(*args: str, endpoint: bool | str = True) -> tuple[int, str, str]:
        """``endpoint``: True for the local EventBridge, a URL for another (a fault proxy),
        False for none (the command's own arguments decide)."""
        argv = list(args)
        if endpoint:
            url = local_settings.endpoint_url if endpoint is True else endpoint
            argv += ["--endpoint-url", url or "", "--region", "us-east-1"]
        code = main(argv)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def proxy(local_settings: AwsSettings) -> Iterator[Any]:
    """A fault-injecting proxy in front of the local EventBridge (tests/faultproxy.py)."""
    from faultproxy import FaultProxy

    with FaultProxy(local_settings.endpoint_url or "") as running:
        yield running


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: three workers per core. Much of the suite waits (servers, subprocesses, the
    TUI's timers, paced sends); more workers per core fill that time. (On 2 cores: 4 workers
    took 131 s, 6 took 117 s, 8 took 129 s, each worker paying its own start-up.)"""
    return 3 * (os.cpu_count() or 1)
