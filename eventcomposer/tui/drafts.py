"""Drafts of unsaved work: kept in the user state folder so that a crash, a kill or a closed
terminal loses at most the last DRAFT_DELAY seconds. A draft is written only while there are
unsaved changes, off the UI thread, and removed when the user quits cleanly (a mixin of
EventComposerApp)."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work

if TYPE_CHECKING:
    from eventcomposer.core.drafts import Draft

#: Seconds of quiet after a change before the batch is saved as a draft.
DRAFT_DELAY = 0.5
DRAFT_FILE = "draft.json"


class DraftKeeping:
    """Saves, restores and discards the composer's draft; ``_refresh`` calls
    ``_schedule_draft`` after every change."""

    state: Any

    def _init_drafts(self) -> None:
        # On once restoring is done, off after a clean quit.
        self._drafts_on = False
        self._draft_path: Path | None = None
        self._draft_lock = threading.Lock()
        self._draft_due = 0.0
        self._draft_timer_pending = False
        self._draft_seq = 0
        #: The draft on disk as this app wrote or restored it (saved_at zeroed), None if none.
        self._draft_last: Draft | None = None
        self._draft_error = ""

    @property
    def draft_path(self) -> Path:
        """The draft file (in ``eventcomposer.paths.state_dir()``; EVENTCOMPOSER_STATE_DIR)."""
        if self._draft_path is None:
            from eventcomposer.paths import state_dir

            self._draft_path = state_dir() / DRAFT_FILE
        return self._draft_path

    def _restore_draft(self) -> bool:
        """Load the draft a previous session left, if any; one that can't be read is ignored
        with the reason (startup never fails on it)."""
        from dataclasses import replace
        from datetime import datetime

        from eventcomposer.core.drafts import load_draft

        problems: list[str] = []
        draft = load_draft(self.draft_path, problems.append)
        if problems:
            self.notify(
                f"Your unsaved work could not be restored: {problems[0]}",
                severity="warning",
                timeout=10,
            )
        if draft is None:
            return False
        state = self.state
        state.load(
            draft.entries[: state.max_entries],
            draft.bus,
            draft.preset_path,
            draft.preset_name,
            draft.description,
            stamp=draft.preset_stamp,
        )
        state.selected = min(draft.selected, len(state.entries) - 1)
        state.dirty = draft.dirty
        self._draft_last = replace(draft, saved_at=0.0)
        saved = datetime.fromtimestamp(draft.saved_at)
        today = saved.date() == datetime.now().date()
        when = saved.strftime("%H:%M" if today else "%Y-%m-%d %H:%M")
        self.notify(f"Restored your unsaved work from {when}", title="Draft", timeout=8)
        return True

    def _schedule_draft(self) -> None:
        """Save the draft once changes pause (``_refresh``, which every change goes through,
        calls this): one timer at a time, pushed back by each change."""
        if not self._drafts_on:
            return
        self._draft_due = time.monotonic() + DRAFT_DELAY
        if not self._draft_timer_pending:
            self._draft_timer_pending = True
            self.set_timer(DRAFT_DELAY, self._draft_tick)

    def _draft_tick(self) -> None:
        wait = self._draft_due - time.monotonic()
        if wait > 0.01:
            self.set_timer(wait, self._draft_tick)
            return
        self._draft_timer_pending = False
        if not self._drafts_on:
            return
        from eventcomposer.core.drafts import Draft

        state = self.state
        draft = None
        if state.dirty:
            draft = Draft(
                entries=[e.copy() for e in state.entries],
                selected=state.selected,
                bus=state.bus,
                preset_path=state.preset_path,
                preset_name=state.preset_name,
                description=state.description,
                dirty=state.dirty,
                saved_at=time.time(),
                preset_stamp=state.preset_stamp,
            )
        self._draft_seq += 1
        self.write_draft(draft, self._draft_seq)

    @work(thread=True, group="draft", exit_on_error=False)
    def write_draft(self, draft: Draft | None, seq: int) -> None:
        """Write the draft (None: remove ours, nothing is unsaved) unless a newer one is coming
        or the user has quit cleanly."""
        from dataclasses import replace

        from eventcomposer.core.drafts import delete_draft, save_draft

        problem = ""
        with self._draft_lock:
            if seq != self._draft_seq or not self._drafts_on:
                return
            key = None if draft is None else replace(draft, saved_at=0.0)
            if key == self._draft_last:
                return
            try:
                if draft is None:
                    delete_draft(self.draft_path)
                else:
                    save_draft(self.draft_path, draft)
                self._draft_last = key
            except OSError as exc:
                problem = f"{self.draft_path}: {exc.strerror or exc}"
        if problem and problem != self._draft_error:  # said once, not on every change
            self._draft_error = problem
            with contextlib.suppress(RuntimeError):  # RuntimeError: the app is closing
                self.call_from_thread(
                    self.notify,
                    f"Could not keep a draft of your unsaved work: {problem}",
                    severity="warning",
                    timeout=8,
                )

    def _discard_draft(self) -> None:
        """Quitting cleanly (nothing unsaved, or the user chose to lose it): no draft is left,
        and no pending save writes one afterwards."""
        from eventcomposer.core.drafts import delete_draft

        self._drafts_on = False
        with self._draft_lock:
            # Nothing to do about a failure while quitting; the next start says if it's bad.
            with contextlib.suppress(OSError):
                delete_draft(self.draft_path)
            self._draft_last = None
