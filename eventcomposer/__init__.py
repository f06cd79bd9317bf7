"""eventcomposer: compose, send, replay and debug Amazon EventBridge events."""

from importlib.metadata import PackageNotFoundError, version

try:  # one source: pyproject.toml's version, as installed
    __version__ = version("eventcomposer")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
