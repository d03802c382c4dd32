"""The frozen service/region table agrees with the pinned botocore's endpoint data (its stated source)."""

from __future__ import annotations

import boto3
import pytest

from regionpair.components.regions import SERVICE_REGIONS, Service, dkim_signing_domain, mail_from_mx, offers


@pytest.mark.parametrize("service", list(Service))
def test_table_matches_pinned_botocore(service):
    # Reads botocore's bundled endpoint data: no network call.
    known = set(boto3.Session().get_available_regions(service.value))
    assert set(SERVICE_REGIONS[service]) == known, (
        f"{service.value}: refresh components/regions.py from botocore "
        f"(missing {sorted(known - SERVICE_REGIONS[service])}, extra {sorted(SERVICE_REGIONS[service] - known)})"
    )


def test_gaps_the_validation_relies_on():
    assert not offers(Service.SES, "ap-east-1")
    assert not offers(Service.SMS, "ap-southeast-5")
    assert offers(Service.SES, "us-west-2")
    assert offers(Service.SMS, "us-west-2")


def test_dkim_and_mail_from_hosts_are_per_region():
    assert dkim_signing_domain("us-east-1") == "dkim.amazonses.com"
    assert dkim_signing_domain("af-south-1") == "dkim.af-south-1.amazonses.com"
    assert mail_from_mx("eu-west-1") == "feedback-smtp.eu-west-1.amazonses.com"
