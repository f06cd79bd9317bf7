"""The composer's widgets, one per module."""
