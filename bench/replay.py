"""Replay throughput: 2,000 events to one local EventBridge, three ways, in the same run.

1. ``eventcomposer send --entries file://...`` (a real process, as a user runs it);
2. a minimal hand-written boto3 loop in batches of 10 (also a real process, so both pay
   interpreter start and imports), plus both measured in-process without start-up;
3. ``aws events put-events`` in batches of 10 (awscli from the ``bench`` extra).

The server is ``eventcomposer local`` in its own process, so the clients don't share its GIL.
Then a replay at scale (``--replay N``, default 10,000): ``eventcomposer send PRESET --repeat``
unlimited, its summary's events/s next to a boto3 loop over as many events in the same run, and
``--rate 200`` over ``--paced`` events (default 2,000), whose summary must hold 200/s within 5%.
Then ``eventcomposer send PRESET`` of a ``--preset-events`` (default 5,000) entry preset next to
the boto3 loop over the same entries as JSON (goal: >= 1.0x), and that preset's load time with
the previous loader's work (PyYAML's node graph, an alias walk, the constructor) and now.
Run by hand: ``.venv/bin/python bench/replay.py [--events N] [--cli-events N] [--replay N]``;
``--only-preset`` runs only the preset part (about 30 s).

Then replay at the account's quota (``--quota-events``, default 20,000; ``--only-quota`` runs
only this part, about 40 s): through the latency-and-quota proxy of ``tests/faultproxy.py`` (40
ms per call, ``--quota-rate`` entries/s, default 1,500, throttling above it per entry or for the
whole call as PutEvents does), ``eventcomposer send PRESET --repeat N`` with default settings
(adaptive concurrency) beside a sequential boto3 loop over ``--quota-loop-events`` (default
2,000: at its latency it would take minutes for 20,000). The proxy counts every event forwarded
and accepted (an EventId from the local EventBridge) by the number in its Detail: each must be
accepted exactly once (goal: eventcomposer at >= 90% of the quota).
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the latency-and-quota proxy the tests use
ENV = {
    **os.environ,
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
}
BOTO3_LOOP = """
import json, sys, time, boto3
entries = json.load(open(sys.argv[1]))
client = boto3.client("events", endpoint_url=sys.argv[2])
failed = 0
started = time.perf_counter()
for i in range(0, len(entries), 10):
    failed += client.put_events(Entries=entries[i:i + 10])["FailedEntryCount"]
print(len(entries) / (time.perf_counter() - started))
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
    subprocess.run(
        command, check=True, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - started


REPLAY_PRESET = """\
entries:
  - Source: com.example.replay
    DetailType: Replayed
    Detail:
      n: "{{seq}}"
      id: "{{uuid}}"
      payload: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
"""


def summary_rate(command: list[str]) -> float:
    """Run ``eventcomposer send`` and read events/s from its summary (stderr)."""
    result = subprocess.run(command, check=True, env=ENV, capture_output=True, text=True)
    match = re.search(r"([\d,]+) events/s", result.stderr)
    if not match:
        raise SystemExit(f"no summary in: {result.stderr[-500:]}")
    return float(match.group(1).replace(",", ""))


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


def preset_text(count: int) -> str:
    """A preset of ``count`` entries, Detail as YAML mappings (as a captured replay has)."""
    lines = ["version: 1", "name: Bench", "entries:"]
    for i in range(count):
        lines += [
            "  - Source: com.example.bench",
            "    DetailType: Bench",
            "    Resources: [arn:aws:dynamodb:eu-west-1:123456789012:table/orders]",
            "    Detail:",
            f"      n: {i}",
            f'      orderId: "o-{i}"',
            "      amount: 42.5",
            "      customer: {id: c-1042, tier: gold, country: NO}",
            "      items:",
            "        - {sku: a-1, qty: 2}",
            f"      payload: {'x' * 40}",
        ]
    return "\n".join(lines) + "\n"


def load_seconds(text: str) -> tuple[float, float]:
    """(before, after): the preset's load time with the previous loader's work (PyYAML's
    composer building a node graph, a walk for aliases, then the constructor; libyaml's parser
    under it) and with eventcomposer's loader now (one pass over libyaml's events)."""
    import yaml

    from eventcomposer.core.presets import parse_preset

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def before() -> None:
        loader = loader_class(text)
        node = loader.get_single_node()
        seen, stack = set(), [node]
        while stack:  # the alias walk
            item = stack.pop()
            seen.add(id(item))
            if isinstance(item, yaml.MappingNode):
                for key, value in item.value:
                    stack.extend((key, value))
            elif isinstance(item, yaml.SequenceNode):
                stack.extend(item.value)
        loader.construct_document(node)
        loader.dispose()

    def timed_call(function: object) -> float:
        started = time.perf_counter()
        function()  # type: ignore[operator]
        return time.perf_counter() - started

    old = statistics.median(timed_call(before) for _ in range(3))
    new = statistics.median(timed_call(lambda: parse_preset(text)) for _ in range(3))
    return old, new


def preset_run(count: int, repeat: int, endpoint: str, tmp: Path) -> None:
    """``eventcomposer send`` of a ``count``-entry preset next to the boto3 loop a user would
    write for the same events, both real processes from start to finish, and the load times."""
    from eventcomposer.core.presets import parse_preset

    text = preset_text(count)
    preset = tmp / "preset.yaml"
    preset.write_text(text)
    entries = [e.to_api() for e in parse_preset(text).entries]
    as_json = tmp / "preset-entries.json"
    as_json.write_text(json.dumps(entries))
    loop_script = tmp / "loop.py"
    loop_script.write_text(BOTO3_LOOP)
    send = [str(BIN / "eventcomposer"), "send", str(preset), "--endpoint-url", endpoint]
    ours, loop, two = [], [], []
    for _ in range(repeat):  # interleaved, so all see the same server state
        ours.append(timed([*send, "--output", "json"]))
        loop.append(timed([sys.executable, str(loop_script), str(as_json), endpoint]))
        two.append(timed([*send, "--output", "json", "--concurrency", "2"]))
    ec, lp, c2 = statistics.median(ours), statistics.median(loop), statistics.median(two)
    before, after = load_seconds(text)
    size = len(text.encode())
    print(f"preset of {count:,} entries ({size / 1e6:.1f} MB), median of {repeat}")
    print(f"  load, before (node graph + alias walk + constructor) {before:>6.2f} s")
    print(f"  load, now (one pass over libyaml's events)           {after:>6.2f} s")
    print(f"  eventcomposer send PRESET (process)  {count / ec:>9,.0f} events/s ({ec:.2f} s)")
    print(f"  boto3 loop over its JSON (process)   {count / lp:>9,.0f} events/s ({lp:.2f} s)")
    print(f"  eventcomposer send --concurrency 2   {count / c2:>9,.0f} events/s ({c2:.2f} s)")
    print(f"  ratio eventcomposer/boto3 loop:      {lp / ec:.2f}x  (goal >= 1.0x)")
    print(f"  ratio with --concurrency 2:          {lp / c2:.2f}x")


def run_quota(args: argparse.Namespace, endpoint: str, tmp: Path) -> None:
    """:func:`quota_run` with the command line's settings."""
    quota_run(
        endpoint,
        args.quota_events,
        args.quota_rate,
        args.quota_delay,
        args.quota_loop_events,
        tmp,
    )


def quota_run(
    endpoint: str, events: int, quota: float, delay: float, loop_events: int, tmp: Path
) -> None:
    """eventcomposer send --repeat (default settings) and a sequential boto3 loop, each through
    its own latency-and-quota proxy, and the proxy's counts of what was accepted."""
    from collections import Counter

    from faultproxy import FaultProxy

    def marker(entry: dict[str, str]) -> object:
        return json.loads(entry["Detail"]).get("n")

    preset = tmp / "quota.yaml"
    preset.write_text(REPLAY_PRESET)
    with FaultProxy(endpoint, delay=delay, quota=quota or None, lifetime=600) as proxy:
        proxy.marker = marker
        command = [str(BIN / "eventcomposer"), "send", str(preset), "--repeat", str(events)]
        started = time.perf_counter()
        result = subprocess.run(
            [*command, "--endpoint-url", proxy.endpoint_url, "--output", "json"],
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        wall = time.perf_counter() - started
        forwarded, accepted = proxy.forwarded_markers, proxy.accepted_markers
        ids = proxy.accepted_ids
        ours = proxy.forwarded_rate()
        throttled = (proxy.throttled_entries, proxy.throttled_calls, len(proxy.calls))
    summary = result.stderr[result.stderr.find("Summary") :].rstrip()
    settled = re.search(r"settled at (\d+)", summary)
    many = [
        {
            "Source": "com.example.replay",
            "DetailType": "Replayed",
            "Detail": json.dumps({"n": i, "payload": "x" * 81}),
        }
        for i in range(1, loop_events + 1)
    ]
    (tmp / "loop.json").write_text(json.dumps(many))
    (tmp / "loop.py").write_text(BOTO3_LOOP)
    with FaultProxy(endpoint, delay=delay, quota=quota or None, lifetime=600) as loop_proxy:
        loop_proxy.marker = marker
        loop_run = subprocess.run(
            [sys.executable, str(tmp / "loop.py"), str(tmp / "loop.json"), loop_proxy.endpoint_url],
            check=True,
            env=ENV,
            capture_output=True,
            text=True,
        )
        loop_ok = loop_proxy.accepted_markers == Counter(range(1, loop_events + 1))
    loop = float(loop_run.stdout.split()[-1])
    once = Counter(range(1, events + 1))
    limit = f"{quota:,.0f} entries/s" if quota else "no quota"
    print(f"replay at the quota: {events:,} events, proxy {delay * 1000:.0f} ms per call, {limit}")
    print(f"  eventcomposer send --repeat (defaults), exit {result.returncode}, {wall:.1f} s")
    print(f"    at the proxy:     {ours:>9,.0f} events/s", end="")
    print(f"  ({ours / quota:.0%} of the quota; goal >= 90%)" if quota else "")
    print(f"    concurrency:      settled at {settled.group(1) if settled else '?'}")
    print(f"    throttled:        {throttled[0]:,} entries ({throttled[1]:,} whole calls)")
    print(f"    calls:            {throttled[2]:,} PutEvents calls for {events:,} events")
    print(f"    accepted once:    {sum(1 for n in once if accepted[n] == 1):,} of {events:,}")
    print(f"    accepted twice+:  {sum(1 for n in accepted if accepted[n] > 1):,}")
    print(f"    forwarded twice+: {sum(1 for n in forwarded if forwarded[n] > 1):,}")
    print(f"    EventIds:         {len(ids):,} ({len(set(ids)):,} distinct)")
    exactly_once = accepted == once and forwarded == once and len(set(ids)) == len(ids) == events
    print(f"    every event accepted exactly once: {'yes' if exactly_once else 'NO'}")
    print(f"  boto3 loop, sequential, {loop_events:,} events: {loop:>9,.0f} events/s", end="")
    print(f"  (each accepted once: {'yes' if loop_ok else 'NO'})")
    print(f"  ratio eventcomposer/boto3 loop:  {ours / loop:.1f}x")
    print("  " + "\n  ".join(summary.splitlines()))


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
    parser.add_argument(
        "--replay", type=int, default=10_000, help="events for the replay-at-scale run (0 skips it)"
    )
    parser.add_argument("--paced", type=int, default=2000, help="events for the --rate 200 run")
    parser.add_argument(
        "--preset-events",
        type=int,
        default=5000,
        help="entries of the preset sent as a file (0 skips it)",
    )
    parser.add_argument(
        "--only-preset", action="store_true", help="run only the preset part (under a minute)"
    )
    parser.add_argument("--quota-events", type=int, default=20_000, help="0 skips that part")
    parser.add_argument(
        "--quota-rate", type=float, default=1500, help="the proxy's quota, entries/s (0: none)"
    )
    parser.add_argument("--quota-delay", type=float, default=0.04, help="seconds per call")
    parser.add_argument("--quota-loop-events", type=int, default=2000)
    parser.add_argument(
        "--only-quota", action="store_true", help="run only the quota part (about 40 s)"
    )
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
    if args.only_quota or args.only_preset:
        try:
            with tempfile.TemporaryDirectory() as tmp:
                if args.only_quota:
                    run_quota(args, endpoint, Path(tmp))
                else:
                    preset_run(args.preset_events, args.repeat, endpoint, Path(tmp))
        finally:
            server.terminate()
            server.wait()
        return
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
            if args.preset_events:
                preset_run(args.preset_events, args.repeat, endpoint, Path(tmp))
            replay = paced = loop_replay = None
            if args.replay:
                preset = Path(tmp) / "replay.yaml"
                preset.write_text(REPLAY_PRESET)
                send = [
                    str(BIN / "eventcomposer"),
                    "send",
                    str(preset),
                    "--endpoint-url",
                    endpoint,
                    "--output",
                    "json",
                ]
                replay = summary_rate([*send, "--repeat", str(args.replay), "--rate", "0"])
                many = [
                    {
                        "Source": "com.example.replay",
                        "DetailType": "Replayed",
                        "Detail": json.dumps({"n": i, "payload": "x" * 81}),
                    }
                    for i in range(args.replay)
                ]
                (Path(tmp) / "many.json").write_text(json.dumps(many))
                loop_run = subprocess.run(
                    [sys.executable, str(loop_script), str(Path(tmp) / "many.json"), endpoint],
                    check=True,
                    env=ENV,
                    capture_output=True,
                    text=True,
                )
                loop_replay = float(loop_run.stdout.split()[-1])  # its sending time only
                paced = summary_rate([*send, "--repeat", str(args.paced), "--rate", "200"])
            if args.quota_events:
                run_quota(args, endpoint, Path(tmp))
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

    if replay and loop_replay and paced:
        print(f"replay of {args.replay:,} events (send --repeat, --rate 0), summary's figures:")
        print(f"  eventcomposer send --repeat               {replay:>9,.0f} events/s")
        print(f"  boto3 loop (same events, sending time)    {loop_replay:>9,.0f} events/s")
        print(
            f"  ratio:                                    {replay / loop_replay:.2f}x"
            "  (goal >= 0.9x; both time sending only)"
        )
        print(
            f"  --rate 200 over {args.paced:,} events:          {paced:>9,.1f} events/s"
            f"  ({(paced - 200) / 2:+.1f}% of 200; goal within 5%)"
        )


if __name__ == "__main__":
    main()
