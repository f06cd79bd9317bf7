"""Startup time: process start to the first interactive screen of ``eventcomposer --local``,
side by side with a minimal Textual app, in the same run.

Each app runs in a pseudo-terminal (120x40) with ``EVENTCOMPOSER_EXIT_ON_READY=1`` and
``EVENTCOMPOSER_READY_FILE`` set: on Textual's Ready event (the first frame is on screen) it
writes the wall-clock time and whether boto3 was imported, then exits. Runs are interleaved, so
machine noise hits both apps alike. Goal: the composer within 1.5x the minimal app, and boto3 not
imported before its first screen. The composer's Detail editor, presets tree and results grid
are mounted right after its first frame; the time until they are drawn is printed too. Both
run with bytecode cached (in a temporary folder, not in the repository), as for an installed
package, even when PYTHONDONTWRITEBYTECODE is set here.

    .venv/bin/python bench/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_RATIO = 1.5
PYCACHE = str(Path(tempfile.gettempdir()) / "eventcomposer-bench-pycache")


#: The baseline: a Textual app with a label and a footer that reports Ready the same way. Run
#: with ``python -c`` so that it imports nothing but Textual.
MINIMAL_APP = """
import json, os, sys, time
from pathlib import Path
from textual.app import App
from textual.widgets import Footer, Label

class Minimal(App):
    def compose(self):
        yield Label("minimal")
        yield Footer()

    def on_ready(self):
        Path(os.environ["EVENTCOMPOSER_READY_FILE"]).write_text(json.dumps(
            {"time": time.time(), "cpu": time.process_time(), "boto3": "boto3" in sys.modules}
        ))
        self.exit()

Minimal().run()
"""


def run_once(command: list[str], timeout: float = 60.0) -> dict[str, float | bool]:
    """Start ``command`` in a pty; return the seconds to its first screen and the boto3 flag."""
    with tempfile.TemporaryDirectory() as folder:
        ready = Path(folder) / "ready.json"
        env = dict(
            os.environ,
            EVENTCOMPOSER_EXIT_ON_READY="1",
            EVENTCOMPOSER_READY_FILE=str(ready),
            TERM=os.environ.get("TERM", "xterm-256color"),
            # Bytecode cached as an installed package has it (kept out of the repository).
            PYTHONPYCACHEPREFIX=PYCACHE,
        )
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        drained = threading.Event()

        def drain() -> None:  # the app blocks if nobody reads its screen output
            while True:
                try:
                    if not os.read(master, 65536):
                        break
                except OSError:
                    break
            drained.set()

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        started = time.time()
        process = subprocess.Popen(
            command, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, close_fds=True
        )
        os.close(slave)
        try:
            process.wait(timeout=timeout)
        finally:
            if process.poll() is None:
                process.kill()
            os.close(master)
        if not ready.exists():
            raise RuntimeError(
                f"{command} exited with {process.returncode} before its first screen"
            )
        data = json.loads(ready.read_text())
        return {
            "seconds": data["time"] - started,
            "cpu": float(data["cpu"]),
            "boto3": bool(data["boto3"]),
            "complete": data.get("complete_time", data["time"]) - started,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per app (default 15)")
    args = parser.parse_args()

    composer = [sys.executable, "-m", "eventcomposer.cli.main", "--local", "--presets", "presets"]
    minimal = [sys.executable, "-c", MINIMAL_APP]
    apps = (("minimal Textual app", minimal), ("eventcomposer --local", composer))
    results: dict[str, list[float]] = {name: [] for name, _ in apps}
    cpu: dict[str, list[float]] = {name: [] for name, _ in apps}
    complete: list[float] = []
    boto3_seen: list[bool] = []
    run_once(minimal)  # warm the file cache for both
    run_once(composer)
    for _ in range(args.runs):
        for name, command in apps:
            outcome = run_once(command)
            results[name].append(float(outcome["seconds"]))
            cpu[name].append(float(outcome["cpu"]))
            if name.startswith("eventcomposer"):
                boto3_seen.append(bool(outcome["boto3"]))
                complete.append(float(outcome["complete"]))

    print(f"startup to first interactive screen, {args.runs} runs each (120x40 pty)")
    print("  (wall: process start to first frame; cpu: the process's CPU time by then, which")
    print("   other load on the machine disturbs less)")
    medians, cpu_medians = {}, {}
    for name, samples in results.items():
        medians[name] = statistics.median(samples)
        cpu_medians[name] = statistics.median(cpu[name])
        print(
            f"  {name:<24} wall median {medians[name] * 1000:6.0f} ms "
            f"(min {min(samples) * 1000:4.0f}, max {max(samples) * 1000:4.0f})   "
            f"cpu median {cpu_medians[name] * 1000:6.0f} ms"
        )
    ratio = medians["eventcomposer --local"] / medians["minimal Textual app"]
    cpu_ratio = cpu_medians["eventcomposer --local"] / cpu_medians["minimal Textual app"]
    verdict = "ok" if ratio <= GOAL_RATIO else "OVER GOAL"
    print(f"  ratio wall {ratio:.2f}x, cpu {cpu_ratio:.2f}x (goal <= {GOAL_RATIO}x): {verdict}")
    print(
        f"  eventcomposer fully composed (Detail editor, presets tree, results grid mounted "
        f"and drawn): wall median {statistics.median(complete) * 1000:.0f} ms"
    )
    print(f"  boto3 in sys.modules at first screen: {any(boto3_seen)}")
    return 0 if ratio <= GOAL_RATIO and not any(boto3_seen) else 1


if __name__ == "__main__":
    sys.exit(main())
