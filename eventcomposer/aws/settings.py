"""Where to connect: profile, region and endpoint. No boto3 here, so the TUI can show it cheaply."""

from __future__ import annotations

import os
from dataclasses import dataclass

#: Credentials the embedded local EventBridge accepts (moto checks none); never real ones.
LOCAL_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
LOCAL_REGION = "us-east-1"


@dataclass(frozen=True)
class AwsSettings:
    """Connection settings from the command line; None means boto3's own resolution."""

    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    local: bool = False
    connect_timeout: float = 5.0
    read_timeout: float = 20.0

    @property
    def endpoint_label(self) -> str:
        """The endpoint as a user reads it (AWS unless an override is set)."""
        return self.endpoint_url or env_endpoint() or "AWS"

    @property
    def region_label(self) -> str:
        return (
            self.region
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
            or ("(from profile)" if not self.local else LOCAL_REGION)
        )

    @property
    def profile_label(self) -> str:
        if self.local:
            return "local"
        return self.profile or os.environ.get("AWS_PROFILE") or "default"

    def is_local_endpoint(self) -> bool:
        """Whether requests go to this machine (loopback), e.g. the embedded EventBridge."""
        url = self.endpoint_url or env_endpoint() or ""
        host = url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0].strip("[]")
        return self.local or host in ("localhost", "::1") or host.startswith("127.")


def env_endpoint() -> str | None:
    """The endpoint boto3 takes from the environment for EventBridge, if any."""
    return os.environ.get("AWS_ENDPOINT_URL_EVENTBRIDGE") or os.environ.get("AWS_ENDPOINT_URL")
