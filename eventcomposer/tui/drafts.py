"""Keeping a draft of unsaved work, so that a crash, a kill or a closed terminal loses at most
the last DRAFT_DELAY seconds.

Each running composer has its own draft (``core.drafts.DraftSlot``): written only while there
are unsaved changes, off the UI thread, and removed when the user quits cleanly. On start, the
newest draft of a composer that is no longer running is restored; a live one's never is.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

    from eventcomposer.core.composer import Composer
    from eventcomposer.core.drafts import Draft, DraftSlot

#: Seconds of quiet after a change before the batch is saved as a draft.
DRAFT_DELAY = 0.5


class DraftKeeper:
    """Saves, restores and discards this composer's draft; ``schedule`` after every change."""

    def __init__(self, app: App[Any], state: Composer) -> None:
        self.app = app
        self.state = state
        #: On once restoring is done, off after a clean quit.
        self.on = False
        self._slot: DraftSlot | None = None
        self._lock = threading.Lock()
        self._due = 0.0
        self._timer_pending = False
        self._seq = 0
        #: The draft on disk as this composer wrote or restored it (saved_at zeroed).
        self._last: Draft | None = None
        self._error = ""

    @property
    def slot(self) -> DraftSlot:
        """This composer's draft file (under ``paths.state_dir()``; EVENTCOMPOSER_STATE_DIR)."""
        if self._slot is None:
            from eventcomposer.core.drafts import DraftSlot
            from eventcomposer.paths import state_dir

            self._slot = DraftSlot(state_dir())
        return self._slot

    @property
    def path(self) -> Path:
        return self.slot.path

    def restore(self) -> bool:
        """Restore the newest draft a composer that is no longer running left, if any; one that
        can't be read is skipped with the reason (startup never fails on it)."""
        problems: list[str] = []
        try:
            orphans = self.slot.orphans()
        except OSError as exc:
            self.app.notify(f"Drafts can't be kept: {exc}", severity="warning", timeout=10)
            return False
        draft = None
        for path in orphans:
            draft = self.slot.adopt(path, problems.append)
            if draft is not None:
                break
        if problems:
            self.app.notify(
                f"Unsaved work could not be restored: {problems[0]}", severity="warning", timeout=10
            )
        if draft is None:
            return False
        self.state.restore(draft)
        self._last = None  # written again under this composer's name at the next change
        saved = datetime.fromtimestamp(draft.saved_at)
        today = saved.date() == datetime.now().date()
        when = saved.strftime("%H:%M" if today else "%Y-%m-%d %H:%M")
        others = len(orphans) - 1
        more = f" ({others} more on the next start)" if others > 0 else ""
        self.app.notify(f"Restored your unsaved work from {when}{more}", title="Draft", timeout=8)
        self.schedule()
        return True

    def schedule(self) -> None:
        """Save the draft once changes pause: one timer at a time, pushed back by each change."""
        if not self.on:
            return
        self._due = time.monotonic() + DRAFT_DELAY
        if not self._timer_pending:
            self._timer_pending = True
            self.app.set_timer(DRAFT_DELAY, self._tick)

    def _tick(self) -> None:
        wait = self._due - time.monotonic()
        if wait > 0.01:
            self.app.set_timer(wait, self._tick)
            return
        self._timer_pending = False
        if not self.on:
            return
        from eventcomposer.core.drafts import Draft

        draft = None
        if self.state.dirty:
            snapshot = self.state.snapshot()
            draft = Draft(**{**snapshot.__dict__, "saved_at": time.time()})
        self._seq += 1
        seq = self._seq
        self.app.run_worker(
            lambda: self._write(draft, seq), thread=True, group="draft", exit_on_error=False
        )

    def _write(self, draft: Draft | None, seq: int) -> None:
        """In a worker: write the draft (None: remove ours, nothing is unsaved) unless a newer
        one is coming or the user has quit cleanly."""
        problem = ""
        with self._lock:
            if seq != self._seq or not self.on:
                return
            key = None if draft is None else replace(draft, saved_at=0.0)
            if key == self._last:
                return
            try:
                if draft is None:
                    self.slot.discard()
                else:
                    self.slot.save(draft)
                self._last = key
            except OSError as exc:
                problem = f"{self.slot.path}: {exc.strerror or exc}"
        if problem and problem != self._error:  # said once, not on every change
            self._error = problem
            with contextlib.suppress(RuntimeError):  # RuntimeError: the app is closing
                self.app.call_from_thread(
                    self.app.notify,
                    f"Could not keep a draft of your unsaved work: {problem}",
                    severity="warning",
                    timeout=8,
                )

    def discard(self) -> None:
        """Quitting cleanly (nothing unsaved, or the user chose to lose it): this composer's
        draft is removed, and no pending save writes one afterwards."""
        self.on = False
        with self._lock:
            # Nothing to do about a failure while quitting; the next start says if it's bad.
            with contextlib.suppress(OSError):
                self.slot.discard()
            self._last = None

    def release(self) -> None:
        """The composer ends, however: its lock is freed, its draft (if any) stays."""
        self.on = False
        if self._slot is not None:
            with self._lock:
                self._slot.release()
