"""Every private Textual (and rich) hook the Detail editor relies on, named in one place.

The editor draws only the lines on screen and never re-highlights or re-wraps the whole
document per keystroke (a 1 MiB Detail stays interactive); stock ``TextArea`` can't do that
through its public API, so ``widgets/detail_editor.py`` overrides the private methods and reads
the private attributes listed here. Textual is pinned to the minor version these were checked
against (pyproject); ``tests/tui/test_textual_compat.py`` fails by name when one disappears, so
an upgrade says exactly what to look at.
"""

from __future__ import annotations

from textual.widgets import TextArea
from textual.widgets.text_area import WrappedDocument

try:  # rich's own test for "every character is one cell", the condition of its fast paths
    from rich.cells import _is_single_cell_widths as single_cell_widths
except ImportError:  # pragma: no cover - a rich without it: assume the worst

    def single_cell_widths(text: str) -> bool:
        return text.isascii()


#: TextArea's private methods the editor overrides or calls.
TEXT_AREA_METHODS = (
    "_build_highlight_map",
    "_set_document",
    "_refresh_size",
    "_undo_batch",
    "_redo_batch",
    "_render_line",
    "_rewrap_and_refresh_virtual_size",
    "_refresh_scrollbars",
)
#: TextArea's private attributes the editor reads or sets.
TEXT_AREA_ATTRIBUTES = (
    "_cursor_offset",
    "_cursor_visible",
    "_draw_cursor",
    "_has_cursor",
    "_highlight_query",
    "_highlights",
    "_line_cache",
    "_matching_bracket_location",
    "_theme",
)
#: WrappedDocument's private attributes the editor's unwrapped document keeps in step.
WRAPPED_DOCUMENT_ATTRIBUTES = (
    "_line_index_to_offsets",
    "_offset_to_line_info",
    "_tab_width",
    "_tab_width_cache",
    "_width",
    "_wrap_offsets",
)
#: EditHistory's private attributes the editor changes (joining a reformat to the paste).
EDIT_HISTORY_ATTRIBUTES = ("_undo_stack",)


def missing_hooks() -> list[str]:
    """The hooks above that this Textual no longer has (empty: the editor's overrides fit)."""
    from textual.widgets.text_area import Document

    area = TextArea("x")
    document = WrappedDocument(Document("x"))
    missing = [
        f"TextArea.{n}" for n in TEXT_AREA_METHODS if not callable(getattr(TextArea, n, None))
    ]
    missing += [
        f"TextArea.{n}"
        for n in TEXT_AREA_ATTRIBUTES
        if not (hasattr(TextArea, n) or n in vars(area))
    ]
    missing += [
        f"WrappedDocument.{n}"
        for n in WRAPPED_DOCUMENT_ATTRIBUTES
        if not (hasattr(WrappedDocument, n) or n in vars(document))
    ]
    missing += [
        f"EditHistory.{n}"
        for n in EDIT_HISTORY_ATTRIBUTES
        if not (hasattr(type(area.history), n) or n in vars(area.history))
    ]
    return missing
