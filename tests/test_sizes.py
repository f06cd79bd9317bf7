"""Entry sizes counted exactly as PutEvents counts them."""

from __future__ import annotations

from eventcomposer.core.batching import plan_calls
from eventcomposer.core.entries import Entry
from eventcomposer.core.sizes import entry_size, format_bytes, request_size
from eventcomposer.core.validation import Limits


def test_size_counts_source_detail_type_detail_and_resources_in_utf8() -> None:
    entry = Entry(source="src", detail_type="tÿpe", detail='{"k":"é"}', resources=["ab", "c"])
    # 3 + 5 ("ÿ" is 2 bytes) + 10 ("é" is 2 bytes) + 2 + 1
    assert entry_size(entry) == 21


def test_time_counts_14_bytes_and_bus_and_trace_header_do_not_count() -> None:
    base = Entry(source="s", detail_type="d", detail="{}")
    assert entry_size(base) == 4
    assert entry_size(base.copy(time="2026-01-31T12:00:00.123456+02:00")) == 18
    assert entry_size(base.copy(event_bus_name="orders", trace_header="Root=1-abc")) == 4


def test_request_size_is_the_sum() -> None:
    entries = [Entry(source="s", detail_type="d", detail="{}")] * 3
    assert request_size(entries) == 12


def test_format_bytes() -> None:
    assert (format_bytes(512), format_bytes(2048), format_bytes(1_048_576)) == (
        "512 B",
        "2.0 KiB",
        "1.00 MiB",
    )


def test_calls_split_at_ten_entries_and_keep_order() -> None:
    entries = [Entry(source="s", detail_type="d", detail="{}")] * 25
    calls = plan_calls(entries)
    assert [len(c) for c in calls] == [10, 10, 5]
    assert [i for call in calls for i in call] == list(range(25))


def test_calls_split_at_the_size_limit() -> None:
    entries = [Entry(source="s", detail_type="d", detail='{"x":"' + "y" * 94 + '"}')] * 5
    assert entry_size(entries[0]) == 104
    assert plan_calls(entries, Limits(request_bytes=250)) == [[0, 1], [2, 3], [4]]
