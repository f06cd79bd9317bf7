"""boto3 sessions and clients from AwsSettings."""

from __future__ import annotations

import difflib
import functools
import os
from typing import Any

import boto3
import botocore.loaders
import botocore.session
from botocore.config import Config

from eventcomposer import __version__
from eventcomposer.aws.errors import AwsProblem, describe_error
from eventcomposer.aws.settings import LOCAL_CREDENTIALS, LOCAL_REGION, AwsSettings, env_endpoint


class _SearchPaths(list[str]):
    """A loader's search paths, each once: boto3 appends its own data folder to the loader of
    every session it makes, so a loader shared by many sessions would grow by one each time."""

    def append(self, path: str) -> None:
        if path not in self:
            super().append(path)


@functools.cache
def _shared_loader() -> botocore.loaders.Loader:
    """One loader of botocore's data files (service models, endpoints) for every session.

    Each new session otherwise reads and parses those JSON files again: about 60 ms of CPU per
    client, paid by every command and by the TUI for each client it makes. (The loader caches
    what it has read; sessions keep their own credentials, profile and region. Its search paths
    have no public setter.)"""
    loader = botocore.loaders.create_loader()
    loader._search_paths = _SearchPaths(loader.search_paths)  # type: ignore[attr-defined]
    return loader


def make_session(settings: AwsSettings) -> boto3.Session:
    """A boto3 session: --profile and --region over boto3's own environment variables."""
    core = botocore.session.get_session()
    core.register_component("data_loader", _shared_loader())
    kwargs: dict[str, Any] = {"botocore_session": core}
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
    session = make_session(settings)
    try:
        if not (settings.endpoint_url or env_endpoint()):
            _check_region(session, service)
        make: Any = session.client  # any service by name (the stubs type each one by its literal)
        return make(service, **kwargs)
    except Exception as exc:  # NoRegionError, ProfileNotFound, bad endpoint URL
        raise describe_error(exc, settings.endpoint_url) from exc


def _check_region(session: boto3.Session, service: str) -> None:
    """A region AWS doesn't have would only fail later as an unreachable host; say so now."""
    region = session.region_name
    if not region:
        return  # botocore raises NoRegionError, described by the caller
    known = set()
    for partition in session.get_available_partitions():
        known.update(session.get_available_regions(service, partition_name=partition))
    if not known or region in known:
        return
    close = difflib.get_close_matches(region, sorted(known), n=1)
    hint = f" Did you mean {close[0]}?" if close else ""
    raise AwsProblem(
        "region",
        "UnknownRegion",
        f"{region!r} is not an AWS region for EventBridge.{hint} Check --region, AWS_REGION "
        "or the profile's region (a brand-new region may need a newer boto3, or --endpoint-url).",
    )
