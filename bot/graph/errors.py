"""What a failed Graph call means for the caller, read from the answer and never from its text.

Graph's error messages may quote a user's name or address, so only the status, Graph's error
code and the exception's type leave this module; callers log those and the user id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
from azure.core.exceptions import AzureError, ClientAuthenticationError
from kiota_abstractions.api_error import APIError

RETRYABLE_STATUS = frozenset({408, 412, 429, 500, 502, 503, 504})
DEFAULT_THROTTLE_S = 30.0
"""How long to leave Graph alone after a 429/503 that named no Retry-After."""


@dataclass(frozen=True)
class Failure:
    """A failed call, classified.

    `status` is None when no answer came (timeout, connection, token); `kind` is a short,
    log-safe label such as "404", "timeout" or "auth".
    """

    kind: str
    retryable: bool
    status: int | None = None
    code: str | None = None
    retry_after: float | None = None

    @property
    def throttled(self) -> bool:
        return self.status in (429, 503)


def retry_after(headers: Mapping[str, str] | httpx.Headers | None) -> float | None:
    """Seconds from a Retry-After header (delta or HTTP date), None when absent or unreadable."""
    if headers is None:
        return None
    value: str | None = None
    for key, candidate in headers.items():
        if key.lower() == "retry-after":
            value = candidate
            break
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _graph_code(error: APIError) -> str | None:
    """Graph's error code (e.g. `Request_ResourceNotFound`): a fixed vocabulary, safe to log."""
    main = getattr(error, "error", None)
    code = getattr(main, "code", None)
    return code if isinstance(code, str) else None


def classify(error: BaseException) -> Failure:
    if isinstance(error, APIError):
        status = error.response_status_code
        return Failure(
            kind=str(status) if status is not None else "api",
            retryable=status is None or status in RETRYABLE_STATUS or status >= 500,
            status=status,
            code=_graph_code(error),
            retry_after=retry_after(error.response_headers),
        )
    if isinstance(error, TimeoutError | asyncio.TimeoutError | httpx.TimeoutException):
        return Failure(kind="timeout", retryable=True)
    if isinstance(error, ClientAuthenticationError):
        # A wrong secret or a missing consent does not heal by itself; a token endpoint that
        # is down or throttling does.
        status = error.status_code
        return Failure(
            kind="auth",
            retryable=status is not None and (status in RETRYABLE_STATUS or status >= 500),
            status=status,
        )
    if isinstance(error, httpx.HTTPError | AzureError | ConnectionError | OSError):
        return Failure(kind="connection", retryable=True)
    return Failure(kind=type(error).__name__, retryable=True)
