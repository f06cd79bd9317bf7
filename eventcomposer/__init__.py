"""eventcomposer: compose, send, replay and debug Amazon EventBridge events."""

__version__ = "0.1.0"
