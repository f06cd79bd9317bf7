"""The pure core: entries, validation, sizes, presets and templating.

Nothing in this package imports textual or boto3 (``tests/test_architecture.py`` keeps it so);
the TUI, the CLI and the ``aws`` layer build on it.
"""
