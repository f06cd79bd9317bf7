"""Issue 12: keys that never fight the user, every action by keyboard, dialogs that take the
focus, a failing $EDITOR, Save as that asks, and layouts from 80x24 up."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea
from tui_helpers import fill, ready, run_from_palette, settle, wait_for

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.tui.app import EventComposerApp
from eventcomposer.tui.bus_and_rules import missing_bus_message
from eventcomposer.tui.navigation import QuitScreen
from eventcomposer.tui.screens.confirm import ConfirmScreen
from eventcomposer.tui.screens.help import HelpScreen
from eventcomposer.tui.screens.history import HistoryScreen
from eventcomposer.tui.screens.preview import PreviewScreen
from eventcomposer.tui.screens.save_as import SaveAsScreen
from eventcomposer.tui.widgets.batch_list import entry_label
from eventcomposer.tui.widgets.rules_panel import RulesPanel

SIZE = (120, 40)
#: Not --local: no server, no ports; nothing here calls AWS.
OFFLINE = AwsSettings(profile="dev", region="eu-west-1")


def _focused_in_editor(app: EventComposerApp) -> bool:
    return isinstance(app.focused, TextArea) and app.focused in app.editor.query(TextArea)


# -- key routing ------------------------------------------------------------------------------


async def test_f6_and_f7_in_the_detail_editor_open_history_and_preview(presets_dir: Path) -> None:
    """TextArea's own F6 (select line) and F7 (select all) lose to the composer's keys."""
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {"a": 1})
        await pilot.press("alt+d")
        await pilot.pause()
        assert _focused_in_editor(app)
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, PreviewScreen))
        area = app.editor.text_area
        assert area.selected_text == ""  # F7 did not select everything
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, PreviewScreen))
        assert _focused_in_editor(app)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        assert area.selected_text == ""


async def test_every_footer_key_works_in_every_pane(presets_dir: Path) -> None:
    """F2 (a key in the footer) opens the bus picker wherever the focus is."""
    from eventcomposer.tui.screens.bus_picker import BusPickerScreen

    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for pane in ("alt+p", "alt+e", "alt+s", "alt+d"):
            await pilot.press(pane)
            await pilot.pause()
            await pilot.press("f2")
            await wait_for(pilot, lambda: isinstance(app.screen, BusPickerScreen))
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is app.screen_stack[0])


async def test_alt_keys_jump_to_each_pane_and_are_not_typed(presets_dir: Path) -> None:
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await settle(pilot)
        source = app.query_one("#source-input", Input)
        source.focus()
        await pilot.press("alt+p")
        await pilot.pause()
        assert app.focused is app.browser.file_tree
        assert source.value == ""  # Alt+P was not typed into the Source
        await pilot.press("alt+e")
        await pilot.pause()
        assert app.focused is app.batch.list_view
        await pilot.press("alt+s")
        await pilot.pause()
        assert app.focused is source
        await pilot.press("alt+d")
        await pilot.pause()
        assert _focused_in_editor(app)
        await pilot.press("alt+r")
        await pilot.pause()
        assert app.focused is app.query_one("#rules-list")
        assert app.editor.text == "{}"  # nothing typed into the Detail either


async def test_composer_keys_leave_dialogs_alone(presets_dir: Path) -> None:
    """Over a dialog, the dialog's keys answer: F1 closes help, F6 does nothing."""
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await wait_for(pilot, lambda: app.screen is app.screen_stack[0])
        assert len(app.screen_stack) == 1


# -- every action by keyboard -----------------------------------------------------------------


async def test_first_resource_by_keyboard_and_removing_one_leaves_a_cursor(
    presets_dir: Path,
) -> None:
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        # Ctrl+R from the Detail editor adds the first resource and focuses it.
        await pilot.press("alt+d", "ctrl+r")
        await pilot.pause()
        await pilot.press(*"arn:one")
        await pilot.press("ctrl+r", *"arn:two")
        await settle(pilot)
        assert app.state.entry.resources == ["arn:one", "arn:two"]
        await pilot.press("ctrl+l")  # removes the focused row (the second)
        await settle(pilot)
        focused = app.focused
        assert isinstance(focused, Input) and focused.value == "arn:one"
        assert focused.selected_text == ""  # the next key doesn't replace the ARN
        await pilot.press("x")
        await settle(pilot)
        assert app.state.entry.resources == ["arn:onex"]
        # "+ add" is a Tab stop: Enter on it adds a row.
        link = app.query_one("#resource-add")
        link.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.state.entry.resources == ["arn:onex", ""]


async def test_tab_reaches_add_resource(presets_dir: Path) -> None:
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.query_one("#entry-bus-input", Input).focus()
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is app.query_one("#resource-add")


async def test_new_batch_from_the_palette_asks_when_unsaved(presets_dir: Path) -> None:
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {"a": 1})
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert len(app.state.entries) == 2
        await run_from_palette(pilot, "new batch", "new batch")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)
        assert len(app.state.entries) == 1
        assert app.state.entry.source == "" and not app.state.dirty
        assert app.state.preset_path is None
        assert app.focused is app.query_one("#source-input")


def test_palette_has_every_new_action() -> None:
    from eventcomposer.tui.commands import COMMANDS

    actions = {action for _, _, action in COMMANDS}
    assert {"new_batch", "add_resource", "focus_pane('tree')", "focus_pane('results')"} <= actions


# -- dialogs ----------------------------------------------------------------------------------


async def test_dialogs_take_the_focus(presets_dir: Path) -> None:
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveAsScreen))
        await pilot.press(*"Mine")
        assert app.screen.query_one("#save-name", Input).value == "Mine"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.screen_stack[0])
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        scroll = app.screen.query_one("#help-scroll")
        assert app.focused is scroll
        await pilot.press("end")
        await pilot.pause()
        assert scroll.scroll_y > 0 or scroll.max_scroll_y == 0


async def test_ctrl_q_twice_asks_once_and_shows_its_keys(presets_dir: Path) -> None:
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {})
        await settle(pilot)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitScreen))
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert sum(isinstance(s, QuitScreen) for s in app.screen_stack) == 1
        labels = [str(b.label) for b in app.screen.query("Button")]
        assert labels == ["Quit (y)", "Cancel (n)"]
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is app.screen_stack[0])
        assert app.is_running


# -- $EDITOR ----------------------------------------------------------------------------------


async def test_a_missing_editor_is_reported_and_the_composer_stays(
    presets_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "/nonexistent")
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {"a": 1})
        await settle(pilot)
        await pilot.press("alt+d", "f4")
        await wait_for(pilot, lambda: bool(app._notifications))
        messages = [n.message for n in app._notifications]
        assert any("/nonexistent" in m and "$EDITOR" in m for m in messages), messages
        assert json.loads(app.editor.text) == {"a": 1}
        assert app.is_running and app.screen is app.screen_stack[0]
        await pilot.press("end", *"  ")  # keys still reach the editor
        await settle(pilot)
        assert json.loads(app.state.entry.detail) == {"a": 1}


# -- Save as ----------------------------------------------------------------------------------


async def test_save_as_onto_the_open_presets_own_file_asks(presets_dir: Path) -> None:
    path = presets_dir / "refund-issued.yaml"
    before = path.read_text()
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await app.preset_files.load(path)
        await settle(pilot)
        app.query_one("#detail-type-input", Input).value = "Changed"
        await settle(pilot)
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveAsScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "refund-issued.yaml exists" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert path.read_text() == before and app.state.dirty
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveAsScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)
        assert "Changed" in path.read_text() and not app.state.dirty


# -- messages in the TUI's terms --------------------------------------------------------------


def test_missing_bus_message_says_f2() -> None:
    message = missing_bus_message("nope")
    assert "F2" in message and "--bus" not in message


def test_aws_advice_in_the_tuis_terms_names_no_command_line_option() -> None:
    """Every problem whose advice names the command line's options says it the TUI's way."""
    from botocore import exceptions as bx

    from eventcomposer.aws.errors import describe_error
    from eventcomposer.tui.backend import TUI_TERMS, problem_text

    denied = {"Error": {"Code": "AccessDeniedException", "Message": "no"}}
    for exc in (
        bx.NoCredentialsError(),
        bx.ProfileNotFound(profile="nope"),
        bx.NoRegionError(),
        bx.InvalidRegionError(region_name="eu-wset-1"),
        ValueError("Invalid endpoint: ftp:/x"),
        bx.EndpointConnectionError(endpoint_url="http://127.0.0.1:9"),
        bx.ClientError(denied, "PutEvents"),
    ):
        problem = describe_error(exc)
        said = problem_text(problem)
        assert said == problem.in_terms(TUI_TERMS) and said.startswith(problem.facts)
        assert re.search(r"--(profile|region|endpoint-url)\b", problem.message), problem.message
        assert not re.search(r"--(profile|region|endpoint-url|bus)\b", said), said


async def test_a_send_to_a_missing_bus_says_f2(
    local_settings: AwsSettings, presets_dir: Path
) -> None:
    from textual.widgets import Static

    app = EventComposerApp(local_settings, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {"amount": 1})
        app.state.set_bus("no-such-bus")
        await app.show_state()
        await settle(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: not app.sends.sending and "Not sent" in app.status_text)
        status = str(app.query_one("#status", Static).content)
        assert "no-such-bus" in status and "F2" in status and "--bus" not in status


async def test_a_profile_that_does_not_exist_is_told_in_the_tuis_terms(
    presets_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The composer has no --profile to pass: it takes its profile as it starts, so it says to
    quit and start it again with one that exists (the CLI says to pass another --profile)."""
    config, credentials = tmp_path / "config", tmp_path / "credentials"
    config.write_text("")
    credentials.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    app = EventComposerApp(AwsSettings(profile="nope", region="us-east-1"), presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {"amount": 1})
        await settle(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: not app.sends.sending and "Not sent" in app.status_text)
        panel = app.query_one(RulesPanel)  # it met the same problem loading the bus's rules
        await wait_for(pilot, lambda: bool(panel.problem))
        for told in (app.status_text, panel.problem):
            assert "The config profile (nope) could not be found" in told
            assert "--profile" not in told
            assert "`aws configure list-profiles`" in told
            assert "quit it (Ctrl+Q) and start it again" in told


async def test_oversized_entry_is_shown_by_the_detail(presets_dir: Path) -> None:
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        fill(app, "com.example.orders", "Order Placed", {"blob": "x" * 1_100_000})
        await settle(pilot)
        message = str(app.query_one("#detail-message").content)  # type: ignore[attr-defined]
        assert "1,048,576" in message or "1048576" in message, message


# -- layout -----------------------------------------------------------------------------------


async def test_80x24_gives_the_detail_editor_room(presets_dir: Path) -> None:
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.editor.text_area.size.height >= 8
        assert app.browser.file_tree.size.height >= 3
        assert app.results.size.height <= 3  # no send yet: one summary line
        app.state.preset_name = "Order placed"
        app.state.dirty = True
        await app.show_state()
        await pilot.pause()
        header = app.header.render().plain
        assert header.endswith("preset Order placed ●") and len(header) <= 80


def test_batch_rows_tell_entries_apart() -> None:
    from eventcomposer.core.entries import Entry

    one = entry_label(1, Entry(source="com.example.orders", detail_type="Order Placed"), False)
    two = entry_label(2, Entry(source="com.example.orders", detail_type="Order Shipped"), False)
    # The sidebar shows about 22 columns of a row at 80x24.
    assert "Order Pl" in one.plain[:22] and "Order Sh" in two.plain[:22]


# -- large Details --------------------------------------------------------------------------


def _big_detail(items: int = 4000) -> str:
    return json.dumps({"items": [{"id": i, "name": f"item {i}"} for i in range(items)]})


async def test_a_long_paste_over_everything_becomes_the_document(presets_dir: Path) -> None:
    from textual import events

    app = EventComposerApp(OFFLINE, presets_dir)
    text = _big_detail()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        area = app.editor.text_area
        area.focus()
        area.select_all()
        app.post_message(events.Paste(text))
        await wait_for(pilot, lambda: area.document.line_count > 1)  # pretty-printed
        await settle(pilot)
        assert json.loads(app.editor.text) == json.loads(text)
        assert json.loads(app.state.entry.detail) == json.loads(text)


def test_the_preview_shows_a_bounded_part_of_a_large_request() -> None:
    from eventcomposer.core.entries import Entry
    from eventcomposer.tui.screens.preview import SHOWN_CHARS

    entry = Entry("com.example.orders", "Order Placed", _big_detail(20000))
    screen = PreviewScreen([entry], None, limit=1_048_576)
    body = screen._body().plain
    assert len(body) < SHOWN_CHARS + 200
    assert "the rest is not shown" in body and "c copies the whole request" in body
    assert json.loads(screen.document)["Entries"][0]["Detail"] == entry.detail


# -- copies -----------------------------------------------------------------------------------


async def test_a_copy_says_it_may_not_arrive_and_alt_w_writes_it(
    presets_dir: Path, tmp_path: Path
) -> None:
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.copies.folder = tmp_path
        fill(app, "com.example.orders", "Order Placed", {"a": 1})
        await settle(pilot)
        await run_from_palette(pilot, "boto3", "boto3")
        await wait_for(pilot, lambda: app.copies.last is not None)
        messages = [n.message for n in app._notifications]
        assert any("some terminals" in m and "Alt+W" in m for m in messages), messages
        await pilot.press("alt+w")
        await pilot.pause()
        written = tmp_path / "put_events.py"
        assert written.read_text() == app.clipboard and "put_events" in written.read_text()
        await pilot.press("alt+w")  # never over an earlier file
        await pilot.pause()
        assert (tmp_path / "put_events-2.py").exists()


# -- themes -----------------------------------------------------------------------------------


async def test_the_theme_is_kept_and_light_themes_colour_json_for_light(
    presets_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("EVENTCOMPOSER_CONFIG_DIR", str(tmp_path / "config"))
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.editor.text_area.theme == "css"
        app.theme = "textual-light"
        await pilot.pause()
        await wait_for(pilot, lambda: (tmp_path / "config" / "tui.json").exists())
        assert app.editor.text_area.theme == "github_light"
    again = EventComposerApp(OFFLINE, presets_dir)
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert again.theme == "textual-light"
        assert again.editor.text_area.theme == "github_light"


async def test_f1_in_the_detail_editor_lists_f6_and_f7_as_the_composers(
    presets_dir: Path,
) -> None:
    app = EventComposerApp(OFFLINE, presets_dir)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("alt+d", "f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        keys = dict(app.screen.keys)  # type: ignore[attr-defined]
        assert keys.get("f6") == "History" and keys.get("f7") == "Preview"
        assert keys.get("alt+r") == "Go to rules"
