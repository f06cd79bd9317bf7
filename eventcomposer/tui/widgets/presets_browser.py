"""The presets browser: the presets folder as a tree (subfolders as branches), and with the
embedded local EventBridge the packaged demo presets, read-only, as a branch of their own.
The app lists the folders (``show``); the browser only displays them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from eventcomposer.tui.messages import PresetChosen, PresetDeleteRequested


class PresetsBrowser(Vertical):
    """Preset files under the folder; Enter opens one, Delete deletes it (after confirming)."""

    HELP = """\
## Presets
The YAML presets under the presets folder, subfolders as branches. **Enter** opens the selected
preset (asking first if the batch has unsaved changes), **Delete** deletes it after confirming,
**R** reloads the folder. **Ctrl+S** saves the batch to its preset, **F9** saves it as a new one.
The demo presets (with `--local`) are read-only: saving one writes a copy to your presets folder.
"""

    BINDINGS = [
        Binding("delete", "delete_preset", "Delete", id="presets.delete"),
        Binding("r", "reload", "Reload", id="presets.reload"),
    ]

    @dataclass
    class ReloadRequested(Message):
        """The user asked for the folders again (R); the app lists them (``show``)."""

        browser: PresetsBrowser

    def __init__(self, folder: Path, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.folder = Path(folder)
        self.paths: list[Path] = []
        #: The packaged demo presets' folder, when they are shown (read-only).
        self.demo_folder: Path | None = None
        self._tree: Tree[Path] | None = None
        #: A preset to put the cursor on once the folder is listed again (e.g. just saved).
        self.select_after_reload: Path | None = None

    def compose(self) -> ComposeResult:
        yield Static("Presets", classes="panel-title")

    @property
    def file_tree(self) -> Tree[Path]:
        """The tree, created (and mounted) on first use: the app lists the folder only after
        its first frame, which is then not delayed by it."""
        if self._tree is None:
            tree: Tree[Path] = Tree(f"{self.folder.name or self.folder}/", data=self.folder)
            tree.show_root = True
            tree.guide_depth = 2
            self._tree = tree
            self.mount(tree)
        return self._tree

    def action_reload(self) -> None:
        self.post_message(self.ReloadRequested(self))

    def show(
        self,
        paths: list[Path],
        demo_folder: Path | None = None,
        demo_paths: Sequence[Path] = (),
    ) -> None:
        """Show the presets folder's ``paths`` and, if given, the demo presets (read-only)."""
        self.paths = [*paths, *demo_paths]
        self.demo_folder = demo_folder
        tree = self.file_tree
        tree.clear()
        tree.root.expand()
        self._add(tree.root, self.folder, paths)
        if not paths:
            tree.root.add_leaf("(no presets yet: F9 saves one)", data=None)
        if demo_folder is not None and demo_paths:
            demo = tree.root.add("demo presets (read-only)/", data=demo_folder, expand=True)
            self._add(demo, demo_folder, list(demo_paths))
        if self.select_after_reload is not None:
            target, self.select_after_reload = self.select_after_reload, None
            self.call_after_refresh(self.select_path, target)

    @staticmethod
    def _add(root: TreeNode[Path], folder: Path, paths: list[Path]) -> None:
        branches: dict[Path, TreeNode[Path]] = {folder: root}
        for path in paths:
            relative = path.relative_to(folder)
            parent = folder
            node = root
            for part in relative.parts[:-1]:
                parent = parent / part
                if parent not in branches:
                    branches[parent] = node.add(f"{part}/", data=parent, expand=True)
                node = branches[parent]
            node.add_leaf(path.stem, data=path)

    def select_path(self, path: Path | None) -> None:
        """Move the cursor to ``path``'s node, if it is listed."""
        if path is None:
            return
        for node in _walk(self.file_tree.root):
            if node.data == path:
                self.file_tree.move_cursor(node)
                return

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[Path]) -> None:
        event.stop()
        path = event.node.data
        if path is not None and path.suffix in (".yaml", ".yml"):
            self.post_message(PresetChosen(path))

    def action_delete_preset(self) -> None:
        node = self.file_tree.cursor_node
        if node is not None and node.data is not None and node.data.suffix in (".yaml", ".yml"):
            self.post_message(PresetDeleteRequested(node.data))


def _walk(node: TreeNode[Path]) -> list[TreeNode[Path]]:
    nodes = [node]
    for child in node.children:
        nodes.extend(_walk(child))
    return nodes
