"""Where each AWS service the pair uses is offered, and the per-region names SES and SMS depend on.

The tables are frozen in code so that validation never makes a network call.

Source: botocore 1.44.5 endpoint data for the `aws` partition (`boto3.Session().get_available_regions(...)`
for `sesv2`, `pinpoint-sms-voice-v2` and `dynamodb`), cross-checked with the AWS General Reference pages
"Amazon Simple Email Service endpoints and quotas" and "AWS End User Messaging SMS endpoints and quotas".
Refresh them when botocore is upgraded: `tests/test_regions.py` fails when the pinned botocore disagrees.
"""

from __future__ import annotations

from enum import StrEnum


class Service(StrEnum):
    """Services whose regional availability decides whether a pair can be placed in a region."""

    SES = "sesv2"
    SMS = "pinpoint-sms-voice-v2"
    CORE = "dynamodb"  # S3, DynamoDB, Lambda, API Gateway and CloudWatch share this region list.


_CORE = frozenset(
    {
        "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
        "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
        "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1",
        "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
        "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2",
        "us-west-1", "us-west-2",
    }
)  # fmt: skip

SERVICE_REGIONS: dict[Service, frozenset[str]] = {
    Service.CORE: _CORE,
    # SES is not offered in ap-east-1 (Hong Kong).
    Service.SES: _CORE - {"ap-east-1"},
    # End User Messaging SMS is not offered in ap-east-1, ap-southeast-5 or ap-southeast-7.
    Service.SMS: _CORE - {"ap-east-1", "ap-southeast-5", "ap-southeast-7"},
}

ALL_REGIONS = _CORE

# Regions of the US multi-Region strong consistency set for DynamoDB (RESEARCH.md); informative only.
US_REGION_SET = frozenset({"us-east-1", "us-east-2", "us-west-2"})


def offers(service: Service, region: str) -> bool:
    """Say whether `service` can be used in `region` according to the frozen table."""
    return region in SERVICE_REGIONS[service]


def dkim_signing_domain(region: str) -> str:
    """Return the domain SES Easy DKIM CNAMEs point at in `region`.

    SES publishes `dkim.amazonses.com` for the original regions and `dkim.<region>.amazonses.com` for the
    newer ones, so the target must be derived per region, never hard-coded.
    """
    return "dkim.amazonses.com" if region in _LEGACY_DKIM_REGIONS else f"dkim.{region}.amazonses.com"


def mail_from_mx(region: str) -> str:
    """Return the MX target SES expects for a custom MAIL FROM domain in `region`."""
    return f"feedback-smtp.{region}.amazonses.com"


# Regions whose Easy DKIM CNAMEs point at the global `dkim.amazonses.com`; SES regions opened later use
# `dkim.<region>.amazonses.com` ("DKIM domain" column of the SES endpoints table in the AWS General Reference).
_LEGACY_DKIM_REGIONS = frozenset(
    {
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ap-south-1", "ap-northeast-1",
        "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ca-central-1", "eu-central-1",
        "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "sa-east-1",
    }
)  # fmt: skip
