"""No command: the TUI."""

from __future__ import annotations

import argparse

from eventcomposer.cli.context import limits_from, settings_from


def run_tui(args: argparse.Namespace) -> int:
    from eventcomposer.tui.app import run_app

    return run_app(settings_from(args), presets_dir=args.presets, limits=limits_from(args))
