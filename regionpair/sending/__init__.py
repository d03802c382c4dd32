"""Resilient sending across the pair (seed 000: backoff, then fail over): `ResilientSender`."""

from regionpair.sending.client import (
    GLOBAL,
    AmbiguousSendError,
    CircuitBreaker,
    Mode,
    ResilientSender,
    SendFailedError,
    SendResult,
    endpoint_id_of,
    sending_config,
    ses_sender,
    sms_sender,
)

__all__ = [
    "GLOBAL",
    "AmbiguousSendError",
    "CircuitBreaker",
    "Mode",
    "ResilientSender",
    "SendFailedError",
    "SendResult",
    "endpoint_id_of",
    "sending_config",
    "ses_sender",
    "sms_sender",
]
