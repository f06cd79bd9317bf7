"""Benchmark: 300 rules against one realistic event, and adversarial patterns and events.

Run by hand: ``.venv/bin/python bench/patterns.py [--repeat N] [--old-timeout S]``.

Part 1 prints medians over many repetitions for compiling 300 patterns (EventBridge's per-bus
rule quota), ``CompiledPattern.matches`` over all 300, and ``explain`` over all 300, next to two
baselines measured in the same run: ``json.loads`` of the event, and a trivial loop over 300
exact-match dict lookups. Goal: matches over 300 <= 5 ms.

Part 2 runs adversarial cases (every event within EventBridge's 1 MiB entry limit): for each,
compile + ``matches`` + ``explain`` with today's engine (goal <= 100 ms, the 240 KB value
<= 300 ms), side by side with the engine of commit 23ea613 (before the linear-time matcher),
loaded from git into a temporary package and run in a subprocess killed after ``--old-timeout``
seconds (reported as "> N s").
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eventcomposer.patterns import compile_pattern

RULES = 300
GOAL_MS = 5.0

EVENT: dict[str, Any] = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "Order Placed",
    "source": "com.example.orders",
    "account": "123456789012",
    "time": "2024-05-02T13:48:01Z",
    "region": "eu-west-1",
    "resources": [
        "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
        "arn:aws:s3:::example-invoices/2024/05/02/o-1001.pdf",
    ],
    "detail": {
        "orderId": "o-1001",
        "status": "PLACED",
        "channel": "web",
        "amount": 149.99,
        "currency": "EUR",
        "itemCount": 3,
        "priority": False,
        "coupon": None,
        "customer": {
            "id": "c-42",
            "tier": "gold",
            "country": "DE",
            "email": "ada@example.com",
            "sourceIp": "10.20.30.40",
        },
        "items": [
            {"sku": "SKU-RED-42", "qty": 1, "price": 49.99, "category": "shoes"},
            {"sku": "SKU-BLU-07", "qty": 2, "price": 50.0, "category": "socks"},
        ],
        "shipping": {"method": "express", "address": {"city": "Berlin", "zip": "10115"}},
        "invoice": {"file": "o-1001.pdf", "bucket": "example-invoices"},
        "tags": ["new-customer", "promo-may"],
    },
}

SOURCES = ["com.example.orders", "com.example.payments", "com.example.shipping", "aws.ec2"]
DETAIL_TYPES = ["Order Placed", "Order Cancelled", "Payment Settled", "Shipment Sent"]


def _condition(rng: random.Random) -> dict[str, Any]:
    """One detail-level condition, chosen from every operator family."""
    choice = rng.randrange(16)
    if choice == 0:
        return {"status": [rng.choice(["PLACED", "PAID", "CANCELLED"])]}
    if choice == 1:
        return {"status": [{"equals-ignore-case": rng.choice(["placed", "paid"])}]}
    if choice == 2:
        return {"status": [{"anything-but": ["CANCELLED", "FAILED"]}]}
    if choice == 3:
        low = rng.choice([0, 50, 100, 200])
        return {"amount": [{"numeric": [">=", low, "<", low + 100]}]}
    if choice == 4:
        return {"itemCount": [{"numeric": [">", rng.randrange(5)]}]}
    if choice == 5:
        return {"customer": {"tier": ["gold", "platinum"], "country": [{"anything-but": "US"}]}}
    if choice == 6:
        return {"customer": {"sourceIp": [{"cidr": rng.choice(["10.0.0.0/8", "192.168.0.0/16"])}]}}
    if choice == 7:
        return {"customer": {"email": [{"suffix": rng.choice(["@example.com", "@example.org"])}]}}
    if choice == 8:
        return {"invoice": {"file": [{"wildcard": "o-*.pdf"}]}}
    if choice == 9:
        return {"items": {"sku": [{"prefix": rng.choice(["SKU-RED", "SKU-GRN"])}]}}
    if choice == 10:
        return {"items": {"category": ["shoes"], "qty": [1]}}
    if choice == 11:
        return {"coupon": [None], "priority": [False]}
    if choice == 12:
        return {"shipping": {"method": [{"exists": True}]}, "giftWrap": [{"exists": False}]}
    if choice == 13:
        return {"$or": [{"channel": ["web"]}, {"amount": [{"numeric": [">", 500]}]}]}
    if choice == 14:
        return {"tags": [{"prefix": {"equals-ignore-case": "PROMO-"}}]}
    return {"shipping.address.city": [{"anything-but": {"prefix": "Ham"}}]}


def make_patterns(count: int = RULES, seed: int = 7) -> list[dict[str, Any]]:
    """``count`` rules as a bus would hold them: mostly source + detail-type + a few details."""
    rng = random.Random(seed)
    patterns = []
    for index in range(count):
        pattern: dict[str, Any] = {}
        # about a third of the rules are for this event's source, so matching goes deep
        if index % 3 == 0:
            pattern["source"] = ["com.example.orders"]
        elif index % 3 == 1:
            pattern["source"] = [rng.choice(SOURCES[1:])]
        else:
            pattern["source"] = [{"prefix": rng.choice(["com.example.", "aws."])}]
        if rng.random() < 0.7:
            pattern["detail-type"] = [rng.choice(DETAIL_TYPES)]
        detail: dict[str, Any] = {}
        for _ in range(rng.randrange(1, 4)):
            detail.update(_condition(rng))
        pattern["detail"] = detail
        if rng.random() < 0.2:
            pattern["resources"] = [{"wildcard": "arn:aws:dynamodb:*:table/orders"}]
        if rng.random() < 0.1:
            pattern["region"] = [{"anything-but": ["us-east-1", "us-west-2"]}]
        patterns.append(pattern)
    return patterns


def median_ms(run: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``run()`` in milliseconds (after one warm-up call)."""
    run()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        run()
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples) / 1e6


# --- part 2: adversarial cases ------------------------------------------------------------
OLD_COMMIT = "23ea613"


def _five_fields() -> tuple[Any, Any]:
    names = ["f1", "f2", "f3", "f4", "f5"]
    pattern = {"items": {name: ["x"] for name in names}}
    items = [{name: "x" for name in names[:4]} for _ in range(2001)] + [{"f5": "x"}]
    return pattern, {"items": items}


def _nested() -> tuple[Any, Any]:
    pattern = {"o": {"p": [1], "i": {"q": [1], "r": [1]}}}
    outer = [
        {"p": 1, "i": [{"q": 1} if j % 2 else {"r": 1} for j in range(100)]} for _ in range(100)
    ]
    return pattern, {"o": outer}


def _log_lines() -> str:
    line = "2024-05-02T13:48:01Z INFO ERROR request timeout after 30s; retry scheduled\n"
    return (line * (15_000 // len(line) + 1))[:15_000]


def _exists_false() -> tuple[Any, Any]:
    pattern = {"items": {"a": ["x"], "b": ["y"], "z": [{"exists": False}]}}
    items = [{"a": "x", "z": 1} for _ in range(1000)] + [{"b": "y", "z": 1} for _ in range(1000)]
    return pattern, {"items": items}


def _deep_dotted() -> tuple[Any, Any]:
    keys = [f"k{i}" for i in range(200)]
    event: Any = "v"
    for key in reversed(keys):
        event = {key: event}
    return {".".join(keys): ["v"]}, event


CASES: list[tuple[str, Any, float]] = [
    # (label, builder -> (pattern, event), goal in ms)
    (
        'wildcard "*a*b*c*z" vs "abcdefgh" x 256 (2 KB)',
        lambda: ({"a": [{"wildcard": "*a*b*c*z"}]}, {"a": "abcdefgh" * 256}),
        100,
    ),
    (
        "arn:aws:s3:::*/*/*/*.csv vs a key with 800 '/'",
        lambda: (
            {"resources": [{"wildcard": "arn:aws:s3:::*/*/*/*.csv"}]},
            {"resources": ["arn:aws:s3:::bucket/" + "d/" * 799 + "file.txt"]},
        ),
        100,
    ),
    (
        "*ERROR*timeout*retry*FATAL vs 15 KB of log lines",
        lambda: ({"log": [{"wildcard": "*ERROR*timeout*retry*FATAL"}]}, {"log": _log_lines()}),
        100,
    ),
    (
        "anything-but wildcard vs a 240 KB value",
        lambda: (
            {"a": [{"anything-but": {"wildcard": "*a*b*c*z"}}]},
            {"a": "abcdefgh" * 30_720},
        ),
        300,
    ),
    ("5 fields of one array element; 2,001 hold 4, 1 holds the 5th", _five_fields, 100),
    ("o.p + o.i.q + o.i.r over 100 x 100 nested arrays", _nested, 100),
    ("exists:false per element, 2,000 elements", _exists_false, 100),
    ("200-segment dotted key vs a 200-deep event", _deep_dotted, 100),
    (
        "suffix equals-ignore-case vs a 240 KB value",
        lambda: (
            {"a": [{"suffix": {"equals-ignore-case": "A" * 200 + "B"}}]},
            {"a": "a" * 245_000},
        ),
        300,
    ),
]


def _time_case(module: Any, index: int) -> float:
    """Milliseconds to compile the case's pattern and run matches + explain on its event."""
    pattern, event = CASES[index][1]()
    text = json.dumps(pattern)
    start = time.perf_counter()
    compiled = module.compile_pattern(text)
    verdict = compiled.matches(event)
    explained = compiled.explain(event).matched
    elapsed = (time.perf_counter() - start) * 1000
    assert verdict == explained, CASES[index][0]
    return elapsed


def _old_engine_dir() -> str | None:
    """Today's patterns package as of OLD_COMMIT, written to a temp folder as ``oldpatterns``."""
    root = Path(__file__).resolve().parents[1]
    try:
        names = subprocess.run(
            ["git", "ls-tree", "--name-only", OLD_COMMIT, "eventcomposer/patterns/"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return None
    folder = tempfile.mkdtemp(prefix="oldpatterns-")
    package = Path(folder) / "oldpatterns"
    package.mkdir()
    for name in names:
        source = subprocess.run(
            ["git", "show", f"{OLD_COMMIT}:{name}"], cwd=root, capture_output=True, check=True
        ).stdout
        (package / Path(name).name).write_bytes(source)
    return folder


def _run_old(folder: str, index: int, timeout: float) -> str:
    env = {**os.environ, "PYTHONPATH": folder}
    command = [sys.executable, __file__, "--old-case", str(index)]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"> {timeout:g} s"
    if done.returncode != 0:
        return "error"
    return f"{float(done.stdout.strip()):.1f} ms"


def adversarial(old_timeout: float) -> bool:
    import eventcomposer.patterns as current

    folder = _old_engine_dir() if old_timeout > 0 else None
    print()
    print(f"{'case':64} {'now':>10} {'goal':>8}  {'before (' + OLD_COMMIT + ')':>16}")
    ok = True
    for index, (label, _build, goal) in enumerate(CASES):
        now = min(_time_case(current, index) for _ in range(3))
        ok = ok and now <= goal
        old = _run_old(folder, index, old_timeout) if folder else "-"
        mark = "OK" if now <= goal else "MISSED"
        print(f"{label:64} {now:8.1f}ms {goal:6.0f}ms  {old:>16}  {mark}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300, help="repetitions per measurement")
    parser.add_argument(
        "--old-timeout",
        type=float,
        default=5.0,
        help="seconds before an old-engine case is killed (0: skip the old engine)",
    )
    parser.add_argument("--old-case", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.old_case is not None:  # run by adversarial() in a subprocess
        import oldpatterns  # type: ignore[import-not-found]

        print(_time_case(oldpatterns, args.old_case))
        return 0
    repeat = args.repeat

    patterns = make_patterns()
    texts = [json.dumps(pattern) for pattern in patterns]
    event_text = json.dumps(EVENT)
    compiled = [compile_pattern(text) for text in texts]
    matched = sum(rule.matches(EVENT) for rule in compiled)
    assert all(rule.explain(EVENT).matched == rule.matches(EVENT) for rule in compiled)

    # Baselines: a trivial exact-match loop (one dict lookup + set test per rule) and parsing.
    lookups = [
        ("source", frozenset([rng_source]))
        for rng_source in (SOURCES[i % len(SOURCES)] for i in range(RULES))
    ]

    def trivial() -> int:
        hits = 0
        for key, allowed in lookups:
            if EVENT.get(key) in allowed:
                hits += 1
        return hits

    def match_all() -> int:
        return sum(1 for rule in compiled if rule.matches(EVENT))

    def explain_all() -> int:
        return sum(1 for rule in compiled if rule.explain(EVENT).matched)

    def compile_all() -> None:
        for text in texts:
            compile_pattern(text)

    trivial_ms = median_ms(trivial, repeat)
    loads_ms = median_ms(lambda: json.loads(event_text), repeat)
    match_ms = median_ms(match_all, repeat)
    explain_ms = median_ms(explain_all, max(20, repeat // 5))
    compile_ms = median_ms(compile_all, max(5, repeat // 30))

    print(f"event: {len(event_text)} bytes of JSON; rules: {RULES} ({matched} match it)")
    print(f"baseline  json.loads(event)            {loads_ms * 1000:9.1f} us")
    print(f"baseline  300 exact dict lookups       {trivial_ms * 1000:9.1f} us")
    print(
        f"matches   300 compiled rules           {match_ms:9.3f} ms  "
        f"({match_ms * 1000 / RULES:.2f} us/rule; {match_ms / trivial_ms:.0f}x the lookup "
        f"loop, {match_ms / loads_ms:.1f}x json.loads)  goal <= {GOAL_MS} ms: "
        f"{'OK' if match_ms <= GOAL_MS else 'MISSED'}"
    )
    print(
        f"explain   300 compiled rules           {explain_ms:9.3f} ms  "
        f"({explain_ms * 1000 / RULES:.2f} us/rule)"
    )
    print(
        f"compile   300 patterns (JSON text)     {compile_ms:9.3f} ms  "
        f"({compile_ms * 1000 / RULES:.2f} us/pattern)"
    )
    cases_ok = adversarial(args.old_timeout)
    return 0 if match_ms <= GOAL_MS and cases_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
