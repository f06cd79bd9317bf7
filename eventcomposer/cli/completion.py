"""Shell completion for bash, zsh and fish, through argcomplete.

``eventcomposer completion SHELL`` prints the script to load (``eval "$(eventcomposer completion
bash)"``); the shell then runs ``eventcomposer`` with ``_ARGCOMPLETE`` set and
:func:`autocomplete` answers from the parser: commands, options, their choices, preset files
(``*.yaml``, ``*.yml`` and folders) and bus names (``default`` and every ``bus:`` of the presets
in ``./presets``: read from files, nothing is asked of AWS).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from eventcomposer.cli import exit_codes

SHELLS = ("bash", "zsh", "fish")


def preset_files(prefix: str, **_: Any) -> list[str]:
    """Preset files and folders that start with ``prefix``."""
    folder, _slash, start = prefix.rpartition("/")
    base = Path(folder or ".")
    if prefix.startswith("/") and not folder:
        base = Path("/")
    try:
        children = sorted(base.iterdir())
    except OSError:
        return []
    found = []
    for child in children:
        if not child.name.startswith(start) or (child.name.startswith(".") and not start):
            continue
        shown = f"{folder}/{child.name}" if folder or prefix.startswith("/") else child.name
        if child.is_dir():
            found.append(shown + "/")
        elif child.suffix in (".yaml", ".yml"):
            found.append(shown)
    return found


def bus_names(prefix: str, **_: Any) -> list[str]:
    """``default`` and the buses the presets in ./presets name (cheap: no AWS call)."""
    from eventcomposer.core.presets import PresetError, find_presets, load_preset

    names = {"default"}
    for path in find_presets(Path("presets"))[:200]:
        try:
            bus = load_preset(path).bus
        except (PresetError, OSError):
            continue
        if bus:
            names.add(bus)
    return sorted(n for n in names if n.startswith(prefix))


def _attach(parser: argparse.ArgumentParser) -> None:
    """Give file arguments and --bus their completers, in every command."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _attach(sub)
        elif action.dest == "files" or action.dest in ("vars", "junit", "save"):
            action.completer = preset_files  # type: ignore[attr-defined]
        elif action.dest in ("bus", "to_bus"):
            action.completer = bus_names  # type: ignore[attr-defined]


def autocomplete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's completion request and exit (only when ``_ARGCOMPLETE`` is set)."""
    import argcomplete

    _attach(parser)
    argcomplete.autocomplete(parser)


def run_completion(args: argparse.Namespace) -> int:
    """Print the completion script for ``args.shell``."""
    import argcomplete

    print(argcomplete.shellcode(["eventcomposer"], shell=args.shell), end="")
    return exit_codes.OK
