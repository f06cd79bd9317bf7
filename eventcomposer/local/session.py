"""Starting the embedded local EventBridge for a session of the TUI or a CLI command."""

from __future__ import annotations

from dataclasses import replace

from eventcomposer.aws.settings import LOCAL_REGION, AwsSettings
from eventcomposer.local.server import LocalEventBridge


def start_local(
    settings: AwsSettings, port: int = 0, seed_demo: bool = True
) -> tuple[LocalEventBridge, AwsSettings]:
    """Start a local EventBridge, seed the demo data, and return settings that point at it."""
    from eventcomposer.aws.client import client
    from eventcomposer.local.demo import seed

    server = LocalEventBridge(port=port)
    endpoint = server.start()
    local_settings = replace(
        settings,
        local=True,
        endpoint_url=endpoint,
        region=settings.region or LOCAL_REGION,
        profile=None,
    )
    if seed_demo:
        seed(client(local_settings, "events"), client(local_settings, "sqs"))
    return server, local_settings
