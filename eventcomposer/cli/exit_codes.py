"""Exit codes of every command: the contract in the README (0 ok, 1 failed, 2 bad, 3 unreachable)."""

OK = 0  # all entries accepted / pattern matched
FAILED = 1  # some entry failed / no match
BAD_INPUT = 2  # invalid preset, invalid pattern, usage
UNREACHABLE = 3  # could not reach or authenticate to EventBridge
