"""boto3 sessions and clients from AwsSettings."""

from __future__ import annotations

import os
from typing import Any

import boto3
from botocore.config import Config

from eventcomposer import __version__
from eventcomposer.aws.errors import describe_error
from eventcomposer.aws.settings import LOCAL_CREDENTIALS, LOCAL_REGION, AwsSettings


def make_session(settings: AwsSettings) -> boto3.Session:
    """A boto3 session: --profile and --region over boto3's own environment variables."""
    kwargs: dict[str, Any] = {}
    if settings.local:
        kwargs.update(LOCAL_CREDENTIALS)
        kwargs["region_name"] = settings.region or LOCAL_REGION
    else:
        if settings.profile:
            kwargs["profile_name"] = settings.profile
        # botocore reads AWS_DEFAULT_REGION but not AWS_REGION, which other SDKs and CLI v2 use.
        region = settings.region or os.environ.get("AWS_REGION")
        if region:
            kwargs["region_name"] = region
    try:
        return boto3.Session(**kwargs)
    except Exception as exc:  # ProfileNotFound and friends
        raise describe_error(exc) from exc


def client(settings: AwsSettings, service: str = "events", *, retries: bool = True) -> Any:
    """A client for ``service``. ``retries=False`` turns botocore's retries off: PutEvents is
    not idempotent, so the sender retries by itself, and only what is known not to be accepted."""
    config = Config(
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        retries={"mode": "standard", "total_max_attempts": 3 if retries else 1},
        user_agent_extra=f"eventcomposer/{__version__}",
    )
    kwargs: dict[str, Any] = {"config": config}
    if settings.endpoint_url:
        kwargs["endpoint_url"] = settings.endpoint_url
    try:
        return make_session(settings).client(service, **kwargs)
    except Exception as exc:  # NoRegionError, ProfileNotFound, bad endpoint URL
        raise describe_error(exc, settings.endpoint_url) from exc
