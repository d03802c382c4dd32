"""Resilient sending across the pair (the Pinpoint and SES guide: backoff, then fail over): `ResilientSender`."""

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
from regionpair.sending.warmth import PoolWarmth, read_pool, warm_split, warmth_notes

__all__ = [
    "GLOBAL",
    "AmbiguousSendError",
    "CircuitBreaker",
    "Mode",
    "PoolWarmth",
    "ResilientSender",
    "SendFailedError",
    "SendResult",
    "endpoint_id_of",
    "read_pool",
    "sending_config",
    "ses_sender",
    "sms_sender",
    "warm_split",
    "warmth_notes",
]
