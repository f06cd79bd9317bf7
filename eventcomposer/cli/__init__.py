"""The command line: argument parsing, headless commands and their rich output."""
