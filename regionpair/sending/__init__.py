"""Resilient sending across the pair (seed 000: backoff, then fail over): `ResilientSender`."""

from regionpair.sending.client import (
    AmbiguousSendError,
    CircuitBreaker,
    Mode,
    ResilientSender,
    SendFailedError,
    SendResult,
    sending_config,
    ses_sender,
    sms_sender,
)

__all__ = [
    "AmbiguousSendError",
    "CircuitBreaker",
    "Mode",
    "ResilientSender",
    "SendFailedError",
    "SendResult",
    "sending_config",
    "ses_sender",
    "sms_sender",
]
