"""Exit codes of every command, as the README states them: 0, 1, 2 and 3."""

OK = 0  # all entries accepted / pattern matched
FAILED = 1  # some entry failed / no match
BAD_INPUT = 2  # invalid preset, invalid pattern, usage
UNREACHABLE = 3  # could not reach or authenticate to EventBridge
