"""Replay throughput: 2,000 events to one local EventBridge, three ways, in the same run.

1. ``eventcomposer send --entries file://...`` (a real process, as a user runs it);
2. a minimal hand-written boto3 loop in batches of 10 (also a real process, so both pay
   interpreter start and imports), plus both measured in-process without start-up;
3. ``aws events put-events`` in batches of 10 (awscli from the ``bench`` extra).

The server is ``eventcomposer local`` in its own process, so the clients don't share its GIL.
Run by hand: ``.venv/bin/python bench/replay.py [--events N] [--cli-events N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent
ENV = {
    **os.environ,
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
}
BOTO3_LOOP = """
import json, sys, boto3
entries = json.load(open(sys.argv[1]))
client = boto3.client("events", endpoint_url=sys.argv[2])
failed = 0
for i in range(0, len(entries), 10):
    failed += client.put_events(Entries=entries[i:i + 10])["FailedEntryCount"]
assert failed == 0
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [str(BIN / "eventcomposer"), "local", "--port", str(port), "--no-demo"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the local EventBridge did not start")


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, env=ENV, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def in_process(entries: list[dict[str, str]], endpoint: str) -> tuple[float, float]:
    """(boto3 loop, eventcomposer Sender) seconds, both in this process, clients made first."""
    import boto3

    from eventcomposer.aws.client import client
    from eventcomposer.aws.send import Sender
    from eventcomposer.aws.settings import AwsSettings
    from eventcomposer.core.entries import Entry

    raw = boto3.client("events", endpoint_url=endpoint)
    started = time.perf_counter()
    for i in range(0, len(entries), 10):
        raw.put_events(Entries=entries[i : i + 10])
    loop = time.perf_counter() - started

    sender = Sender(client(AwsSettings(endpoint_url=endpoint, region="us-east-1"), retries=False))
    batch = [Entry.from_api(e) for e in entries]
    started = time.perf_counter()
    report = sender.send(batch)
    ours = time.perf_counter() - started
    assert report.failed_count == 0
    return loop, ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument(
        "--cli-events",
        type=int,
        default=None,
        help="events for the AWS CLI (default: --events; it is slow)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per way; medians are shown")
    args = parser.parse_args()
    os.environ.update(ENV)  # the in-process clients read the same local credentials
    cli_events = args.cli_events or args.events
    entries = [
        {
            "Source": "com.example.bench",
            "DetailType": "Bench",
            "Detail": json.dumps({"n": i, "payload": "x" * 100}),
        }
        for i in range(args.events)
    ]
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = start_server(port)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "entries.json"
            path.write_text(json.dumps(entries))
            loop_script = Path(tmp) / "loop.py"
            loop_script.write_text(BOTO3_LOOP)
            ec = statistics.median(
                timed(
                    [
                        str(BIN / "eventcomposer"),
                        "send",
                        "--entries",
                        f"file://{path}",
                        "--endpoint-url",
                        endpoint,
                        "--output",
                        "json",
                    ]
                )
                for _ in range(args.repeat)
            )
            loop = statistics.median(
                timed([sys.executable, str(loop_script), str(path), endpoint])
                for _ in range(args.repeat)
            )
            pairs = [in_process(entries, endpoint) for _ in range(args.repeat)]
            loop_in = statistics.median(p[0] for p in pairs)
            ec_in = statistics.median(p[1] for p in pairs)
            aws = shutil.which("aws", path=str(BIN)) or shutil.which("aws")
            cli_rate = None
            if aws:
                started = time.perf_counter()
                for i in range(0, cli_events, 10):
                    chunk = Path(tmp) / "chunk.json"
                    chunk.write_text(json.dumps(entries[i : i + 10]))
                    subprocess.run(
                        [
                            aws,
                            "events",
                            "put-events",
                            "--entries",
                            f"file://{chunk}",
                            "--endpoint-url",
                            endpoint,
                        ],
                        check=True,
                        env=ENV,
                        stdout=subprocess.DEVNULL,
                    )
                cli_rate = cli_events / (time.perf_counter() - started)
    finally:
        server.terminate()
        server.wait()

    n = args.events
    rows = [
        ("eventcomposer send (process)", n / ec),
        ("boto3 loop (process)", n / loop),
        ("eventcomposer Sender (in-process)", n / ec_in),
        ("boto3 loop (in-process)", n / loop_in),
    ]
    if cli_rate:
        rows.append((f"aws events put-events ({cli_events} events)", cli_rate))
    print(f"{n} events, batches of 10, local EventBridge at {endpoint}, median of {args.repeat}")
    for name, rate in rows:
        print(f"  {name:<42} {rate:>9,.0f} events/s")
    print(f"  ratio eventcomposer/boto3 loop (process):    {loop / ec:.2f}x  (goal >= 0.9x)")
    print(f"  ratio eventcomposer/boto3 loop (in-process): {loop_in / ec_in:.2f}x")
    if cli_rate:
        print(
            f"  ratio eventcomposer/aws CLI:                 {(n / ec) / cli_rate:.1f}x"
            "  (goal >= 50x)"
        )
    else:
        print("  aws CLI not found: install the bench extra (pip install -e '.[bench]')")


if __name__ == "__main__":
    main()
