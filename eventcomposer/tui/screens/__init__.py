"""Modal screens: confirm, save as, help, bus picker."""
