"""Physical names that fit: deterministic, readable, within AWS's and the provider's limits for every declaration.

Names are `<pair>-<thing>[-<region>]`, computed from the declaration alone, so the two stacks and the ops CLI
(regionpair/ops/context.py) derive the same names without a lookup. A name that fits its limit is used as is
(existing stacks keep their names); a longer one keeps its region suffix, truncates the rest and adds six hex
characters of the full name's sha256, so two long names that share a prefix still differ and the result is the
same on every machine: `averyveryverylongpairname-assets-4f1c2a-ap-southeast-2`.

Limits come from components/constraints.py (the table the mocks enforce), so the two cannot disagree.
"""

from __future__ import annotations

import hashlib

from regionpair.components import constraints

HASH_CHARS = 6
DEFAULT_LIMIT = constraints.S3_BUCKET_MAX
"""63: the strictest limit among names derived with `Pair.physical_name` (S3 buckets 63; IAM roles, Lambda
functions, SES configuration sets, CloudFront OACs 64). Callers with a roomier limit pass `limit=`."""


def digest(text: str, n: int = HASH_CHARS) -> str:
    """Short stable hash of `text` (lower-case hex: valid in every name pattern we use)."""
    return hashlib.sha256(text.encode()).hexdigest()[:n]


def fit(stem: str, limit: int = DEFAULT_LIMIT, tail: str = "") -> str:
    """`stem + tail` if it fits `limit`, else `stem` truncated + `-<hash>` + `tail` (tail kept readable).

    `tail` is the part that must survive (e.g. `-us-west-2`, which tells the two halves apart at a glance).
    """
    full = stem + tail
    if len(full) <= limit:
        return full
    room = limit - len(tail) - HASH_CHARS - 1
    if room < 1:  # the tail alone does not fit: a hash of everything (deterministic, within the limit)
        return digest(full, min(limit, 64))
    head = stem[:room].rstrip("-.")
    return f"{head}-{digest(full)}{tail}" if head else f"{digest(full)}{tail}"


def physical_name(pair_name: str, suffix: str, region: str | None = None, *, limit: int = DEFAULT_LIMIT) -> str:
    """`<pair>-<suffix>[-<region>]`, shortened to `limit` when needed (see module docstring)."""
    return fit(f"{pair_name}-{suffix}", limit, f"-{region}" if region else "")


def health_check_reference(stem: str, region: str | None = None) -> str:
    """A Route 53 health check's `reference_name` (`<stem>[-<region>]`), at most 27 characters.

    The provider appends its own 37-character id to make the 64-character caller reference (health_check.go).
    """
    return fit(stem, constraints.REFERENCE_NAME_MAX, f"-{region}" if region else "")
