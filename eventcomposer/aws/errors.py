"""AWS and network failures turned into messages that say what to do next."""

from __future__ import annotations

import re
from dataclasses import dataclass

from botocore import exceptions as bx

from eventcomposer.aws.advice import CLI_TERMS, Terms

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
    facts: str = ""
    """What happened, when ``advice`` says what to do about it in any interface's terms."""
    advice: str = ""
    """A template naming ``Terms`` fields in braces; ``message`` is ``facts`` and the advice
    in the command line's terms (``CLI_TERMS``)."""

    def __str__(self) -> str:
        return self.message

    def in_terms(self, terms: Terms) -> str:
        """The message in an interface's terms (the TUI's keys, not the command line's
        options); ``message`` itself when it has no advice to say differently."""
        return f"{self.facts} {terms.say(self.advice)}" if self.advice else self.message

    @property
    def is_connectivity(self) -> bool:
        return self.kind in CONNECTIVITY_KINDS


def advised(kind: str, code: str, facts: str, advice: str, retryable: bool = False) -> AwsProblem:
    """An AwsProblem whose ``advice`` (a ``Terms`` template) each interface says its way."""
    message = f"{facts} {CLI_TERMS.say(advice)}"
    return AwsProblem(kind, code, message, retryable, facts=facts, advice=advice)


def describe_error(exc: BaseException, endpoint: str | None = None) -> AwsProblem:
    """An AwsProblem for any exception boto3 raises while talking to EventBridge."""
    where = endpoint or "EventBridge"
    if isinstance(exc, AwsProblem):
        return exc
    if isinstance(exc, bx.NoCredentialsError):
        return advised(
            "credentials",
            "NoCredentials",
            "No AWS credentials found.",
            "Run `aws configure` or `aws sso login`, {a_profile}, or set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY; or {local}.{restart}",
        )
    if isinstance(exc, bx.PartialCredentialsError):
        return AwsProblem(
            "credentials",
            "PartialCredentials",
            f"Incomplete AWS credentials: {exc}. Set both the access key and the secret key.",
        )
    if isinstance(exc, bx.ProfileNotFound):
        return advised(
            "credentials",
            "ProfileNotFound",
            f"{exc}.",
            "List profiles with `aws configure list-profiles` and {listed_profile}.{restart}",
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
        return advised(
            "region",
            "InvalidRegion",
            f"{getattr(exc, 'kwargs', {}).get('region_name')!r} is not a region name such as "
            "eu-west-1.",
            "{check_region}.{restart}",
        )
    if isinstance(exc, ValueError) and str(exc).startswith("Invalid endpoint"):
        return advised(
            "network",
            "InvalidEndpoint",
            f"{str(exc).partition(': ')[2]!r} is not an endpoint URL such as "
            "https://events.eu-west-1.amazonaws.com or http://127.0.0.1:4010.",
            "{check_endpoint}.{restart}",
        )
    if isinstance(exc, bx.NoRegionError):
        return advised(
            "region", "NoRegion", "No AWS region is set.", "{set_region}; or {local}.{restart}"
        )
    if isinstance(exc, (bx.ConnectTimeoutError, bx.EndpointConnectionError)):
        return advised(
            "network",
            "ConnectionFailed",
            f"Could not connect to {getattr(exc, 'kwargs', {}).get('endpoint_url') or where}: "
            f"{_reason(exc)}.",
            "{check_connection}, your network, or that the local server is running.",
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
            return advised(
                "auth",
                code,
                f"EventBridge refused the credentials: {_AUTH_CODES[code]} ({code}: {message}).",
                "{check_credentials}, or refresh the credentials.{restart}",
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
