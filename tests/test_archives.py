"""``eventcomposer archives`` and ``replay-archive`` against the local EventBridge."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from helpers import Run

from eventcomposer.cli import archives_cmd

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def archived_bus(events_client: Any, sqs_client: Any) -> Iterator[tuple[str, str, str]]:
    """(bus, archive, queue): a fresh bus with an archive of everything and a rule to a queue."""
    suffix = uuid.uuid4().hex[:8]
    bus, archive, queue = f"arch-{suffix}", f"archive-{suffix}", f"replayed-{suffix}"
    arn = events_client.create_event_bus(Name=bus)["EventBusArn"]
    events_client.create_archive(ArchiveName=archive, EventSourceArn=arn)
    url = sqs_client.create_queue(QueueName=queue)["QueueUrl"]
    queue_arn = sqs_client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    events_client.put_rule(
        Name="all", EventBusName=bus, EventPattern=json.dumps({"source": ["com.archived"]})
    )
    events_client.put_targets(
        Rule="all",
        EventBusName=bus,
        Targets=[{"Id": "q", "Arn": queue_arn["Attributes"]["QueueArn"]}],
    )
    yield bus, archive, queue
    events_client.remove_targets(Rule="all", EventBusName=bus, Ids=["q"])
    events_client.delete_rule(Name="all", EventBusName=bus)
    events_client.delete_archive(ArchiveName=archive)
    sqs_client.delete_queue(QueueUrl=url)


def put(events_client: Any, bus: str, marker: str, count: int) -> None:
    for n in range(count):
        events_client.put_events(
            Entries=[
                {
                    "Source": "com.archived",
                    "DetailType": "Archived",
                    "Detail": json.dumps({"n": n, "marker": marker}),
                    "EventBusName": bus,
                }
            ]
        )


def test_archives_lists_the_bus_archives(
    cli: Run, events_client: Any, archived_bus: tuple[str, str, str], marker: str
) -> None:
    bus, archive, _ = archived_bus
    put(events_client, bus, marker, 2)
    code, out, err = cli("archives", "--bus", bus)
    assert code == 0, err
    cells = out.split()  # long names fold onto the next line in a narrow terminal
    assert "ENABLED" in cells and bus in cells and archive.startswith(cells[cells.index(bus) - 1])
    code, out, _ = cli("archives", "--bus", bus, "--output", "json")
    [row] = json.loads(out)["Archives"]
    assert row["ArchiveName"] == archive and row["EventCount"] == 2
    code, _, err = cli("archives", "--bus", "no-such-bus")
    assert code == 2 and "ResourceNotFoundException" in err


def test_replay_reaches_completed_and_the_events_arrive_again(
    cli: Run,
    events_client: Any,
    archived_bus: tuple[str, str, str],
    marker: str,
    delivered: Callable[..., list[dict[str, Any]]],
) -> None:
    bus, archive, queue = archived_bus
    put(events_client, bus, marker, 3)
    assert len(delivered(queue, marker, count=3)) == 3  # the original deliveries
    code, out, err = cli(
        "replay-archive", archive, "--from", "now-10m", "--to", "now+1m", "--output", "json"
    )
    assert code == 0, err
    status = json.loads(out)
    assert status["State"] == "COMPLETED" and status["ReplayName"].startswith(
        "eventcomposer-replay-"
    )
    assert status["Destination"].endswith(f"event-bus/{bus}")
    replayed = delivered(queue, marker, count=3)
    assert sorted(e["detail"]["n"] for e in replayed) == [0, 1, 2]
    assert all(e.get("replay-name") == status["ReplayName"] for e in replayed)


def test_progress_is_followed_and_ctrl_c_can_cancel(
    cli: Run,
    events_client: Any,
    archived_bus: tuple[str, str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The local replay completes at once; starting from a STARTING status makes the command
    follow it, and a Ctrl+C answered "yes" cancels it (exit 1, CANCELLED)."""
    from dataclasses import replace

    from eventcomposer.aws import archives

    real_start = archives.start_replay
    monkeypatch.setattr(
        archives,
        "start_replay",
        lambda *a, **k: replace(real_start(*a, **k), state="RUNNING"),
    )
    monkeypatch.setattr(archives_cmd, "POLL_SECONDS", 0.01)
    code, out, err = cli("replay-archive", archived_bus[1], "--from", "now-1h", "--to", "now")
    assert code == 0 and "COMPLETED" in out and "RUNNING" in err

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(archives_cmd, "_wait", interrupted)
    monkeypatch.setattr(archives_cmd, "_ask_cancel", lambda name: True)
    code, out, err = cli("replay-archive", archived_bus[1], "--from", "now-1h", "--to", "now")
    assert code == 1 and "CANCELLED" in out and "cancelling" in err

    # Not asked (no terminal): the replay is left to run, and how to cancel it is said.
    monkeypatch.setattr(archives_cmd, "_ask_cancel", lambda name: False)
    code, out, err = cli("replay-archive", archived_bus[1], "--from", "now-1h", "--to", "now")
    assert code == 1 and "aws events cancel-replay --replay-name" in err


def test_bad_times_and_unknown_archive_are_bad_input(cli: Run) -> None:
    code, _, err = cli("replay-archive", "x", "--from", "yesterday", "--to", "now")
    assert code == 2 and "RFC 3339" in err
    code, _, err = cli("replay-archive", "x", "--from", "now", "--to", "now-1h")
    assert code == 2 and "later" in err
    code, _, err = cli("replay-archive", "no-such-archive", "--from", "now-1h", "--to", "now")
    assert code == 2 and "ResourceNotFoundException" in err
