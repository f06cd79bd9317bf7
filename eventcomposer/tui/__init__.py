"""The composer TUI: compose entries, validate live, pick a bus, send, keep presets."""
