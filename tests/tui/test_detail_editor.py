"""The Detail editor: live validation, formatting, debouncing, and staying correct at 1 MiB.

No test asserts on timing: waits poll for the expected state with a generous deadline.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.document._wrapped_document import WrappedDocument
from textual.pilot import Pilot
from textual.widgets import TextArea
from textual.widgets.text_area import Selection
from tui_helpers import fill, ready, settle

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.core.entries import compact_detail
from eventcomposer.tui.app import EventComposerApp
from eventcomposer.tui.widgets.detail_editor import DetailEditor, JsonTextArea, cells

SIZE = (80, 24)


class EditorApp(App[None]):
    """Hosts one DetailEditor and records the messages it posts."""

    def __init__(self, text: str = "{}") -> None:
        super().__init__()
        self.initial = text
        self.changed: list[str] = []
        self.validated: list[tuple[str | None, int | None, int | None]] = []

    def compose(self) -> ComposeResult:
        yield DetailEditor(self.initial, id="detail")

    def on_detail_editor_changed(self, message: DetailEditor.Changed) -> None:
        self.changed.append(message.text)

    def on_detail_editor_validated(self, message: DetailEditor.Validated) -> None:
        self.validated.append((message.problem, message.line, message.column))


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 20) -> None:
    """Let the app run until ``condition`` holds (debounce and thread workers take a while)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        await pilot.pause(0.05)


def big_detail(target: int = 1024 * 1024) -> dict[str, Any]:
    """A Detail object whose compact JSON is about ``target`` bytes."""
    items = [
        {"id": i, "name": f"item-{i}", "tags": ["red", "größe-L"], "price": 1.5, "ok": True}
        for i in range(target // 80)
    ]
    return {"items": items}


async def test_invalid_json_is_reported_with_its_position_and_marked() -> None:
    app = EditorApp('{"a": 1}')
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = app.query_one(DetailEditor)
        area = editor.text_area
        await wait_for(pilot, lambda: app.validated == [(None, None, None)])
        area.focus()
        area.move_cursor((1, len(area.document[1])))  # after `"a": 1`
        await pilot.press("comma")
        await wait_for(pilot, lambda: len(app.validated) == 2)
        problem, line, column = app.validated[-1]
        assert problem is not None and "not valid JSON" in problem
        # Where Python's json says: the "}" where a property name was expected; from 3.13 on,
        # the trailing comma itself.
        (line_at, column_at), char = ((3, 1), "}") if sys.version_info < (3, 13) else ((2, 9), ",")
        assert (line, column) == (line_at, column_at)
        assert area.error_location == (line_at - 1, column_at - 1)
        assert area.get_line(line_at - 1).spans[-1].style.underline
        area.move_cursor((0, 0))  # the cell under the cursor shows the cursor instead
        error_style = area.get_component_rich_style("detail-editor--error-cell", partial=True)
        start = area.gutter_width + column_at - 1
        cell = area._render_line(line_at - 1).crop(start, start + 1)
        assert [(s.text, s.style.bgcolor) for s in cell] == [(char, error_style.bgcolor)]

        area.move_cursor((1, len(area.document[1])))
        await pilot.press("backspace")
        await wait_for(pilot, lambda: len(app.validated) == 3)
        assert app.validated[-1] == (None, None, None)
        assert area.error_location is None
        assert json.loads(editor.text) == {"a": 1}


async def test_non_object_detail_is_a_problem_without_position() -> None:
    app = EditorApp("[1, 2]")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await wait_for(pilot, lambda: len(app.validated) == 1)
        problem, line, column = app.validated[0]
        assert problem == "must be a JSON object, not an array"
        assert (line, column) == (None, None)


async def test_format_json_pretty_prints_valid_and_refuses_invalid() -> None:
    app = EditorApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = app.query_one(DetailEditor)
        area = editor.text_area
        area.load_text('{"a":1,"b":[1,2]}')  # as typed: not pretty-printed
        assert editor.text == '{"a":1,"b":[1,2]}'
        assert editor.format_json() is True
        assert editor.text == json.dumps({"a": 1, "b": [1, 2]}, indent=2)

        area.load_text('{"a": 1,,}')
        assert editor.format_json() is False
        assert editor.text == '{"a": 1,,}'

        area.load_text('{"z":  true}')
        area.focus()
        await pilot.press("ctrl+f")  # the Format binding
        assert editor.text == '{\n  "z": true\n}'
        area.undo()  # formatting is an ordinary, undoable edit
        assert editor.text == '{"z":  true}'


async def test_format_binding_has_an_id() -> None:
    ids = {binding.id for binding in DetailEditor.BINDINGS if isinstance(binding, Binding)}
    assert "detail.format" in ids


async def test_load_text_pretty_prints_a_one_line_document() -> None:
    app = EditorApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = app.query_one(DetailEditor)
        editor.load_text('{"order": {"id": "é-1", "items": [1, 2, 3]}}')
        expected = {"order": {"id": "é-1", "items": [1, 2, 3]}}
        assert editor.text == json.dumps(expected, indent=2, ensure_ascii=False)
        assert editor.text_area.document.line_count == 10

        editor.load_text('{"not": json')  # invalid: kept as it is
        assert editor.text == '{"not": json'


async def test_constructor_text_is_pretty_printed() -> None:
    app = EditorApp('{"a": [true, null]}')
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.query_one(DetailEditor).text == '{\n  "a": [\n    true,\n    null\n  ]\n}'


async def test_the_editor_shows_every_value_as_written_and_a_line_separator_as_its_escape() -> None:
    # Raw U+2028 is valid in a JSON string, but an editor ends the line there: shown as its
    # escape (the same string), the Detail stays valid, and the escape is what is sent.
    written = r'{"n": 1e400, "p": 0.10000000000000000000001, "e": 1E5, "s": "a\u2028b\u00e9"}'
    raw = written.replace("\\u2028", "\u2028")
    app = EditorApp(raw)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.query_one(DetailEditor)
        await wait_for(pilot, lambda: bool(app.validated))
        assert app.validated[-1] == (None, None, None)
        assert editor.text == (
            '{\n  "n": 1e400,\n  "p": 0.10000000000000000000001,\n  "e": 1E5,\n'
            '  "s": "a\\u2028b\\u00e9"\n}'
        )
        assert editor.text_area.document.line_count == 6
        assert compact_detail(editor.text) == compact_detail(raw) == written.replace(" ", "")


async def test_changed_is_debounced() -> None:
    app = EditorApp('{"a": ""}')
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = app.query_one(DetailEditor)
        # A long quiet time, so that a slow machine can't split the burst.
        editor.debounce = 1.0
        await wait_for(pilot, lambda: len(app.validated) == 1)
        area = editor.text_area
        area.focus()
        area.move_cursor((1, len('  "a": "')))
        await pilot.press(*"hello")
        await wait_for(pilot, lambda: len(app.validated) == 2)
        assert app.changed == ['{\n  "a": "hello"\n}']
        assert editor.validations == 2

        # Many programmatic edits in one go: still one Changed, one validation.
        for _ in range(50):
            area.insert("!")
        await wait_for(pilot, lambda: len(app.validated) == 3)
        assert len(app.changed) == 2 and app.changed[-1].count("!") == 50
        assert editor.validations == 3


async def test_a_1_mib_document_loads_and_accepts_edits() -> None:
    detail = big_detail()
    compact = json.dumps(detail, ensure_ascii=False)
    assert len(compact.encode()) >= 1000 * 1024
    app = EditorApp(compact)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = app.query_one(DetailEditor)
        area = editor.text_area
        assert area.document.line_count > 100_000  # pretty-printed
        await pilot.pause()
        middle = area.document.line_count // 2
        row = next(r for r in range(middle, middle + 20) if '"name": "' in area.document[r])
        column = area.document[row].index('"name": "') + len('"name": "')
        area.focus()
        area.move_cursor((row, column))
        editor.debounce = 1.0  # one validation for the whole burst, however slow the machine
        await wait_for(pilot, lambda: editor.validations == 1)
        await pilot.press("x", "y")
        await pilot.press("enter", "backspace")  # line count changes and back
        await wait_for(pilot, lambda: editor.validations == 2)
        assert app.validated[-1] == (None, None, None)
        assert len(app.changed) == 1
        assert area.document[row].startswith('      "name": "xyitem-')
        assert sum(item["name"].startswith("xy") for item in json.loads(editor.text)["items"]) == 1
        assert_unwrapped_view_consistent(area)


async def test_a_pasted_one_line_document_is_reformatted_once_valid() -> None:
    compact = json.dumps(big_detail(300 * 1024))
    app = EditorApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = app.query_one(DetailEditor)
        area = editor.text_area
        area.focus()
        area.select_all()
        app.post_message(events.Paste(compact))  # as the terminal driver does
        await wait_for(pilot, lambda: area.document.line_count > 1)
        # Laid out, every token as pasted (its \u escapes too).
        assert editor.text == json.dumps(json.loads(compact), indent=2)

        # An invalid one-liner stays one line, editable.
        area.load_text(compact[:-1])
        area.move_cursor((0, len(compact) // 2))
        await pilot.press("q")
        await wait_for(pilot, lambda: app.validated[-1][0] is not None)
        assert area.document.line_count == 1
        assert len(editor.text) == len(compact)


async def test_a_paste_is_inserted_once_where_the_cursor_is() -> None:
    app = EditorApp('{"a": ""}')
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = app.query_one(DetailEditor)
        area = editor.text_area
        area.focus()
        area.move_cursor((1, len('  "a": "')))
        app.post_message(events.Paste("xyz"))
        await wait_for(pilot, lambda: app.changed != [])
        assert editor.text == '{\n  "a": "xyz"\n}'
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: app.changed[-1] == '{\n  "a": ""\n}')


async def test_a_paste_over_the_whole_document_is_undone_and_redone_in_one_step() -> None:
    """Ctrl+A, paste a long one-liner (reformatted once it is checked), Ctrl+Z: the document
    from before the paste, not the one-liner (which would only be reformatted again)."""
    pasted = big_detail(300 * 1024)
    pretty = json.dumps(pasted, indent=2, ensure_ascii=False)
    app = EditorApp('{"before": [1, 2, 3]}')
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = app.query_one(DetailEditor)
        area = editor.text_area
        before = editor.text
        area.focus()
        area.select_all()
        app.post_message(events.Paste(json.dumps(pasted, ensure_ascii=False)))
        await wait_for(pilot, lambda: app.changed[-1:] == [pretty])
        assert editor.text == pretty

        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: app.changed[-1] == before)
        assert editor.text == before
        assert app.validated[-1] == (None, None, None)

        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: app.changed[-1] == pretty)
        assert editor.text == pretty
        assert_unwrapped_view_consistent(area)


async def test_undoing_a_paste_over_the_whole_detail_puts_the_old_one_back_in_the_model(
    presets_dir: Path,
) -> None:
    """What the preview shows and Send sends follows Ctrl+Z and Ctrl+Y after a paste."""
    app = EventComposerApp(AwsSettings(profile="dev", region="eu-west-1"), presets_dir)
    pasted = big_detail(300 * 1024)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {"order": 1})
        await settle(pilot)
        before = app.state.entry.detail
        assert json.loads(before) == {"order": 1}
        area = app.editor.text_area
        await pilot.press("alt+d", "ctrl+a")  # the Detail editor, all of it
        assert area.selected_text == area.text
        app.post_message(events.Paste(json.dumps(pasted)))
        await wait_for(pilot, lambda: area.document.line_count > 100)
        await wait_for(pilot, lambda: app.state.entry.detail == app.editor.text)
        assert json.loads(app.state.resolved()[0].detail) == pasted

        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: app.state.entry.detail == before)
        assert app.editor.text == before
        assert app.state.resolved()[0].detail == compact_detail(before) == '{"order":1}'

        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: app.state.entry.detail != before)
        assert app.state.entry.detail == app.editor.text
        assert json.loads(app.state.resolved()[0].detail) == pasted


async def test_syntax_colours_come_from_the_theme() -> None:
    app = EditorApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        area = app.query_one(JsonTextArea)
        area.load_text('{\n  "kéy": "välue",\n  "n": -1.5e3, "t": true, "z": null\n}')
        area.focus()
        area.move_cursor((1, 0))  # colours must survive the cursor line's style
        styles = area._theme.syntax_styles
        for row, expected in (
            (1, {'"kéy"': "json.label", '"välue"': "string", ":": "punctuation.delimiter"}),
            (2, {"-1.5e3": "number", "true": "boolean", "null": "json.null"}),
            (0, {"{": "punctuation.bracket"}),
        ):
            segments = {s.text: s.style for s in area._render_line(row)}
            for text, name in expected.items():
                assert segments[text].color == styles[name].color, (text, name)
        # A very long line is not tokenized (no per-token spans to render).
        area.load_text('{"s": "' + "a" * 20_000 + '"}')
        strip = area._render_line(0)
        syntax = {styles[name].color for name in ("json.label", "string", "punctuation.bracket")}
        assert not {s.style.color for s in strip} & syntax


async def test_a_long_line_of_wide_characters_renders_where_scrolled() -> None:
    app = EditorApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        area = app.query_one(JsonTextArea)
        line = "".join(chr(0x4E00 + i % 500) for i in range(40_000))  # 2 cells each
        area.load_text(line)
        area.focus()
        area.move_cursor((0, 30_000))
        await pilot.pause()
        scroll_x = area.scroll_offset.x
        assert scroll_x > 50_000
        rendered = "".join(segment.text for segment in area._render_line(0))
        visible = rendered[area.gutter_width :]
        first = scroll_x // 2 + scroll_x % 2  # a half-visible wide character shows as a space
        assert visible.lstrip(" ").startswith(line[first : first + 20])


async def test_a_long_line_is_drawn_as_textarea_draws_it() -> None:
    """A long line of one-cell characters is drawn from its visible part only; cell for cell
    and style for style it is what TextArea's own rendering of the whole line shows."""
    long = '  "k": "' + "ab[c]d" * 5_000 + '",'
    app = EditorApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = app.query_one(DetailEditor)
        editor.debounce = 60.0  # no validation meanwhile: the error mark is set by hand
        area = editor.text_area
        area.load_text("{\n" + long + '\n  "m": [1, 2]\n}')
        area.focus()
        bracket = long.index("[", 20_000)
        states: list[tuple[tuple[int, int], tuple[int, int]]] = [
            ((1, 0), (1, 0)),
            ((1, 15_000), (1, 15_000)),
            ((1, len(long)), (1, len(long))),  # at the end, where TextArea's extra cell is
            ((1, bracket), (1, bracket)),  # matched brackets
            ((1, 100), (1, 20_000)),  # selected within the line
            ((0, 1), (1, 700)),
            ((1, 29_990), (3, 1)),
            ((0, 0), (3, 1)),
        ]
        for theme in ("css", "github_light"):
            area.theme = theme
            for anchor, cursor in states:
                for error in (None, (1, cursor[1] + 3)):
                    area.selection = Selection(anchor, cursor)
                    area.set_error(error)
                    await pilot.pause()
                    assert _drawn_both_ways(area), (theme, anchor, cursor, error)
        area.blur()
        await pilot.pause()
        assert _drawn_both_ways(area)


def _drawn_both_ways(area: JsonTextArea) -> bool:
    """The long line (row 1) drawn from its visible part, and through TextArea's rendering of
    all of it, are the same cells in the same styles."""
    y = 1 - area.scroll_offset.y
    windowed = area._render_line(y)
    setattr(area, "_one_cell_each", lambda _row: False)  # noqa: B010 - shadows the method
    try:
        whole = area._render_line(y)
    finally:
        delattr(area, "_one_cell_each")
    cells = [[(c, s.style) for s in strip for c in s.text] for strip in (windowed, whole)]
    return cells[0] == cells[1]


def test_tokenizer_gives_byte_ranges_and_theme_names() -> None:
    tokens = JsonTextArea._tokenize('  "ké": ["x\\"y", 1e-3, false, null, "open')
    line = '  "ké": ["x\\"y", 1e-3, false, null, "open'.encode()
    assert [(line[a:b].decode(), name) for a, b, name in tokens] == [
        ('"ké"', "json.label"),
        (":", "punctuation.delimiter"),
        ("[", "punctuation.bracket"),
        ('"x\\"y"', "string"),
        (",", "punctuation.delimiter"),
        ("1e-3", "number"),
        (",", "punctuation.delimiter"),
        ("false", "boolean"),
        (",", "punctuation.delimiter"),
        ("null", "json.null"),
        (",", "punctuation.delimiter"),
        ('"open', "string"),  # unterminated while typing: to the end of the line
    ]


async def test_bounded_bracket_matching_agrees_with_textarea() -> None:
    text = json.dumps({"a": [1, {"b": [2, 3]}], "c": {"d": []}}, indent=2)
    app = EditorApp(text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        ours = app.query_one(JsonTextArea)
        stock = TextArea(text)
        lines = ours.document.lines
        for row, line in enumerate(lines):
            for column, char in enumerate(line):
                if char in "{}[]":
                    expected = stock.find_matching_bracket(char, (row, column))
                    assert ours.find_matching_bracket(char, (row, column)) == expected


async def test_line_edits_keep_the_unwrapped_view_consistent() -> None:
    app = EditorApp('{"a": [1, 2, 3], "b": {"c": "d"}}')
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        area = app.query_one(DetailEditor).text_area
        area.focus()
        area.move_cursor((2, 3))
        await pilot.press("enter", "enter", "x", "backspace", "backspace")
        assert_unwrapped_view_consistent(area)
        area.select_all()
        area.insert("{\n\t\n}")
        assert_unwrapped_view_consistent(area)
        area.undo()
        assert_unwrapped_view_consistent(area)
        area.redo()
        area.delete((0, 0), (1, 0))
        assert_unwrapped_view_consistent(area)


def assert_unwrapped_view_consistent(area: TextArea) -> None:
    """Our incremental no-wrap index equals what WrappedDocument builds from scratch."""
    fresh = WrappedDocument(area.document, width=0, tab_width=area.indent_width)
    view = area.wrapped_document
    assert view._offset_to_line_info == fresh._offset_to_line_info
    assert view._line_index_to_offsets == fresh._line_index_to_offsets
    assert view._wrap_offsets == fresh._wrap_offsets
    assert view._tab_width_cache == fresh._tab_width_cache
    assert view.height == fresh.height
    last = area.document.line_count - 1
    for location in ((0, 0), (last, len(area.document[last])), (last // 2, 1)):
        assert view.location_to_offset(location) == fresh.location_to_offset(location)


#: Any JSON value, its strings made of what JSON escapes or the indenting looks for.
def test_cells_counts_like_rich() -> None:
    from rich.cells import cell_len

    for text in ("", "plain", "größe", "中文字", "a\tb", "x" * 5000 + "中", "bell\x07"):
        assert cells(text) == cell_len(text.expandtabs(4))
