"""What to do about a problem, written once and said in each interface's terms.

The command line's advice names its options ("pass --profile", "choose another with --bus");
the composer (the TUI) takes its profile, region and endpoint as it starts and switches the bus
with F2, so it says the same advice in those terms. A problem's advice (``errors``, ``buses``)
is a template naming what to change by the fields of ``Terms`` in braces; ``CLI_TERMS`` are
the command line's, the TUI has its own. No boto3 here: the TUI imports it before boto3 loads.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Terms:
    """How an interface asks for each change a problem's advice may name."""

    a_profile: str
    """Use a profile (when there are no credentials at all)."""
    listed_profile: str
    """Use one of the profiles ``aws configure list-profiles`` lists."""
    check_credentials: str
    """Look at where the refused credentials and the region came from."""
    set_region: str
    """Give a region (none is set)."""
    check_region: str
    """Look at the region (it is not one)."""
    check_endpoint: str
    """Look at the endpoint URL (it is not one)."""
    check_connection: str
    """Look at where a connection that failed went."""
    local: str
    """Use the embedded local EventBridge instead."""
    restart: str
    """What else a change of profile, region or endpoint takes: "" or a sentence (with its
    leading space)."""
    another_bus: str
    """Send to another bus."""

    def say(self, advice: str) -> str:
        """``advice`` (a template naming these fields in braces) in these terms."""
        return advice.format_map(asdict(self))


CLI_TERMS = Terms(
    a_profile="pass --profile",
    listed_profile="pass one with --profile",
    check_credentials="Check --profile and --region",
    set_region="Pass --region (e.g. --region eu-west-1) or set AWS_REGION",
    check_region="Check --region, AWS_REGION or the profile's region",
    check_endpoint="Check --endpoint-url, AWS_ENDPOINT_URL_EVENTBRIDGE and AWS_ENDPOINT_URL",
    check_connection="Check --endpoint-url and --region",
    local="run with --local to use the embedded local EventBridge",
    restart="",
    another_bus="choose another with --bus",
)
