"""The presets browser: the presets folder as a tree (subfolders as branches)."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
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
"""

    BINDINGS = [
        Binding("delete", "delete_preset", "Delete", id="presets.delete"),
        Binding("r", "reload", "Reload", id="presets.reload"),
    ]

    def __init__(self, folder: Path, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.folder = Path(folder)
        self.paths: list[Path] = []
        self._tree: Tree[Path] | None = None
        #: A preset to put the cursor on once the folder is listed again (e.g. just saved).
        self.select_after_reload: Path | None = None

    def compose(self) -> ComposeResult:
        yield Static("Presets", classes="panel-title")

    @property
    def tree(self) -> Tree[Path]:
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
        self.reload()

    @work(thread=True, exclusive=True, group="presets-list")
    def reload(self) -> list[Path]:
        """List the folder off the UI thread (the presets module imports YAML)."""
        from eventcomposer.core.presets import find_presets

        paths = find_presets(self.folder)
        self.app.call_from_thread(self._fill, paths)
        return paths

    def _fill(self, paths: list[Path]) -> None:
        self.paths = paths
        tree = self.tree
        tree.clear()
        tree.root.expand()
        branches: dict[Path, TreeNode[Path]] = {self.folder: tree.root}
        for path in paths:
            relative = path.relative_to(self.folder)
            parent = self.folder
            node = tree.root
            for part in relative.parts[:-1]:
                parent = parent / part
                if parent not in branches:
                    branches[parent] = node.add(f"{part}/", data=parent, expand=True)
                node = branches[parent]
            node.add_leaf(path.stem, data=path)
        if not paths:
            tree.root.add_leaf("(no presets yet: F9 saves one)", data=None)
        if self.select_after_reload is not None:
            target, self.select_after_reload = self.select_after_reload, None
            self.call_after_refresh(self.select_path, target)

    def select_path(self, path: Path | None) -> None:
        """Move the cursor to ``path``'s node, if it is listed."""
        if path is None:
            return
        for node in _walk(self.tree.root):
            if node.data == path:
                self.tree.move_cursor(node)
                return

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[Path]) -> None:
        event.stop()
        path = event.node.data
        if path is not None and path.suffix in (".yaml", ".yml"):
            self.post_message(PresetChosen(path))

    def action_delete_preset(self) -> None:
        node = self.tree.cursor_node
        if node is not None and node.data is not None and node.data.suffix in (".yaml", ".yml"):
            self.post_message(PresetDeleteRequested(node.data))


def _walk(node: TreeNode[Path]) -> list[TreeNode[Path]]:
    nodes = [node]
    for child in node.children:
        nodes.extend(_walk(child))
    return nodes
