"""What a failed send to the channel means, read from its answer and never from its text.

Both hosts classify their SDK's exceptions here into a `DeliveryError`, so the reply sender and
the outbox retry the same way whichever SDK sent: by status, honouring Retry-After. The SDKs'
own retries are off (ours count attempts and wait as long as Teams asks), and their timeouts
short: one dead serviceUrl must not hold a turn for most of Teams' 15 s.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.services.ports import DeliveryError

RETRYABLE_STATUS = frozenset({408, 412, 429, 500, 502, 503, 504})
CONNECT_TIMEOUT_S = 3.05
READ_TIMEOUT_S = 5.0
"""A serviceUrl that does not answer fails fast; Teams itself answers within a second or two."""


def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from a Retry-After header (Teams gives seconds); None when absent or unreadable."""
    value = headers.get("Retry-After") if headers is not None else None
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def answered(status: int, headers: Mapping[str, str] | None) -> DeliveryError:
    """The channel answered `status`: retried if it may heal (throttling, 5xx), else not."""
    return DeliveryError(
        f"channel answered {status}",
        retryable=status in RETRYABLE_STATUS or status >= 500,
        retry_after=retry_after(headers),
        status=status,
    )


def unreachable(error: BaseException) -> DeliveryError:
    """No answer at all (connection refused, timeout): the outbox tries again."""
    return DeliveryError(f"channel unreachable ({type(error).__name__})", retryable=True)


def failed(error: BaseException) -> DeliveryError:
    """Anything else an SDK raised (a token that could not be had, a bug): tried again."""
    return DeliveryError(f"send failed ({type(error).__name__})", retryable=True)
