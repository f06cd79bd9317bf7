"""Benchmark: one realistic event against 300 compiled rules (EventBridge's per-bus rule quota).

Run by hand: ``.venv/bin/python bench/patterns.py [--repeat N]``. Prints medians over many
repetitions for compiling 300 patterns, ``CompiledPattern.matches`` over all 300, and
``explain`` over all 300, next to two baselines measured in the same run: ``json.loads`` of the
event, and a trivial loop over 300 exact-match dict lookups. Goal: matches over 300 <= 5 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300, help="repetitions per measurement")
    args = parser.parse_args(argv)
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
    return 0 if match_ms <= GOAL_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
