"""The JSON editor for a PutEvents entry's Detail, fast up to the API's 1 MiB limit.

Textual's stock ``TextArea(language="json")`` rebuilds tree-sitter highlights for the whole
document on every edit (about 730 ms per keystroke at 1 MiB), measures every line for its virtual
size, and joins the whole text once per rendered line to test for a placeholder. This editor keeps
every keystroke proportional to what is on screen instead:

* Highlighting is a line-local regular-expression tokenizer run as each line is rendered (its
  tokens handed to TextArea's own renderer as a one-line highlight map), i.e. only for the lines
  on screen. JSON strings cannot contain a raw newline, so a line-local tokenizer colours
  (pretty-printed) JSON as the tree-sitter query would, with the theme's styles for the same
  names; no tree-sitter parse, query or whole-document highlight map.
* Lines longer than ``LONG_LINE`` characters are not tokenized (a 1 MiB line would be ~100,000
  styled spans); one of printable ASCII is drawn from its visible columns only, any other is
  cropped to the widget as soon as it is rendered, in short pieces when it holds characters
  that aren't one cell wide (rich splits such segments in quadratic time). A pasted one-liner
  is pretty-printed, off the UI thread, once it is valid; the reformat is part of the paste's
  step in the edit history (one Ctrl+Z undoes both).
* TextArea's index of wrapped lines (``WrappedDocument``) sums every line for its height, once
  per rendered line, and renumbers every line below an edit that adds or removes one; without
  soft wrap, ``_UnwrappedDocument`` makes the height a length and its row tables computed
  when read (row i is line i), so there is nothing to renumber.
* The document's width is grown incrementally from the edited lines instead of measuring all.
* Bracket matching under the cursor scans a bounded neighbourhood instead of the whole document.
* The text is read, ``Changed`` posted and ``check_detail`` run only after a 150 ms pause in
  typing (after a paste or a reformat, at once), and the JSON parse runs in a thread worker;
  stale results are ignored.
"""

from __future__ import annotations

import operator
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, TypeVar, cast, overload

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.expand_tabs import expand_tabs_inline, get_tab_widths
from textual.geometry import Offset, Size
from textual.message import Message
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import TextArea
from textual.widgets.text_area import (
    Document,
    DocumentNavigator,
    Edit,
    EditResult,
    Location,
    WrappedDocument,
)
from textual.worker import get_current_worker

from eventcomposer.core.json_layout import gc_paused, indented, pretty_json
from eventcomposer.core.validation import DetailCheck, check_detail
from eventcomposer.tui.textual_compat import single_cell_widths as _single_cells
from eventcomposer.tui.widgets.validated_field import leaves_alt_keys

DEBOUNCE_SECONDS = 0.15
"""Quiet time after the last edit before the text is read, announced and validated."""

LONG_LINE = 10_000
"""Lines longer than this (in characters) are not syntax-highlighted."""

_SEGMENT_CHARS = 256
"""Longest piece a long non-ASCII line is rendered in (see ``JsonTextArea.get_line``)."""

_BRACKET_SCAN_CHARS = 50_000
"""How far bracket matching looks for a partner before giving up."""

# One alternation, most specific first: a key is a string followed by a colon; an unterminated
# string runs to the end of the line (as it does while being typed). Over UTF-8 bytes, because
# TextArea's highlights are byte ranges (as tree-sitter's are).
_TOKEN_RE = re.compile(
    rb'(?P<key>"(?:[^"\\]|\\.)*"(?=\s*:))'
    rb'|(?P<string>"(?:[^"\\]|\\.)*"?)'
    rb"|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    rb"|(?P<boolean>\b(?:true|false)\b)"
    rb"|(?P<null>\bnull\b)"
    rb"|(?P<bracket>[\[\]{}])"
    rb"|(?P<delimiter>[,:])"
)
# Token group name -> the tree-sitter highlight name that TextArea themes define styles for.
_THEME_NAMES = {
    "key": "json.label",
    "string": "string",
    "number": "number",
    "boolean": "boolean",
    "null": "json.null",
    "bracket": "punctuation.bracket",
    "delimiter": "punctuation.delimiter",
}
_BRACKET_RE = re.compile(r"[\[\]{}()]")
_Row = TypeVar("_Row")


class _UnwrappedDocument(WrappedDocument):
    """TextArea's wrapped view of the document, kept cheap per edit when nothing wraps.

    ``WrappedDocument.height`` sums over every line and TextArea asks for it once per rendered
    line; its ``wrap_range`` renumbers every line below an edit that adds or removes a line, in
    Python. Without soft wrap each line is one row (row == line index), so the height is a length
    and the two renumbered tables are ``_Rows``: computed when read, never stored per line.
    """

    @property
    def height(self) -> int:
        return len(self._offset_to_line_info)

    def wrap(self, width: int, tab_width: int | None = None) -> None:
        if width:
            super().wrap(width, tab_width)
            return
        self._width = 0
        if tab_width:
            self._tab_width = tab_width
        lines = self.document.lines
        # Shared empty and [0] lists (never mutated in place): a list per line made a 300,000
        # line document cost half a second in allocations and the collections they trigger.
        self._wrap_offsets = [_NO_OFFSETS] * len(lines)
        self._tab_width_cache = _tab_table(lines, self._tab_width)
        self._set_rows(len(lines))

    def wrap_range(self, start: Location, old_end: Location, new_end: Location) -> None:
        if self._width:
            super().wrap_range(start, old_end, new_end)
            return
        line_count = self.document.line_count
        old_count = len(self._wrap_offsets)
        top = max(0, min(start[0], old_count - 1, line_count - 1))
        old_bottom = max(top, min(old_end[0], old_count - 1))
        new_bottom = max(top, min(new_end[0], line_count - 1))
        lines = self.document.lines[top : new_bottom + 1]
        self._tab_width_cache[top : old_bottom + 1] = _tab_table(lines, self._tab_width)
        self._wrap_offsets[top : old_bottom + 1] = [_NO_OFFSETS] * len(lines)
        if len(self._wrap_offsets) != line_count:  # an edit we misjudged: index it all again
            self.wrap(0)
        elif new_bottom - old_bottom or len(self._offset_to_line_info) != line_count:
            self._set_rows(line_count)

    def _set_rows(self, count: int) -> None:
        """WrappedDocument's tables for ``count`` unwrapped lines: row i is (line i, section 0),
        and line i is at rows [i]. Only read (indexed, sliced, measured) while unwrapped; a wrap
        at a width builds WrappedDocument's own lists again."""
        self._offset_to_line_info = cast("list[tuple[int, int]]", _Rows(count, _line_info))
        self._line_index_to_offsets = cast("list[list[int]]", _Rows(count, _line_rows))

    def location_to_offset(self, location: Location) -> Offset:
        """As WrappedDocument's, without splitting the line into sections or re-tabbing it."""
        if self._width:
            return super().location_to_offset(location)
        row, column = location
        row = max(0, min(row, self.document.line_count - 1))
        return Offset(cells(self.document[row][:column], self._tab_width), row)


class _Rows(Sequence[_Row]):
    """A read-only list of ``count`` items, item i being ``item(i)``, made when read.

    The unwrapped index tables were a tuple and a list per line: 600,000 objects for a pasted
    2.5 MB Detail, which took a tenth of a second to build and as long again in every full
    garbage collection of the app afterwards."""

    __slots__ = ("_count", "_item")

    def __init__(self, count: int, item: Callable[[int], _Row]) -> None:
        self._count = count
        self._item = item

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> _Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[_Row]: ...

    def __getitem__(self, index: int | slice) -> _Row | list[_Row]:
        if isinstance(index, slice):
            return [self._item(i) for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("row out of range")
        return self._item(index)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, _Rows)):
            return len(self) == len(other) and all(map(operator.eq, self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


def _line_info(row: int) -> tuple[int, int]:
    return (row, 0)


def _line_rows(line: int) -> list[int]:
    return [line]


#: A line's wrap offsets (none, unwrapped) and a tab-free line's tab widths, shared.
_NO_OFFSETS: list[int] = []
_NO_TABS: list[int] = [0]
#: A tab-free line's tab widths by whether the line is empty (indexed by ``bool(line)``).
_TAB_FREE = (_NO_OFFSETS, _NO_TABS)


def _tab_table(lines: Sequence[str], tab_width: int) -> list[list[int]]:
    """What WrappedDocument keeps per line, the widths of its tabs, for ``lines``; looped over
    at C speed when none holds a tab (the usual case: JSON is indented with spaces)."""
    if "\t" in "".join(lines):
        return [_tab_widths(line, tab_width) for line in lines]
    if "" not in lines:
        return [_NO_TABS] * len(lines)
    return list(map(_TAB_FREE.__getitem__, map(bool, lines)))


def _tab_widths(line: str, tab_width: int) -> list[int]:
    """What WrappedDocument keeps per line: the widths of its tabs (skipping the regex if none)."""
    if "\t" in line:
        return [width for _, width in get_tab_widths(line, tab_width)]
    return _NO_TABS if line else _NO_OFFSETS


class JsonTextArea(TextArea):
    """A TextArea whose per-keystroke work depends on the visible lines, not the document."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "detail-editor--error-line",
        "detail-editor--error-cell",
    }
    DEFAULT_CSS = """
    JsonTextArea > .detail-editor--error-line { text-style: underline; }
    JsonTextArea > .detail-editor--error-cell { background: $error; color: $text; }
    """
    #: Ctrl+A selects the whole Detail, as in most editors: the way to paste an API response
    #: over it. (TextArea's Ctrl+A goes to the line start, which Home does too; its own
    #: select-all key, F7, is the composer's Preview.)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+a", "select_all", "Select all", show=False, id="detail.select_all"),
    ]

    async def _on_paste(self, event: events.Paste) -> None:
        """A paste is an ordinary edit (Ctrl+Z takes it back, whatever its size: a 2.5 MB one
        over the whole document costs tens of milliseconds), and one that is over at once: it
        settles without waiting for the pause after typing."""
        # Textual calls the handler of every class in the MRO: without this, TextArea's own
        # would paste the text a second time.
        event.prevent_default()
        revision = self.revision
        await super()._on_paste(event)
        if self.revision != revision:
            self.settle_at_once = True

    def join_last_edits(self) -> None:
        """Make the last undo batch part of the one before it: one Ctrl+Z undoes both (the
        reformat of a pasted one-liner with the paste: undone alone, the one-liner would be
        reformatted again), one Ctrl+Y redoes both."""
        batches = self.history._undo_stack
        if len(batches) > 1:
            batches[-2].extend(batches.pop())

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        """Alt+key is the composer's (Alt+D and the like jump to a pane), not text."""
        return not leaves_alt_keys(key) and super().check_consume_key(key, character)

    def __init__(self, text: str, *, id: str | None = None) -> None:
        self.error_location: tuple[int, int | None] | None = None
        """The 0-based (row, column) of the marked error, if any."""
        self.revision = 0
        """Bumped by every change of the document (so the owner can cache its text)."""
        self.settle_at_once = False
        """Set by a change that is not typing (a paste, a reformat): the owner need not wait
        for a pause in typing before reading the text. The owner resets it."""
        self._doc_width = 0
        self._one_cell_line: tuple[tuple[int, int], bool] | None = None
        # language=None: a plain Document, so no tree-sitter parse or query ever runs. The text
        # is loaded afterwards, so that it is split and indexed once rather than three times.
        super().__init__(
            "",
            language=None,
            soft_wrap=False,
            show_line_numbers=True,
            tab_behavior="focus",
            id=id,
        )
        self._set_document(text, None)

    # -- whole-document work replaced by incremental work -----------------------------------

    def _build_highlight_map(self) -> None:
        """Highlights are computed per rendered line in ``_render_line``; drop cached lines."""
        self._line_cache.clear()

    def _set_document(self, text: str, language: str | None) -> None:
        """TextArea's, for plain text only, with the no-wrap view of the document."""
        with gc_paused():
            self._set_document_now(text)

    def _set_document_now(self, text: str) -> None:
        self._highlight_query = None
        self.document = Document(text)
        self.wrapped_document = _UnwrappedDocument(self.document, tab_width=self.indent_width)
        self.navigator = DocumentNavigator(self.wrapped_document)
        self._build_highlight_map()
        self._doc_width = _measure(self.document.lines, self.indent_width)
        self.revision += 1
        self.move_cursor((0, 0))
        if self.soft_wrap:
            self._rewrap_and_refresh_virtual_size()
        else:  # the new _UnwrappedDocument is already "wrapped" at width 0
            self._line_cache.clear()
            self._refresh_size()

    def _refresh_size(self) -> None:
        """Like TextArea's, from the incrementally kept width rather than measuring every line."""
        if self.soft_wrap:
            super()._refresh_size()
            return
        width = self._doc_width
        # +1 width to make space for the cursor resting at the end of the line.
        self.virtual_size = Size(width + self.gutter_width + 1, self.document.line_count)
        self._refresh_scrollbars()

    def _grow_width(self, top: int, bottom: int) -> None:
        lines = self.document.lines
        bottom = min(bottom, len(lines) - 1)
        if top > bottom:
            return
        width = max(self._doc_width, _measure(lines[top : bottom + 1], self.indent_width))
        if width != self._doc_width:
            self._doc_width = width
            self._refresh_size()

    def replace_all(self, text: str) -> EditResult:
        """Replace the whole document with ``text`` as one edit (the cursor at its end); the
        document's width is then that of ``text`` alone, measured once."""
        self._doc_width = 0
        return self.replace(
            text, self.document.start, self.document.end, maintain_selection_offset=False
        )

    def edit(self, edit: Edit) -> EditResult:
        result = super().edit(edit)
        self.revision += 1
        self._grow_width(edit.top[0], result.end_location[0])
        return result

    def _undo_batch(self, edits: Sequence[Edit]) -> None:
        super()._undo_batch(edits)
        self.revision += 1
        self._grow_for(edits)

    def _redo_batch(self, edits: Sequence[Edit]) -> None:
        super()._redo_batch(edits)
        self.revision += 1
        self._grow_for(edits)

    def _grow_for(self, edits: Sequence[Edit]) -> None:
        for edit in edits:
            end = edit._edit_result.end_location if edit._edit_result else edit.bottom
            self._grow_width(min(edit.top[0], end[0]), max(edit.bottom[0], end[0]))

    def find_matching_bracket(self, bracket: str, search_from: Location) -> Location | None:
        """TextArea's bracket matching, but giving up after ``_BRACKET_SCAN_CHARS`` characters.

        The stock version walks character by character to the partner, i.e. through the whole
        document when the cursor rests on the outermost brace of 1 MiB.
        """
        if not bracket or bracket not in "{}[]()":
            return None
        lines = self.document.lines
        forward = bracket in "{[("
        depth = 0
        budget = _BRACKET_SCAN_CHARS
        row, first_column = search_from
        column: int | None = first_column
        while 0 <= row < len(lines) and budget > 0:
            line = lines[row]
            if forward:
                start = column if column is not None else 0
                segment = line[start : start + budget]
                matches = list(_BRACKET_RE.finditer(segment))
            else:
                end = column + 1 if column is not None else len(line)
                start = max(0, end - budget)
                segment = line[start:end]
                matches = list(_BRACKET_RE.finditer(segment))[::-1]
            budget -= len(segment) + 1
            for match in matches:
                if (match.group() in "{[(") == forward:
                    depth += 1
                else:
                    depth -= 1
                    if depth == 0:
                        return row, start + match.start()
            row += 1 if forward else -1
            column = None
        return None

    # -- rendering ------------------------------------------------------------------------------

    def _render_line(self, y: int) -> Strip:
        """TextArea's line rendering, fed the highlights of just this line.

        TextArea layers the cursor line, selection, highlights, then cursor, from its highlight
        map; rather than a map of the whole document, it gets a one-line map tokenized now.
        The error cell is painted on the finished strip so that it shows on the cursor line too.
        """
        scroll_x, scroll_y = self.scroll_offset
        try:
            line_index, _ = self.wrapped_document._offset_to_line_info[scroll_y + y]
        except IndexError:
            return super()._render_line(y)
        line = self.document[line_index]
        if len(line) > LONG_LINE and not self.soft_wrap and self._one_cell_each(line_index):
            strip = self._render_long_line(line_index, line, scroll_x)
        else:
            # Long lines get no map at all: TextArea would walk all its bytes in Python.
            short = len(line) <= LONG_LINE
            self._highlights = {line_index: self._tokenize(line)} if short else {}
            try:
                strip = super()._render_line(y)
            finally:
                self._highlights = {}
        if strip.cell_length > self.size.width:
            # TextArea returns the whole line (1 MiB of it, for a pasted one-liner) and leaves
            # the cropping to the compositor: crop once here, before anything else walks it.
            strip = strip.crop(0, self.size.width)
        error = self.error_location
        if (
            error is not None
            and error[0] == line_index
            and error[1] is not None
            and not (self._draw_cursor and self.cursor_location == error)  # keep the cursor
        ):
            x = self.gutter_width + cells(line[: error[1]], self.indent_width) - scroll_x
            if self.gutter_width <= x < strip.cell_length:
                style = self.get_component_rich_style("detail-editor--error-cell", partial=True)
                cell = Strip(
                    Segment(segment.text, (segment.style or Style()) + style)
                    for segment in strip.crop(x, x + 1)
                )
                strip = Strip.join([strip.crop(0, x), cell, strip.crop(x + 1, strip.cell_length)])
        return strip

    def _one_cell_each(self, line_index: int) -> bool:
        """Whether every character of the line is one cell wide (printable ASCII: no tab, no
        control character), remembered until the document changes."""
        key = (self.revision, line_index)
        if self._one_cell_line is None or self._one_cell_line[0] != key:
            line = self.document[line_index]
            self._one_cell_line = (key, line.isascii() and line.isprintable())
        return self._one_cell_line[1]

    def _render_long_line(self, line_index: int, line: str, scroll_x: int) -> Strip:
        """What TextArea's ``_render_line`` draws for a long line of one-cell characters, made
        from the part on screen only.

        TextArea styles, renders and measures the whole line (a pasted 2.5 MB one-liner: 50 ms,
        on every blink of the cursor), then crops it. Here a column is a cell, so the visible
        columns are cut out first and given the same styles in the same order: the error line,
        the cursor line, the selection, the matched brackets and the cursor."""
        theme = self._theme
        base_style = theme.base_style if theme and theme.base_style is not None else self.rich_style
        gutter_width = self.gutter_width
        text_width = max(0, self.size.width - gutter_width)
        length = len(line) + 1  # TextArea's room for the cursor after the last character
        left = min(scroll_x, length)
        right = min(scroll_x + text_width, length)
        visible = line[left:right] + (" " if left < right == length else "")
        text = Text(visible, end="", no_wrap=True)

        def stylize(style: Style | None, start: int = 0, end: int = length) -> None:
            start, end = max(start, left) - left, min(end, right) - left
            if style is not None and start < end:
                text.stylize(style, start, end)

        error = self.error_location
        if error is not None and error[0] == line_index:
            error_style = self.get_component_rich_style("detail-editor--error-line", partial=True)
            stylize(error_style, 0, len(line))
        selection = self.selection
        start, end = selection
        cursor_row, cursor_column = end
        on_cursor_row = cursor_row == line_index
        has_cursor = self._has_cursor
        highlight_cursor_line = self.highlight_cursor_line and has_cursor
        cursor_line_style = theme.cursor_line_style if theme and highlight_cursor_line else None
        if on_cursor_row:
            stylize(cursor_line_style)
        (top_row, top_column), (bottom_row, bottom_column) = sorted(selection)
        if start != end and top_row <= line_index <= bottom_row and theme:
            stylize(
                theme.selection_style,
                top_column if line_index == top_row else 0,
                bottom_column if line_index == bottom_row else len(line),
            )
        bracket = self._matching_bracket_location
        brackets = has_cursor and self.match_cursor_bracket and bracket and start == end
        bracket_style = theme.bracket_matching_style if theme else None
        if on_cursor_row:
            if brackets:
                stylize(bracket_style, cursor_column, cursor_column + 1)
            if self._draw_cursor and theme:
                stylize(theme.cursor_style, cursor_column, cursor_column + 1)
        if brackets and bracket and bracket[0] == line_index:
            stylize(bracket_style, bracket[1], bracket[1] + 1)

        strip = Strip(text.render(self.app.console), cell_length=len(visible))
        line_style = (
            cursor_line_style
            if on_cursor_row and self.highlight_cursor_line
            else (theme.base_style if theme else None)
        )
        strip = strip.extend_cell_length(text_width, line_style)
        if self.show_line_numbers:
            gutter_style = (
                theme.cursor_line_gutter_style
                if theme and on_cursor_row and highlight_cursor_line
                else (theme.gutter_style if theme else None)
            )
            number = f"{line_index + self.line_number_start:>{gutter_width - 2}}  "
            strip = Strip.join([Strip([Segment(number, gutter_style)], gutter_width), strip])
        return strip.apply_style(base_style)

    @staticmethod
    def _tokenize(line: str) -> list[tuple[int, int | None, str]]:
        """TextArea highlights (start byte, end byte, theme style name) for one line of JSON."""
        names = _THEME_NAMES
        return [
            (match.start(), match.end(), names[match.lastgroup or ""])
            for match in _TOKEN_RE.finditer(line.encode())
        ]

    def get_line(self, line_index: int) -> Text:
        """The line as rich Text, underlined if it holds the marked error."""
        text = super().get_line(line_index)
        plain = text.plain
        if (
            len(plain) > LONG_LINE
            and not plain.isascii()  # the common case, and a C-speed test (the other walks it)
            and not _single_cells(plain)
            and self._theme is not None
        ):
            # rich splits a segment at a cell position by stepping one character at a time and
            # re-measuring the prefix: quadratic in the segment's length unless every character
            # is one cell wide (44 s for a 1 MiB line of CJK). Invisible spans (the base style,
            # which the line gets anyway) keep every segment of a long line short.
            base = self._theme.base_style or Style()
            for start in range(0, len(plain), _SEGMENT_CHARS):
                text.stylize(base, start, start + _SEGMENT_CHARS)
        error = self.error_location
        if error is not None and error[0] == line_index:
            text.stylize(self.get_component_rich_style("detail-editor--error-line", partial=True))
        return text

    def render_line(self, y: int) -> Strip:
        """TextArea.render_line without its placeholder test, which joins the whole document."""
        if self.placeholder and self.document.line_count == 1 and not self.document[0]:
            return super().render_line(y)
        scroll_x, scroll_y = self.scroll_offset
        absolute_y = scroll_y + y
        selection = self.selection
        _, cursor_y = self._cursor_offset
        cache_key = (
            self.size,
            scroll_x,
            absolute_y,
            (
                selection
                if selection.contains_line(absolute_y) or self.soft_wrap
                else selection.end[0] == absolute_y
            ),
            (
                selection.end
                if (self._cursor_visible and self.cursor_blink and absolute_y == cursor_y)
                else None
            ),
            self.theme,
            self._matching_bracket_location,
            self.match_cursor_bracket,
            self.soft_wrap,
            self.show_line_numbers,
            self.read_only,
            self.show_cursor,
            self.suggestion,
        )
        if (cached_line := self._line_cache.get(cache_key)) is not None:
            return cached_line
        line = self._render_line(y)
        self._line_cache[cache_key] = line
        return line

    def set_error(self, location: tuple[int, int | None] | None) -> None:
        if location != self.error_location:
            self.error_location = location
            self._line_cache.clear()
            self.refresh()


def _measure(lines: Sequence[str], tab_width: int) -> int:
    """The widest of ``lines`` in cells."""
    joined = "".join(lines)
    if joined.isascii() and joined.isprintable():
        return max(map(len, lines), default=0)  # a cell a character, tested at C speed
    widest = 0
    for line in lines:
        if 2 * len(line) > widest:  # a character is at most 2 cells wide
            widest = max(widest, cells(line, tab_width))
    return widest


def cells(text: str, tab_width: int = 4) -> int:
    """The width of ``text`` in terminal cells (``cell_len``, after expanding tabs)."""
    if "\t" in text:
        text = expand_tabs_inline(text, tab_width)
    return len(text) if text.isascii() and text.isprintable() else cell_len(text)


class DetailEditor(Widget):
    """JSON editing of a PutEvents Detail, with debounced change events and live validation."""

    DEFAULT_CSS = """
    DetailEditor { height: 1fr; min-height: 5; }
    DetailEditor > JsonTextArea { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+f", "format_json", "Format", id="detail.format"),
    ]

    @dataclass
    class Changed(Message):
        """The text changed; posted ~150 ms after the last edit of a burst, not per keystroke."""

        editor: DetailEditor
        text: str

        @property
        def control(self) -> DetailEditor:
            return self.editor

    @dataclass
    class Validated(Message):
        """Live validation finished (off the keystroke path); ``problem`` None means valid."""

        editor: DetailEditor
        problem: str | None
        line: int | None
        column: int | None

        @property
        def control(self) -> DetailEditor:
            return self.editor

    @dataclass
    class _Checked(Message):
        """A thread worker's validation result, back on the UI thread."""

        generation: int
        text: str
        result: DetailCheck
        pretty: str | None
        """The text pretty-printed, when it is valid and has a line longer than LONG_LINE."""

    def __init__(
        self, text: str = "{}", *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._area = JsonTextArea(pretty_json(text) or text)
        self._generation = 0
        self._due = 0.0
        """When the current burst of edits settles (monotonic seconds)."""
        self._waiting = False
        """Edits are waiting to settle (to be read, announced and validated)."""
        self._timer: Timer | None = None
        """The debounce timer, while one is armed."""
        self._announce = False
        self._debounce = DEBOUNCE_SECONDS
        self._cached_text: tuple[int, str] | None = None
        self.validator = check_detail
        """The validation function (replaceable, e.g. by benchmarks)."""
        self.validations = 0
        """How many validations have run (for tests and benchmarks)."""

    def compose(self) -> ComposeResult:
        yield self._area

    def on_mount(self) -> None:
        self._schedule(announce=False)  # validate the initial text; it hasn't changed
        self._follow_theme()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._follow_theme())

    def _follow_theme(self) -> None:
        """JSON colours for the app's theme: TextArea's default ("css") has a dark theme's,
        which a light theme shows as light grey on light grey."""
        self._area.theme = "css" if self.app.current_theme.dark else "github_light"

    # -- public API -----------------------------------------------------------------------------

    @property
    def text_area(self) -> JsonTextArea:
        """The inner TextArea (cursor, selection, undo); edit through it as usual."""
        return self._area

    @property
    def debounce(self) -> float:
        """Seconds of quiet after an edit before Changed and validation (``DEBOUNCE_SECONDS``)."""
        return self._debounce

    @debounce.setter
    def debounce(self, seconds: float) -> None:
        self._debounce = seconds

    @property
    def text(self) -> str:
        """The current JSON text (cached between edits: joining 1 MiB of lines isn't free)."""
        revision = self._area.revision
        if self._cached_text is None or self._cached_text[0] != revision:
            self._cached_text = (revision, self._area.text)
        return self._cached_text[1]

    @text.setter
    def text(self, text: str) -> None:
        self.load_text(text)

    def load_text(self, text: str) -> None:
        """Replace the document, pretty-printed if it is valid JSON, as-is otherwise."""
        self._area.load_text(pretty_json(text) or text)

    def format_json(self) -> bool:
        """Pretty-print in place (undoable); False, and no change, if the text isn't valid JSON."""
        current = self.text
        pretty = pretty_json(current)
        if pretty is None:
            return False
        if pretty != current:
            self._replace_all(pretty)
        return True

    def _replace_all(self, text: str, *, with_last_edit: bool = False) -> None:
        """Replace the whole document as one undoable edit, keeping the cursor's row;
        ``with_last_edit``: undone and redone together with the edit before it."""
        area = self._area
        row = area.cursor_location[0]
        area.replace_all(text)
        if with_last_edit:
            area.join_last_edits()
        area.move_cursor((min(row, area.document.line_count - 1), 0))

    def mark_error(self, line: int | None, column: int | None) -> None:
        """Mark the error at 1-based ``line``/``column`` (the cell and its line); None clears."""
        if line is None:
            self._area.set_error(None)
        else:
            self._area.set_error((line - 1, None if column is None else column - 1))

    def action_format_json(self) -> None:
        if not self.format_json():
            self.notify("Detail is not valid JSON; fix it before formatting", severity="warning")

    def focus(self, scroll_visible: bool = True) -> DetailEditor:
        """Focus the text area (the editor itself is only a frame)."""
        self._area.focus(scroll_visible)
        return self

    # -- debounced change and validation --------------------------------------------------------

    @on(TextArea.Changed)
    def _area_changed(self, event: TextArea.Changed) -> None:
        """Per-edit notification from the text area: O(1), only (re)arms the debounce."""
        event.stop()
        at_once, self._area.settle_at_once = self._area.settle_at_once, False
        self._schedule(at_once=at_once)

    def _schedule(self, announce: bool = True, at_once: bool = False) -> None:
        """Note an edit; one timer per burst (re-armed in ``_settle``, not per keystroke).
        ``at_once``: the edit is not typing (a paste), so the burst settles now."""
        self._due = time.monotonic() + (0 if at_once else self._debounce)
        self._announce = self._announce or announce
        self._waiting = True
        if at_once:
            self._stop_timer()
            self.call_later(self._settle)
        elif self._timer is None:
            self._timer = self.set_timer(self._debounce, self._timer_fired)

    def _timer_fired(self) -> None:
        self._timer = None
        self._settle()

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _settle(self) -> None:
        """Runs when the timer fires; re-arms until typing has paused for the debounce time."""
        if not self._waiting:
            return  # settled already (a paste's call came as well as the timer)
        wait = self._due - time.monotonic()
        if wait > 0:
            if self._timer is None:
                self._timer = self.set_timer(wait, self._timer_fired)
            return
        self._stop_timer()
        self._waiting = False
        self._generation += 1
        text = self.text
        if self._announce:
            self._announce = False
            self.post_message(self.Changed(self, text))
        generation = self._generation
        self.run_worker(
            lambda: self._validate(generation, text),
            thread=True,
            exclusive=True,
            group="detail-validate",
            name="detail-validate",
        )

    def _validate(self, generation: int, text: str) -> None:
        """In a thread worker: parse and check the text; stale results are dropped later."""
        try:
            result = self.validator(text)
        except Exception as exc:  # never let a checker bug take the app down
            result = DetailCheck(None, f"could not be checked: {exc}")
        pretty = None
        if result.problem is None and max(map(len, text.split("\n"))) > LONG_LINE:
            # A pasted one-liner: pretty-print it here rather than on the UI thread (it has
            # just been read as JSON: not again).
            pretty = indented(text)
        if not get_current_worker().is_cancelled:
            self.post_message(self._Checked(generation, text, result, pretty))

    @on(_Checked)
    def _checked(self, event: _Checked) -> None:
        event.stop()
        if event.generation != self._generation or self._waiting:
            return  # the text has changed since: a newer validation is on its way
        self.validations += 1
        result = event.result
        self.mark_error(result.line, result.column)
        self.post_message(self.Validated(self, result.problem, result.line, result.column))
        if event.pretty is not None and event.pretty != event.text:
            # The edit that made the one-liner (a paste, say) and its reformat are one step
            # of the history, and the reformatted text is announced without a pause.
            self._area.settle_at_once = True
            self._replace_all(event.pretty, with_last_edit=True)
