"""AWS and network failures turned into messages that say what to do next."""

from __future__ import annotations

import re
from dataclasses import dataclass

from botocore import exceptions as bx

#: Kinds of problem that mean "could not reach or authenticate to EventBridge" (exit code 3).
CONNECTIVITY_KINDS = frozenset({"credentials", "network", "auth", "region"})
_AUTH_CODES = {
    "UnrecognizedClientException": "the access key is not recognized",
    "InvalidClientTokenId": "the access key is not valid",
    "InvalidSignatureException": "the request signature does not match (wrong secret key?)",
    "SignatureDoesNotMatch": "the request signature does not match (wrong secret key?)",
    "ExpiredTokenException": "the session token has expired",
    "ExpiredToken": "the session token has expired",
    "AccessDeniedException": "access denied",
    "AccessDenied": "access denied",
}
_RETRYABLE_REQUEST_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "InternalException",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestLimitExceeded",
    }
)


@dataclass(eq=False)
class AwsProblem(Exception):
    """A failure to talk to EventBridge: ``kind``, the ``code`` AWS gave, and words for users."""

    kind: str  # credentials | network | auth | region | timeout | request
    code: str
    message: str
    retryable: bool = False

    def __str__(self) -> str:
        return self.message

    @property
    def is_connectivity(self) -> bool:
        return self.kind in CONNECTIVITY_KINDS


_LOCAL_HINT = "or run with --local to use the embedded local EventBridge"


def describe_error(exc: BaseException, endpoint: str | None = None) -> AwsProblem:
    """An AwsProblem for any exception boto3 raises while talking to EventBridge."""
    where = endpoint or "EventBridge"
    if isinstance(exc, AwsProblem):
        return exc
    if isinstance(exc, bx.NoCredentialsError):
        return AwsProblem(
            "credentials",
            "NoCredentials",
            "No AWS credentials found. Run `aws configure` or `aws sso login`, pass --profile, "
            f"or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; {_LOCAL_HINT}.",
        )
    if isinstance(exc, bx.PartialCredentialsError):
        return AwsProblem(
            "credentials",
            "PartialCredentials",
            f"Incomplete AWS credentials: {exc}. Set both the access key and the secret key.",
        )
    if isinstance(exc, bx.ProfileNotFound):
        return AwsProblem(
            "credentials",
            "ProfileNotFound",
            f"{exc}. List profiles with `aws configure list-profiles`, or pass another --profile.",
        )
    if isinstance(
        exc, (bx.SSOTokenLoadError, bx.UnauthorizedSSOTokenError, bx.TokenRetrievalError)
    ):
        return AwsProblem(
            "credentials",
            "SSOTokenExpired",
            f"The SSO session has expired or is missing ({exc}). Run `aws sso login` "
            "(with --profile if you use one) and try again.",
        )
    if isinstance(exc, bx.InvalidRegionError):
        return AwsProblem(
            "region",
            "InvalidRegion",
            f"{getattr(exc, 'kwargs', {}).get('region_name')!r} is not a region name such as "
            "eu-west-1. Check --region, AWS_REGION or the profile's region.",
        )
    if isinstance(exc, ValueError) and str(exc).startswith("Invalid endpoint"):
        return AwsProblem(
            "network",
            "InvalidEndpoint",
            f"{str(exc).partition(': ')[2]!r} is not an endpoint URL such as "
            "https://events.eu-west-1.amazonaws.com or http://127.0.0.1:4010. Check "
            "--endpoint-url, AWS_ENDPOINT_URL_EVENTBRIDGE and AWS_ENDPOINT_URL.",
        )
    if isinstance(exc, bx.NoRegionError):
        return AwsProblem(
            "region",
            "NoRegion",
            "No AWS region is set. Pass --region (e.g. --region eu-west-1) or set AWS_REGION; "
            f"{_LOCAL_HINT}.",
        )
    if isinstance(exc, (bx.ConnectTimeoutError, bx.EndpointConnectionError)):
        return AwsProblem(
            "network",
            "ConnectionFailed",
            f"Could not connect to {getattr(exc, 'kwargs', {}).get('endpoint_url') or where}: "
            f"{_reason(exc)}. Check --endpoint-url and --region, your network, or that the local "
            "server is running.",
            retryable=True,
        )
    if isinstance(exc, bx.ReadTimeoutError):
        return AwsProblem(
            "timeout",
            "ReadTimeout",
            f"{where} did not answer in time; the outcome of the request is unknown, so it was "
            "not sent again.",
        )
    if isinstance(exc, (bx.ConnectionClosedError, bx.ProxyConnectionError, bx.HTTPClientError)):
        return AwsProblem(
            "timeout",
            "ConnectionLost",
            f"The connection to {where} broke during the request ({_reason(exc)}); the outcome is "
            "unknown, so it was not sent again.",
        )
    if isinstance(exc, bx.ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or "ClientError")
        message = str(error.get("Message") or exc)
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code in _AUTH_CODES:
            return AwsProblem(
                "auth",
                code,
                f"EventBridge refused the credentials: {_AUTH_CODES[code]} ({code}: {message}). "
                "Check --profile and --region, or refresh the credentials.",
            )
        retryable = code in _RETRYABLE_REQUEST_CODES or (isinstance(status, int) and status >= 500)
        return AwsProblem("request", code, f"{code}: {message}", retryable=retryable)
    if isinstance(exc, bx.BotoCoreError):
        return AwsProblem("request", type(exc).__name__, str(exc))
    return AwsProblem("request", type(exc).__name__, f"{type(exc).__name__}: {exc}")


#: The OS's words inside the errors urllib3 and botocore wrap: "[Errno 111] Connection refused",
#: "ConnectionResetError(104, 'Connection reset by peer')".
_OS_REASONS = (
    re.compile(r"\[Errno -?\d+\] ([^\[\]()'\"]+)"),
    re.compile(r"\w+Error\(-?\d+, '([^']+)'\)"),
)


def _reason(exc: BaseException) -> str:
    """Why a connection failed, in the OS's words ("Connection refused"), not the URL again:
    botocore's own message only repeats the URL; the reason is in the error it wraps."""
    cause = getattr(exc, "kwargs", {}).get("error") or exc.__cause__ or exc.__context__
    for candidate in (cause, exc):
        if candidate is None:
            continue
        for pattern in _OS_REASONS:
            found = pattern.findall(str(candidate))
            if found:
                return str(found[-1]).strip()
    text = str(cause or exc)
    return text.rsplit(": ", 1)[-1] if text else type(exc).__name__
