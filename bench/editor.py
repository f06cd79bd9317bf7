"""Keystroke cost of the Detail editor against a stock ``TextArea(language="json")``.

Run by hand: ``.venv/bin/python bench/editor.py [--keys N] [--quick]``.

For each editor and document, a headless app (``App.run_test``) puts the cursor in the middle of
the document and measures, as medians over N keystrokes:

* ``press``: ``await pilot.press("x"); await pilot.pause()`` — a real key event through the app,
  the edit, and the screen refresh (includes Pilot's own fixed overhead);
* ``edit+render``: ``insert("x")`` plus rendering every visible line of the widget — the work a
  keystroke costs the editor itself, without the Pilot/event-loop overhead.

Documents are pretty-printed JSON of 1 KiB, 256 KiB and 1 MiB, plus a one-line 1 MiB document
whose last ``}`` is missing: being invalid, the editor can't pretty-print it, so every keystroke
lands in one 1 MiB line (the worst case; a valid one-liner is reformatted after the debounce).
Each measurement runs in its own subprocess (isolated, and killable: the stock editor needs
about a minute per keystroke on the one-line document, so it gets a time limit).

``--large`` measures the composer itself on a 2.5 MB Detail (issue 12): Ctrl+A and a paste of
it as one line until the model holds it and until the editor shows it pretty-printed, then F7
until the preview is on screen; wall and CPU seconds, the goal being under 1 s each.

It also checks that live validation stays off the keystroke path: the number of validations
during a burst of keystrokes (expected 0, then 1 after the pause) and the keystroke cost with
``check_detail`` replaced by a stub.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KIB = 1024
DOCUMENTS = {
    "1 KiB": (1 * KIB, False),
    "256 KiB": (256 * KIB, False),
    "1 MiB": (1024 * KIB, False),
    "1 MiB one line": (1024 * KIB, True),
}
SIZE = (100, 40)
STOCK_ONE_LINE_TIMEOUT = 60.0


def make_document(target: int, one_line: bool) -> str:
    """JSON text of about ``target`` bytes: pretty-printed, or one line missing its final brace."""
    items: list[dict[str, Any]] = []
    dumps = (lambda v: json.dumps(v)) if one_line else (lambda v: json.dumps(v, indent=2))
    text = dumps({"items": items})
    step = 1
    while len(text) < target:
        for _ in range(step):
            i = len(items)
            items.append(
                {
                    "id": i,
                    "name": f"item-{i}",
                    "tags": ["red", "größe-L"],
                    "price": 12.5 + i,
                    "active": i % 2 == 0,
                    "meta": None,
                }
            )
        text = dumps({"items": items})
        step = max(1, (target - len(text)) // 200)  # fewer re-dumps near small targets
    while len(text) > target and len(items) > 1:
        items.pop()
        text = dumps({"items": items})
    return text[:-1] if one_line else text


async def measure(kind: str, doc: str, keys: int, stub: bool) -> dict[str, Any]:
    """One cell of the table, in this process."""
    from textual.app import App, ComposeResult
    from textual.geometry import Region
    from textual.widgets import TextArea

    from eventcomposer.core.validation import DetailCheck
    from eventcomposer.tui.widgets.detail_editor import DetailEditor

    target, one_line = DOCUMENTS[doc]
    text = make_document(target, one_line)

    class Bench(App[None]):
        def compose(self) -> ComposeResult:
            if kind == "ours":
                yield DetailEditor(text)
            else:
                yield TextArea(text, language="json", soft_wrap=False, show_line_numbers=True)

    app = Bench()
    started = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = app.query_one(DetailEditor) if kind == "ours" else None
        area = editor.text_area if editor else app.query_one(TextArea)
        if editor and stub:
            editor.validator = lambda _text: DetailCheck({})
        load = time.perf_counter() - started
        row = area.document.line_count // 2
        area.focus()
        area.move_cursor((row, len(area.document[row]) // 2))
        await pilot.pause(0.5)  # let the initial validation finish
        await pilot.press("x")  # warm-up
        await pilot.pause(0.5)
        before = editor.validations if editor else 0
        presses = []
        gc.collect()
        for _ in range(keys):
            t0 = time.perf_counter()
            await pilot.press("x")
            await pilot.pause()
            presses.append(time.perf_counter() - t0)
        during = (editor.validations - before) if editor else None
        await pilot.pause(0.5)
        after = (editor.validations - before) if editor else None
        direct = []
        for _ in range(keys):
            t0 = time.perf_counter()
            area.insert("x")
            area.refresh()
            area.render_lines(Region(0, 0, area.size.width, area.size.height))
            direct.append(time.perf_counter() - t0)
        await pilot.pause(0.5)
    return {
        "press": statistics.median(presses) * 1000,
        "direct": statistics.median(direct) * 1000,
        "load": load * 1000,
        "validations_during_burst": during,
        "validations_after_pause": after,
        "bytes": len(text.encode()),
        "lines": text.count("\n") + 1,
    }


def run_cell(kind: str, doc: str, keys: int, stub: bool, timeout: float | None) -> dict[str, Any]:
    """Measure one cell in a subprocess; ``{"timeout": seconds}`` if it ran out of time."""
    command = [sys.executable, __file__, "--cell", kind, doc, "--keys", str(keys)]
    if stub:
        command.append("--stub")
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def large_document(target: int = 2_500_000) -> str:
    """One-line JSON of about ``target`` bytes: a list of small objects, as an API returns."""
    items: list[dict[str, Any]] = []
    text = ""
    while len(text) < target:
        base = len(items)
        items.extend(
            {"id": i, "name": f"item {i}", "tags": ["a", "b"], "price": i * 1.5}
            for i in range(base, base + 1000)
        )
        text = json.dumps({"items": items})
    return text


async def measure_large(text: str) -> dict[str, float]:
    """Paste ``text`` over the Detail of a composer (Ctrl+A, then the terminal's paste), then F7."""
    import os
    import tempfile

    from textual import events

    os.environ["EVENTCOMPOSER_STATE_DIR"] = tempfile.mkdtemp()
    os.environ["EVENTCOMPOSER_DATA_DIR"] = tempfile.mkdtemp()
    from eventcomposer.aws.settings import AwsSettings
    from eventcomposer.tui.app import EventComposerApp
    from eventcomposer.tui.screens.preview import PreviewScreen

    app = EventComposerApp(AwsSettings(profile="bench", region="eu-west-1"), tempfile.mkdtemp())
    out: dict[str, float] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        while not app.composer_ready:
            await pilot.pause(0.05)
        app.form.field("source").input.value = "com.example.orders"
        app.form.field("detail-type").input.value = "Order Placed"
        area = app.editor.text_area
        area.focus()
        area.select_all()
        await pilot.pause()
        wall, cpu = time.perf_counter(), time.process_time()
        app.post_message(events.Paste(text))  # as the terminal's bracketed paste arrives
        while len(app.state.entry.detail) < len(text) - 16:
            await pilot.pause(0.01)
        out["paste: in the model"] = time.perf_counter() - wall
        out["paste: in the model, cpu"] = time.process_time() - cpu
        while area.document.line_count == 1 and time.perf_counter() - wall < 60:
            await pilot.pause(0.01)
        out["paste: pretty-printed"] = time.perf_counter() - wall
        out["paste: pretty-printed, cpu"] = time.process_time() - cpu
        await workers_done(app, pilot)
        await pilot.pause(0.3)
        wall, cpu = time.perf_counter(), time.process_time()
        await pilot.press("f7")
        while not isinstance(app.screen, PreviewScreen):
            await pilot.pause(0.01)
        await pilot.pause()
        out["preview (F7): on screen"] = time.perf_counter() - wall
        out["preview (F7): on screen, cpu"] = time.process_time() - cpu
    return out


async def workers_done(app: Any, pilot: Any) -> None:
    """Wait for the app's workers; one cancelled meanwhile (an exclusive worker replaced by a
    newer run, as the rules panel's are) is not an error: wait for what replaced it."""
    from textual.worker import WorkerCancelled

    for _ in range(20):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            await pilot.pause()


def fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keys", type=int, default=30, help="keystrokes per measurement")
    parser.add_argument("--quick", action="store_true", help="skip stock on the one-line 1 MiB")
    parser.add_argument("--cell", nargs=2, metavar=("KIND", "DOC"), help=argparse.SUPPRESS)
    parser.add_argument("--stub", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--large", action="store_true", help="paste and preview a 2.5 MB Detail")
    args = parser.parse_args()
    if args.large:
        text = large_document()
        print(f"2.5 MB Detail ({len(text.encode()):,} bytes, one line), terminal 120x40, seconds")
        for name, seconds in asyncio.run(measure_large(text)).items():
            print(f"  {name:<32}{seconds:6.2f}")
        return
    if args.cell:
        kind, doc = args.cell
        print(json.dumps(asyncio.run(measure(kind, doc, args.keys, args.stub))))
        return

    results: dict[tuple[str, str], dict[str, Any]] = {}
    for doc, (_, one_line) in DOCUMENTS.items():
        results["ours", doc] = run_cell("ours", doc, args.keys, False, None)
        stock_keys = args.keys if DOCUMENTS[doc][0] <= 256 * KIB else 3
        if one_line:
            if args.quick:
                results["stock", doc] = {"skipped": True}
                continue
            results["stock", doc] = run_cell("stock", doc, 1, False, STOCK_ONE_LINE_TIMEOUT)
        else:
            results["stock", doc] = run_cell("stock", doc, stock_keys, False, None)
        print(f"measured {doc}", file=sys.stderr)
    stub = run_cell("ours", "1 MiB", args.keys, True, None)

    print(f"Keystroke cost, median of {args.keys} (stock at 1 MiB: 3; one-line: 1), ms")
    print(f"terminal {SIZE[0]}x{SIZE[1]}; stock = TextArea(language='json', soft_wrap=False)\n")
    header = (
        f"{'document':<16}{'lines':>7}  {'ours press':>11}{'ours e+r':>10}"
        f"{'stock press':>13}{'stock e+r':>11}{'stock/ours':>12}"
    )
    print(header)
    print("-" * len(header))
    for doc in DOCUMENTS:
        ours, stock = results["ours", doc], results["stock", doc]
        note = ""
        if "timeout" in stock:
            note = f"stock: no keystroke within {stock['timeout']:.0f} s (killed)"
        elif "skipped" in stock:
            note = "stock: skipped (--quick)"
        elif "error" in stock:
            note = f"stock: error {stock['error']}"
        ratio = (
            f"{stock['direct'] / ours['direct']:,.0f}x"
            if "direct" in stock and "direct" in ours
            else "—"
        )
        print(
            f"{doc:<16}{ours.get('lines', 0):>7,}  {fmt(ours.get('press')):>11}"
            f"{fmt(ours.get('direct')):>10}{fmt(stock.get('press')):>13}"
            f"{fmt(stock.get('direct')):>11}{ratio:>12}  {note}"
        )
    small, big = results["ours", "1 KiB"], results["ours", "1 MiB"]
    print(
        f"\nours 1 MiB / ours 1 KiB: press {big['press'] / small['press']:.2f}x, "
        f"edit+render {big['direct'] / small['direct']:.2f}x (goal <= 2x)"
    )
    print(
        f"validation off the keystroke path: validations during a burst of {args.keys} keys: "
        + ", ".join(
            f"{doc} {results['ours', doc]['validations_during_burst']}" for doc in DOCUMENTS
        )
        + "; after the 150 ms pause: "
        + ", ".join(f"{doc} {results['ours', doc]['validations_after_pause']}" for doc in DOCUMENTS)
    )
    print(
        f"1 MiB keystroke with check_detail {big['press']:.1f} ms press / {big['direct']:.1f} ms "
        f"e+r vs a validator stub {stub['press']:.1f} ms / {stub['direct']:.1f} ms"
    )
    print(
        "load (app start + mount, ms): "
        + ", ".join(
            f"{kind} {doc} {fmt(results[kind, doc].get('load'))}"
            for doc in DOCUMENTS
            for kind in ("ours", "stock")
        )
    )


if __name__ == "__main__":
    main()
