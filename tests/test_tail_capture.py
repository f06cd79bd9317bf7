"""Received events as a preset (pure): the entry that reproduces each event, and times."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from eventcomposer.core.capture import (
    CaptureError,
    entry_from_event,
    parse_moment,
    preset_from_events,
)
from eventcomposer.core.envelope import event_for_entry
from eventcomposer.core.presets import dump_preset, load_preset, parse_preset, save_preset
from eventcomposer.core.validation import validate_entries

EVENT = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "Order Placed",
    "source": "com.example.orders",
    "account": "111122223333",
    "time": "2026-11-30T12:34:56Z",
    "region": "eu-west-1",
    "resources": ["arn:aws:dynamodb:eu-west-1:111122223333:table/orders"],
    "detail": {"orderId": "o-1", "amount": 42.5, "tags": ["a", None, True], "big": 2**62},
}


def test_an_event_becomes_the_entry_that_produces_it() -> None:
    entry = entry_from_event(EVENT)
    assert entry.to_api() == {
        "Source": "com.example.orders",
        "DetailType": "Order Placed",
        "Resources": ["arn:aws:dynamodb:eu-west-1:111122223333:table/orders"],
        "Detail": '{"orderId":"o-1","amount":42.5,"tags":["a",null,true],'
        '"big":4611686018427387904}',
    }
    assert entry_from_event(EVENT, keep_time=True).time == "2026-11-30T12:34:56Z"
    # The round trip: the entry's envelope is the event again, but for what AWS adds.
    again = event_for_entry(
        entry_from_event(EVENT, keep_time=True),
        account=EVENT["account"],
        region=EVENT["region"],
        event_id=EVENT["id"],
    )
    assert again == EVENT


def test_the_preset_file_loads_validates_and_keeps_detail_exactly(tmp_path: Path) -> None:
    preset = preset_from_events([EVENT, {**EVENT, "detail": {}}], name="captured", bus="orders")
    path = tmp_path / "captured.yaml"
    save_preset(preset, path)
    loaded = load_preset(path)
    assert loaded.bus == "orders" and loaded.name == "captured"
    assert not validate_entries(loaded.entries)
    assert [e.to_api() for e in loaded.entries] == [e.to_api() for e in preset.entries]
    assert re.search(r"Detail:\n +orderId: o-1", path.read_text())  # a mapping, to edit
    assert "Time:" not in path.read_text()


def test_default_bus_is_left_out_and_nothing_to_capture_is_an_error() -> None:
    text = dump_preset(preset_from_events([EVENT], name="x", bus="default"))
    assert "bus:" not in text and parse_preset(text).bus is None
    with pytest.raises(CaptureError):
        preset_from_events([], name="x")
    with pytest.raises(CaptureError, match="not an EventBridge event"):
        entry_from_event({"hello": "world"})
    # A number past a double's range was read as infinity: said, not written as "Infinity".
    odd = {**EVENT, "detail": {"n": [1, float("inf")]}}
    with pytest.raises(CaptureError, match=r"event 2, detail\.n\[1\]: is infinite"):
        preset_from_events([EVENT, odd], name="x")


def test_moments_are_rfc_3339_or_relative_to_now() -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
    assert parse_moment("now", now) == now
    assert parse_moment("now-2h", now) == datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
    assert parse_moment("now+30m", now) == datetime(2026, 12, 1, 12, 30, tzinfo=timezone.utc)
    assert parse_moment("2026-12-01T13:00:00+01:00") == now
    with pytest.raises(ValueError, match="now-2h"):
        parse_moment("yesterday")


def test_capture_is_pure_core() -> None:
    """Like the rest of the core, capture imports neither the interfaces nor boto3."""
    import subprocess
    import sys

    code = (
        "import sys, eventcomposer.core.capture\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert not loaded & {"textual", "boto3", "botocore", "rich", "moto"}
