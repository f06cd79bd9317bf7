"""``python -m eventcomposer``: the same as the ``eventcomposer`` command."""

from eventcomposer.cli.main import entry_point

if __name__ == "__main__":
    entry_point()
