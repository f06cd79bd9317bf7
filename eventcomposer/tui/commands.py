"""The command palette's composer commands (Ctrl+P): send, save, switch bus, format, edit..."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

#: (title, help, app action) — the actions the palette offers, in the order it lists them.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Send", "Send the batch with PutEvents (F5)", "send"),
    ("Retry failed entries", "Resend only the entries that failed (F8)", "retry_failed"),
    ("Save preset", "Save the batch to its preset file (Ctrl+S)", "save_preset"),
    ("Save preset as…", "Save the batch as a new preset (F9)", "save_preset_as"),
    ("Delete preset", "Delete the selected or open preset, after confirming", "delete_preset"),
    ("Switch bus", "Choose the event bus to send to (F2)", "switch_bus"),
    ("Format JSON", "Pretty-print the Detail (F3)", "format_json"),
    ("Open Detail in $EDITOR", "Edit the Detail in your editor (F4)", "open_in_editor"),
    ("New batch", "Start from scratch: one blank entry, no preset (Alt+N)", "new_batch"),
    ("Add entry", "Add an entry to the batch (Ctrl+N)", "add_entry"),
    (
        "New entry from schema…",
        "An entry whose Detail is a sample of a JSON Schema or registry schema (F10)",
        "new_from_schema",
    ),
    ("Add resource", "Add a Resources row to the entry, focused (Ctrl+R)", "add_resource"),
    ("Duplicate entry", "Duplicate the selected entry", "duplicate_entry"),
    ("Remove entry", "Remove the selected entry from the batch", "remove_entry"),
    ("Copy EventId", "Copy the EventId of the selected result", "copy_event_id"),
    ("History", "Past sends: reopen one or resend it (F6)", "history"),
    ("Preview", "The batch as it will be sent, variables resolved (F7)", "preview"),
    (
        "Copy as aws events put-events",
        "The batch as ready-to-run AWS CLI commands",
        "copy_aws_cli",
    ),
    ("Copy as boto3 snippet", "The batch as a Python snippet using boto3", "copy_boto3"),
    (
        "Write the last copy to a file",
        "When the terminal's clipboard did not take it (Alt+W)",
        "write_copy",
    ),
    (
        "Import AWS CLI entries…",
        "--entries JSON, --cli-input-json or -yaml, pasted or file:// (Ctrl+O)",
        "import_entries",
    ),
    (
        "Tail the bus",
        "What really arrives on the batch's bus, and which rules match it (Ctrl+T)",
        "watch('tail')",
    ),
    (
        "Archives and replays",
        "The bus's archives; replay one and follow it (Ctrl+G)",
        "watch('archives')",
    ),
    (
        "Show or hide the rules panel",
        "Which rules on the bus match, and why not (Ctrl+B)",
        "toggle_rules",
    ),
    ("Go to the presets tree", "Focus the presets (Alt+P)", "focus_pane('tree')"),
    ("Go to the batch", "Focus the batch's entries (Alt+E)", "focus_pane('batch')"),
    ("Go to the entry form", "Focus the Source field (Alt+S)", "focus_pane('form')"),
    ("Go to the Detail editor", "Focus the Detail JSON (Alt+D)", "focus_pane('editor')"),
    ("Go to the rules panel", "Focus the rules, showing the panel (Alt+R)", "focus_pane('rules')"),
    ("Go to the results", "Focus the results of the last send (Alt+O)", "focus_pane('results')"),
    ("Help", "Help for the focused panel (F1)", "help"),
)

#: The app's keys kept off the footer (F1 and the palette list them): (key, action,
#: description, binding id).
HIDDEN_KEYS: tuple[tuple[str, str, str, str], ...] = (
    ("ctrl+b", "toggle_rules", "Rules panel", "composer.toggle_rules"),
    ("f6", "history", "History", "composer.history"),
    ("f7", "preview", "Preview", "composer.preview"),
    ("ctrl+o", "import_entries", "Import", "composer.import"),
    ("ctrl+t", "watch('tail')", "Tail the bus", "composer.tail"),
    ("ctrl+g", "watch('archives')", "Archives", "composer.archives"),
    ("f10", "new_from_schema", "From schema", "composer.schema"),
    ("ctrl+r", "add_resource", "Add resource", "composer.add_resource"),
    ("alt+n", "new_batch", "New batch", "composer.new_batch"),
    ("alt+w", "write_copy", "Write last copy to a file", "composer.write_copy"),
    ("alt+p", "focus_pane('tree')", "Go to presets", "composer.focus_tree"),
    ("alt+e", "focus_pane('batch')", "Go to batch", "composer.focus_batch"),
    ("alt+s", "focus_pane('form')", "Go to form", "composer.focus_form"),
    ("alt+d", "focus_pane('editor')", "Go to Detail", "composer.focus_editor"),
    ("alt+r", "focus_pane('rules')", "Go to rules", "composer.focus_rules"),
    ("alt+o", "focus_pane('results')", "Go to results", "composer.focus_results"),
)


class ComposerCommands(Provider):
    """Offers the composer's actions by name."""

    def _callback(self, action: str) -> Callable[[], Any]:
        return partial(self.app.run_action, action)

    async def discover(self) -> Hits:
        for title, help_text, action in COMMANDS:
            yield DiscoveryHit(title, self._callback(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in COMMANDS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._callback(action), help=help_text)


#: Actions that change or use the batch; disabled while a dialog is open.
COMPOSER_ACTIONS = frozenset(
    {
        "send",
        "retry_failed",
        "switch_bus",
        "save_preset",
        "save_preset_as",
        "delete_preset",
        "format_json",
        "open_in_editor",
        "add_entry",
        "new_from_schema",
        "duplicate_entry",
        "remove_entry",
        "history",
        "preview",
        "import_entries",
        "copy_aws_cli",
        "copy_boto3",
        "watch",
    }
)
