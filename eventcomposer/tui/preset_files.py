"""Opening, saving and deleting preset files from the composer, asking first whenever work or
someone else's change could be lost (unsaved changes, a file changed on disk, an existing file).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from eventcomposer.tui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from eventcomposer.tui.app import EventComposerApp


def file_stamp(path: Path) -> tuple[int, int] | None:
    """A file's (st_mtime_ns, st_size), to notice it changed on disk; None if it is gone."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def writable_folder(folder: Path) -> Path:
    """Where presets are saved: ``folder``, unless it is the packaged demo presets (read-only),
    in which case the user's own presets folder."""
    from eventcomposer.paths import is_demo_preset, user_presets_dir

    return user_presets_dir() if is_demo_preset(folder) else folder


class PresetFiles:
    """The presets actions: list, open, save, save as, delete."""

    def __init__(self, app: EventComposerApp) -> None:
        from eventcomposer.tui.schema_actions import SchemaController

        self.app = app
        #: A preset's schemas (and the entries' own): loaded and checked in workers.
        self.schemas = SchemaController(app)

    @property
    def folder(self) -> Path:
        return self.app.presets_dir

    @property
    def demo_folder(self) -> Path | None:
        """The packaged demo presets, shown read-only with the embedded local EventBridge."""
        if not self.app.settings.local:
            return None
        from eventcomposer.paths import demo_presets_dir

        demo = demo_presets_dir()
        return None if demo == self.folder.resolve() else demo

    def reload(self) -> None:
        """List the presets (in a worker) into the browser."""
        self.app.backend.list_presets(self.app.browser, self.demo_folder)
        self.schemas.refresh()  # a restored draft's schemas, once the editor is there

    def display(self, path: Path) -> str:
        """A preset's path as the browser shows it: relative to the presets folder."""
        try:
            return str(path.relative_to(self.folder))
        except ValueError:
            return str(path)

    # -- opening --------------------------------------------------------------------------------

    def open(self, path: Path) -> None:
        """Open a preset, asking first if there are unsaved changes."""
        app = self.app

        async def go(confirmed: bool | None = True) -> None:
            if confirmed:
                await self.load(path)

        if app.state.dirty:
            question = f"The batch has unsaved changes. Open {path.name} and lose them?"
            app.push_screen(ConfirmScreen(question, yes="Open"), go)
        else:
            app.call_later(go)

    async def load(self, path: Path) -> None:
        from eventcomposer.core.presets import PresetError, load_preset

        app = self.app
        stamp = file_stamp(path)  # before reading: a change after it is noticed on saving
        try:
            preset = load_preset(path)
        except PresetError as exc:
            app.notify(str(exc), title="Can't open preset", severity="error", timeout=10)
            return
        limit = app.state.max_entries
        app.state.load(
            preset.entries,
            preset.bus,
            path,
            preset.name,
            preset.description,
            stamp=stamp,
            endpoint_id=preset.endpoint_id,
            schema=preset.schema,
        )
        await app.show_state(reload=True)
        self.schemas.refresh()
        note = ""
        if len(preset.entries) > limit:
            note = f" (first {limit} of {len(preset.entries)} entries: one call's worth)"
        app.set_status(f"Opened {self.display(path)}{note}.")
        app.bus_and_rules.changed()

    # -- saving ---------------------------------------------------------------------------------

    def save(self) -> None:
        from eventcomposer.paths import is_demo_preset

        state = self.app.state
        if state.preset_path is None or is_demo_preset(state.preset_path):
            self.save_as()  # a demo preset is read-only: saved as the user's own
            return
        self._save_checked(state.preset_name, state.preset_path)

    def save_as(self) -> None:
        from eventcomposer.tui.screens.save_as import SaveAsScreen

        state = self.app.state
        relative = ""
        if state.preset_path is not None:
            try:
                relative = str(state.preset_path.relative_to(self.folder))
            except ValueError:
                relative = ""
        screen = SaveAsScreen(self.folder, state.preset_name, relative)
        self.app.push_screen(screen, self._save_as_chosen)

    def _save_as_chosen(self, choice: tuple[str, Path] | None) -> None:
        if choice is None:
            return
        name, path = choice

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.write(name, path)

        if path.exists():
            # Even the open preset's own file: Save as names a file, and replacing one is asked
            # (Ctrl+S is the key that saves over the open preset without asking).
            question = f"{self.display(path)} exists. Replace it?"
            self.app.push_screen(ConfirmScreen(question, yes="Replace"), confirmed)
        else:
            self._save_checked(name, path)

    def _save_checked(self, name: str, path: Path) -> None:
        """Save over the open preset, asking first if its file changed on disk since it was
        opened or saved (another editor, a git pull): overwriting would lose that change."""
        state = self.app.state
        known = state.preset_stamp
        current = file_stamp(path)
        if path != state.preset_path or known is None or current is None or current == known:
            self.write(name, path)
            return
        shown = self.display(path)

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.write(name, path)
            else:
                self.app.set_status(f"Not saved: {shown} changed on disk; your changes are kept.")

        question = f"{shown} changed on disk since you opened it. Overwrite it?"
        self.app.push_screen(ConfirmScreen(question, yes="Overwrite"), confirmed)

    def write(self, name: str, path: Path) -> bool:
        """Write the batch as a preset (atomically: a failure leaves the old file intact)."""
        from eventcomposer.core.presets import Preset, save_preset

        app = self.app
        state = app.state
        preset = Preset(
            name=name,
            entries=state.entries,
            description=state.description,
            bus=state.bus,
            endpoint_id=state.endpoint_id,
            schema=state.schema,
        )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            save_preset(preset, path)
        except OSError as exc:
            app.notify(f"Could not save {path}: {exc}", severity="error", timeout=10)
            app.set_status(f"Not saved: {exc}; your changes are kept.", error=True)
            return False
        state.mark_saved(path, name, file_stamp(path))
        app.call_later(app.show_state)
        app.set_status(f"Saved {self.display(path)}.")
        app.browser.select_after_reload = path
        self.reload()
        return True

    def written(self, path: Path) -> None:
        """A preset was written elsewhere (a capture of the Tail screen): the tree shows it."""
        self.reload()

    # -- deleting -------------------------------------------------------------------------------

    def delete_selected(self) -> None:
        """Delete the preset highlighted in the tree, if it has the focus (else the open one)."""
        tree = self.app.browser.file_tree
        node = tree.cursor_node
        path = node.data if node is not None and tree.has_focus else None
        if path is not None and path.suffix not in (".yaml", ".yml"):
            path = None
        self.delete(path)

    def delete(self, path: Path | None = None) -> None:
        """Delete a preset file after confirmation (the open one by default)."""
        app = self.app
        target = path or app.state.preset_path
        if target is None:
            app.notify("No preset is selected.")
            return

        async def confirmed(ok: bool | None) -> None:
            if not ok:
                return
            try:
                target.unlink()
            except OSError as exc:
                app.notify(f"Could not delete {target}: {exc}", severity="error")
                return
            if target == app.state.preset_path:
                app.state.forget_preset_file()
                await app.show_state()
            app.set_status(f"Deleted {target}.")
            self.reload()

        question = f"Delete the preset {target}? This can't be undone."
        app.push_screen(ConfirmScreen(question, yes="Delete"), confirmed)
