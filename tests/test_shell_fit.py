"""eventcomposer in a shell and a CI job: JSON on every command that prints results, pipes that
close early, tables in pipes, no terminal, contradicting options, completion, `python -m`,
help for everything, and the packaging metadata."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, Run

from eventcomposer.aws.settings import AwsSettings
from eventcomposer.cli.main import build_parser

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

PRESETS = ROOT / "presets"


def run(
    *argv: str, env: dict[str, str] | None = None, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """``python -m eventcomposer ARGV`` with no terminal (stdin from /dev/null, output piped)."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    environment.pop("COLUMNS", None)
    kwargs.setdefault("stdin", subprocess.DEVNULL)
    return subprocess.run(
        [sys.executable, "-m", "eventcomposer", *argv],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        **kwargs,  # type: ignore[arg-type]
    )


# --- JSON everywhere --------------------------------------------------------------------


def test_every_command_that_prints_results_prints_only_json_with_output_json(
    cli: Run, tmp_path: Path
) -> None:
    preset = str(PRESETS / "order-placed-large.yaml")
    event = '{"source": "a", "detail": {"n": 5}}'
    commands = {
        "rules": ["rules", preset],
        "validate": ["validate", preset],
        "pattern": ["pattern", "--pattern", '{"source": ["a"]}', "--event", event],
        "send --dry-run": ["send", preset, "--dry-run"],
        "send": ["send", preset],
        "history": ["history"],
    }
    for name, argv in commands.items():
        code, out, err = cli(*argv, "--output", "json", endpoint=name in ("rules", "send"))
        assert code == 0, (name, err)
        json.loads(out)  # exactly one JSON document
    code, out, _ = cli("rules", preset, "--output", "json")
    (entry,) = json.loads(out)
    assert entry["matched"] == ["large-orders", "eu-orders", "real-customers"]
    assert {r["name"]: r["verdict"] for r in entry["rules"]}["refunds-with-reason"] == "no match"
    code, out, _ = cli(
        "pattern", "--pattern", '{"detail": {"n": [6]}}', "--event", event, "--output", "json"
    )
    assert code == 1 and json.loads(out)["failure"]["path"] == "detail.n"
    code, out, _ = cli("pattern", "--pattern", '{"n": 1}', "--event", event, "--output", "json")
    assert code == 2 and json.loads(out)["error"].startswith("Event pattern is not valid.")
    bad = tmp_path / "bad.yaml"
    bad.write_text("entries:\n  - {Source: aws.x, DetailType: X}\n")
    code, out, err = cli("validate", str(bad), "--output", "json", endpoint=False)
    assert code == 2 and "error:" in err
    (problem,) = json.loads(out)["problems"]
    assert problem["field"] == "Source" and problem["entry"] == f"{bad} entry 1"


def test_a_pipe_closed_early_ends_quietly_with_the_usual_exit_status(tmp_path: Path) -> None:
    data = {"EVENTCOMPOSER_DATA_DIR": str(tmp_path)}
    argv = ["send", str(PRESETS), "--repeat", "5000", "--dry-run", "--output", "json"]
    process = subprocess.Popen(
        [sys.executable, "-m", "eventcomposer", *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT), **data},
    )
    assert process.stdout and process.stderr
    assert process.stdout.read(10)  # `| head -c 10`
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err and err == ""


def test_a_table_written_to_a_pipe_is_not_cut_at_80_columns(
    tmp_path: Path, local_settings: AwsSettings
) -> None:
    local = ["--endpoint-url", local_settings.endpoint_url or "", "--region", "us-east-1"]
    keys = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}
    done = run("rules", str(PRESETS / "order-placed-large.yaml"), *local, "--targets", env=keys)
    assert done.returncode == 0, done.stderr
    assert "…" not in done.stdout
    assert max(len(line) for line in done.stdout.splitlines()) > 80
    data = {"EVENTCOMPOSER_DATA_DIR": str(tmp_path), **keys}
    assert run("send", str(PRESETS / "refund-issued.yaml"), *local, env=data).returncode == 0
    done = run("history", env=data)
    assert done.returncode == 0, done.stderr
    header = next(line for line in done.stdout.splitlines() if "Id" in line)
    assert "Entries" in header and "Failed" in header and "…" not in done.stdout


# --- no terminal, contradicting options ---------------------------------------------------


def test_bare_eventcomposer_without_a_terminal_lists_the_headless_commands() -> None:
    done = run()
    assert done.returncode == 2 and done.stdout == ""
    assert "the TUI needs a terminal" in done.stderr
    for command in ("send", "validate", "rules", "test", "history", "completion"):
        assert f"\n  {command} " in done.stderr


@pytest.mark.parametrize(
    "option", [["--endpoint-url", "http://127.0.0.1:4010"], ["--profile", "p"]]
)
def test_local_with_another_endpoint_or_a_profile_is_a_usage_error(
    cli: Run, option: list[str]
) -> None:
    code, out, err = cli("send", str(PRESETS), "--local", *option, endpoint=False)
    assert code == 2 and out == ""
    assert f"--local and {option[0]} contradict each other" in err


def test_connection_options_only_on_commands_that_connect(cli: Run) -> None:
    for argv in (["validate", str(PRESETS), "--local"], ["import", "[]", "-o", "-", "--local"]):
        with pytest.raises(SystemExit) as exited:
            cli(*argv, endpoint=False)
        assert exited.value.code == 2
    with pytest.raises(SystemExit):
        cli("pattern", "--pattern", "{}", "--event", "{}", "--local", endpoint=False)
    parser = build_parser()
    helps = {name: sub.format_help() for name, sub in _commands(parser).items()}
    assert "--endpoint-url" not in helps["validate"] and "--endpoint-url" not in helps["local"]
    assert "--local" not in helps["pattern"] and "with --check-aws only" in helps["pattern"]
    for name in ("send", "rules", "history", "tail", "test", "archives"):
        assert "--endpoint-url" in helps[name] and "--local" in helps[name]


# --- help, completion, python -m -----------------------------------------------------------


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no commands")


def test_every_command_and_option_has_a_description_and_help() -> None:
    parser = build_parser()
    for name, command in _commands(parser).items():
        assert command.description, f"{name} has no description"
        for action in command._actions:
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"
    for action in parser._actions:
        assert action.help or isinstance(action, argparse._SubParsersAction), action


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_for_bash_zsh_and_fish(shell: str) -> None:
    done = run("completion", shell)
    assert done.returncode == 0, done.stderr
    assert "eventcomposer" in done.stdout and "_ARGCOMPLETE" in done.stdout


def _complete(line: str, cwd: Path, tmp_path: Path) -> list[str]:
    answer = tmp_path / "completions.txt"
    env = {
        "_ARGCOMPLETE": "1",
        "_ARGCOMPLETE_IFS": "\n",
        "_ARGCOMPLETE_STDOUT_FILENAME": str(answer),
        "COMP_LINE": line,
        "COMP_POINT": str(len(line)),
    }
    done = run(env=env, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return [word.strip() for word in answer.read_text().split("\n")]


def test_completion_knows_commands_preset_files_and_buses(tmp_path: Path) -> None:
    work = tmp_path / "work"
    (work / "presets" / "more").mkdir(parents=True)
    (work / "presets" / "p.yaml").write_text("bus: orders\nentries: [{Source: a.b}]\n")
    (work / "presets" / "notes.txt").write_text("")
    assert _complete("eventcomposer va", work, tmp_path) == ["validate"]
    files = _complete("eventcomposer send presets/", work, tmp_path)
    assert sorted(files) == ["presets/more/", "presets/p.yaml"]
    assert _complete("eventcomposer send --bus or", work, tmp_path) == ["orders"]
    assert "--junit" in _complete("eventcomposer test --ju", work, tmp_path)


def test_python_dash_m_eventcomposer_is_the_command() -> None:
    done = run("--version")
    from eventcomposer import __version__

    assert done.returncode == 0 and done.stdout.strip() == f"eventcomposer {__version__}"


# --- packaging -----------------------------------------------------------------------------


def test_the_package_metadata_is_complete_and_the_version_written_once() -> None:
    import importlib.metadata

    import eventcomposer

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert eventcomposer.__version__ == importlib.metadata.version("eventcomposer")
    assert project["version"] not in (ROOT / "eventcomposer" / "__init__.py").read_text()
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    classifiers = project["classifiers"]
    for version in ("3.10", "3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert project["requires-python"] == ">=3.10"
    assert {"Homepage", "Issues"} <= set(project["urls"])
    dependencies = " ".join(project["dependencies"])
    assert "textual>=" in dependencies and "syntax" not in dependencies
    assert "tree-sitter" not in dependencies


def test_package_data_names_only_files_that_exist() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for package, patterns in config["tool"]["setuptools"]["package-data"].items():
        for pattern in patterns:
            assert list((ROOT / package).glob(pattern)), f"{package}/{pattern} matches nothing"
