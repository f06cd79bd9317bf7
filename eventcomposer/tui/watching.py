"""The Tail and Archives screens' I/O, app-side: the screens only display and ask the app through
``WatchRequest`` messages; the work runs here, in the app's thread workers (``Backend.run``), and
what it finds goes back to the screens' ``show_*`` methods on the UI thread.

Tail: remove what earlier tails left, create the temporary rule and queue, poll the queue and hand
each event over with its rules' verdicts; save captures as presets in ``captured/``. The rule and
queue are removed when the screen closes (by the worker, once it stops polling) and when the app
ends, however it ends: ``stop_all``, from the app's unmount (which runs on a quit and on a crash),
removes them right there on the UI thread, as the workers may not get to it.

Archives: list a bus's archives, start a replay and follow it until it ends or the screen
closes (the replay itself goes on in EventBridge), cancel it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from eventcomposer.core.composer import DEFAULT_BUS
from eventcomposer.tui.backend import problem_text

if TYPE_CHECKING:
    from textual.app import App

    from eventcomposer.aws.settings import AwsSettings
    from eventcomposer.aws.tail import CleanupReport, Tail
    from eventcomposer.tui.app import EventComposerApp
    from eventcomposer.tui.backend import Backend
    from eventcomposer.tui.messages import WatchRequest
    from eventcomposer.tui.screens.archives import ArchivesScreen
    from eventcomposer.tui.screens.tail import TailScreen

#: Seconds between two DescribeReplay calls while a replay runs.
POLL_SECONDS = 2.0
STILL_STARTING = "the local EventBridge is still starting; try again in a moment."


def removed_text(report: CleanupReport | None) -> str:
    """What a tail removed when it ended, and what it could not (with how to do it by hand)."""
    if report is None:
        return "Nothing was created."
    text = f"Removed {', '.join(report.removed)}." if report.removed else ""
    if report.failed:
        text += f" Not removed: {'; '.join(report.failed)}"
    return text.strip()


class _Tailing:
    """One Tail screen's tail: its stop signal and, once made, the Tail (the rule and queue)."""

    def __init__(self, screen: TailScreen) -> None:
        self.screen = screen
        self.stop = threading.Event()
        self.tail: Tail | None = None

    def close(self) -> CleanupReport | None:
        """Remove the rule and queue; safe to call again, from any thread."""
        tail = self.tail
        return tail.close() if tail is not None else None


class Watching:
    """The app-side workers of the Tail and Archives screens. ``presets_dir`` is where captures
    are saved (in its ``captured/``); ``saved`` is called with each capture's path."""

    def __init__(
        self,
        app: App[Any],
        backend: Backend,
        presets_dir: str | Path,
        saved: Callable[[Path], object] | None = None,
    ) -> None:
        self.app = app
        self.backend = backend
        self.presets_dir = Path(presets_dir)
        self.saved = saved
        self._tails: dict[TailScreen, _Tailing] = {}
        #: Each Archives screen's signal to stop following its replay.
        self._replays: dict[ArchivesScreen, threading.Event] = {}
        self._lock = threading.Lock()
        self._ending = False

    # -- from the composer ----------------------------------------------------------------------

    def open(self, what: str) -> None:
        """The composer's Ctrl+T ("tail") and Ctrl+G ("archives"): the Tail or the Archives
        screen on the batch's bus, with the settings in use."""
        # The screens (and the pattern engine) are imported when first used, not at start-up.
        from eventcomposer.tui.screens.archives import ArchivesScreen
        from eventcomposer.tui.screens.tail import TailScreen

        app = cast("EventComposerApp", self.app)
        title = "Tail" if what == "tail" else "Archives"
        if self.backend.active is None:
            app.set_status(f"{title} not opened: {STILL_STARTING}", error=True)
            return
        bus = app.state.bus or DEFAULT_BUS
        app.push_screen(TailScreen(bus) if what == "tail" else ArchivesScreen(bus))

    def handle(self, request: WatchRequest) -> None:
        """What a Tail or Archives screen asks for (on the UI thread; returns at once)."""
        from eventcomposer.tui.screens.archives import ArchivesScreen
        from eventcomposer.tui.screens.tail import TailScreen

        match request:
            case TailScreen.Opened(screen=screen):
                self._start_tail(screen)
            case TailScreen.CaptureRequested():
                self._capture(request)
            case TailScreen.Closed(screen=screen):
                tailing = self._tails.get(screen)
                if tailing is not None:
                    tailing.stop.set()  # the worker removes the rule and queue
            case ArchivesScreen.Opened(screen=screen):
                self._list_archives(screen)
            case ArchivesScreen.ReplayRequested():
                self._replay(request)
            case ArchivesScreen.CancelRequested():
                self._cancel(request)
            case ArchivesScreen.Closed(screen=screen):
                with self._lock:
                    stop = self._replays.pop(screen, None)
                if stop is not None:
                    stop.set()

    def stop_all(self) -> None:
        """The app is ending (a quit or a crash): stop following replays, stop every tail and
        remove its rule and queue now, on this thread (the workers may not get to it)."""
        self._ending = True
        with self._lock:
            tails = list(self._tails.values())
            replays = list(self._replays.values())
        for stop in replays:
            stop.set()
        for tailing in tails:
            tailing.stop.set()
            tailing.close()

    # -- tail -----------------------------------------------------------------------------------

    def _start_tail(self, screen: TailScreen) -> None:
        settings = self.backend.active
        if settings is None:
            screen.show_failed(STILL_STARTING)
            return
        if self._ending:
            return
        tailing = _Tailing(screen)
        with self._lock:
            self._tails[screen] = tailing
        self.backend.run(lambda: self._tail(tailing, settings), "tail", exclusive=False)

    def _to_screen(self, tailing: _Tailing, callback: Callable[..., object], *args: Any) -> None:
        """Run ``callback`` on the UI thread, unless the tail stopped and its screen is gone, or
        the app is gone."""
        if tailing.stop.is_set() and not tailing.screen.is_attached:
            return
        with contextlib.suppress(Exception):  # the app is closing: nothing left to show
            self.app.call_from_thread(callback, *args)

    def _tail(self, tailing: _Tailing, settings: AwsSettings) -> None:
        """The worker: create the rule and queue, poll until stopped, and always remove them."""
        from eventcomposer.aws.tail import MATCH_ALL, Tail, watched_rules
        from eventcomposer.aws.tail_cleanup import clean_earlier_tails
        from eventcomposer.core.rule_matching import evaluate_rules

        screen = tailing.screen
        failed = False
        try:
            events = self.backend.client(settings, "events")
            sqs = self.backend.client(settings, "sqs")
            clean_earlier_tails(
                events,
                sqs,
                screen.bus,
                say=lambda m: self._to_screen(tailing, screen.show_notice, m),
            )
            rules = watched_rules(events, screen.bus)
            tailing.tail = Tail(events, sqs, screen.bus, screen.pattern or MATCH_ALL)
            if tailing.stop.is_set():
                return
            tailing.tail.start()
            self._to_screen(tailing, screen.show_tailing, tailing.tail.name)
            while not tailing.stop.is_set():
                for event in tailing.tail.receive(1):
                    self._to_screen(tailing, screen.show_event, event, evaluate_rules(rules, event))
        except Exception as exc:  # AwsProblem, or a bug: never a rule or queue left behind
            failed = True
            self._to_screen(tailing, screen.show_failed, problem_text(exc))
        finally:
            report = tailing.close()
            with self._lock:
                self._tails.pop(screen, None)
            if not failed:
                self._to_screen(tailing, screen.show_stopped, removed_text(report))
            if report is not None and not self._ending and not screen.is_attached:
                self._closed_note(report)

    def _closed_note(self, report: CleanupReport) -> None:
        """The Tail screen was closed: say what was removed, and above all what was not."""
        if not (report.removed or report.failed):
            return
        severity = "error" if report.failed else "information"
        with contextlib.suppress(Exception):
            self.app.call_from_thread(
                self.app.notify,
                removed_text(report),
                title="Tail stopped",
                severity=severity,
                timeout=15 if report.failed else 4,
            )

    def _capture(self, request: TailScreen.CaptureRequested) -> None:
        """Save the events as a preset in captured/, named after the bus and the time."""
        screen, folder = request.screen, self.presets_dir
        chosen, keep_time = list(request.events), request.keep_time

        def work() -> None:
            from eventcomposer.core.capture import CaptureError, preset_from_events
            from eventcomposer.core.presets import PresetError, preset_path, save_preset

            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            bus_label = screen.bus.rsplit("/", 1)[-1]
            try:
                preset = preset_from_events(
                    chosen,
                    name=f"Captured from {bus_label} at {stamp}",
                    bus=screen.bus,
                    keep_time=keep_time,
                    description=f"{len(chosen)} event(s) captured by the Tail screen",
                )
                path = preset_path(folder, f"captured/{bus_label}-{stamp}.yaml")
                path.parent.mkdir(parents=True, exist_ok=True)
                save_preset(preset, path)
            except CaptureError as exc:
                self.backend.to_ui(screen.show_not_saved, str(exc), True)
                return
            except (PresetError, OSError) as exc:
                self.backend.to_ui(screen.show_not_saved, str(exc))
                return
            self.backend.to_ui(screen.show_saved, path, len(chosen))
            if self.saved is not None:
                self.backend.to_ui(self.saved, path)

        self.backend.run(work, "tail-capture", exclusive=False)

    # -- archives and replays -------------------------------------------------------------------

    def _list_archives(self, screen: ArchivesScreen) -> None:
        settings = self.backend.active
        if settings is None:
            screen.show_error(f"Could not list archives: {STILL_STARTING}")
            return
        with self._lock:
            self._replays.setdefault(screen, threading.Event())

        def work() -> None:
            from eventcomposer.aws.archives import list_archives

            try:
                archives = list_archives(self.backend.client(settings), screen.bus)
            except Exception as exc:  # AwsProblem, or a bug: reported, never fatal
                self.backend.to_ui(
                    screen.show_error, f"Could not list archives: {problem_text(exc)}"
                )
                return
            self.backend.to_ui(screen.show_archives, archives)

        self.backend.run(work, "archives-list")

    def _replay(self, request: ArchivesScreen.ReplayRequested) -> None:
        """Start the replay and follow it until it ends or the screen closes."""
        screen = request.screen
        settings = self.backend.active
        if settings is None:
            screen.show_error(f"Replay: {STILL_STARTING}")
            return
        with self._lock:
            stop = self._replays.setdefault(screen, threading.Event())

        def work() -> None:
            from eventcomposer.aws.archives import describe_replay, start_replay

            try:
                events = self.backend.client(settings)
                status = start_replay(
                    events, request.archive, request.start, request.end, request.to_bus
                )
                self.backend.to_ui(screen.show_replay, status)
                while not status.done and not stop.wait(POLL_SECONDS):
                    status = describe_replay(events, status.name)
                    self.backend.to_ui(screen.show_replay, status)
            except Exception as exc:  # AwsProblem, or a bug: reported, never fatal
                self.backend.to_ui(screen.show_error, f"Replay: {problem_text(exc)}")

        self.backend.run(work, "replay", exclusive=False)

    def _cancel(self, request: ArchivesScreen.CancelRequested) -> None:
        screen, name = request.screen, request.name
        settings = self.backend.active
        if settings is None:
            screen.show_error(f"Not cancelled: {STILL_STARTING}")
            return

        def work() -> None:
            from eventcomposer.aws.archives import cancel_replay

            try:
                state = cancel_replay(self.backend.client(settings), name)
            except Exception as exc:  # AwsProblem, or a bug: reported, never fatal
                self.backend.to_ui(screen.show_error, f"Not cancelled: {problem_text(exc)}")
                return
            self.backend.to_ui(screen.show_cancelled, name, state)

        self.backend.run(work, "replay-cancel", exclusive=False)
