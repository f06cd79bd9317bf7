"""Exit codes of every command (PRODUCT.md's contract)."""

OK = 0  # all entries accepted / pattern matched
FAILED = 1  # some entry failed / no match
BAD_INPUT = 2  # invalid preset, invalid pattern, usage
UNREACHABLE = 3  # could not reach or authenticate to EventBridge
