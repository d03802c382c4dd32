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
from regionpair.sending.warmth import PoolWarmth, read_pool, warm_split, warmth_notes

__all__ = [
    "AmbiguousSendError",
    "CircuitBreaker",
    "Mode",
    "PoolWarmth",
    "ResilientSender",
    "SendFailedError",
    "SendResult",
    "read_pool",
    "sending_config",
    "ses_sender",
    "sms_sender",
    "warm_split",
    "warmth_notes",
]
