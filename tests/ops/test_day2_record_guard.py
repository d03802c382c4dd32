"""The record-set guard's preview check (components/record_guard.py) against Route 53 in moto server mode.

moto implements hosted zones and ListResourceRecordSets with failover and latency records, so the guard reads
real API answers here; a refused connection stands in for an unreachable control plane.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config

from regionpair.components.record_guard import PROCEDURE, RecordSetGuardProvider, conflicts

NAME = "api.example.com"


@pytest.fixture
def zone(independent) -> str:
    r53 = independent("route53")
    zone_id = r53.create_hosted_zone(Name="example.com", CallerReference="guard")["HostedZone"]["Id"].split("/")[-1]
    return zone_id


def _put(r53, zone_id: str, *record_sets: dict) -> None:
    changes = [{"Action": "CREATE", "ResourceRecordSet": {"Name": NAME, "Type": "A", "TTL": 60,
                                                           "ResourceRecords": [{"Value": "192.0.2.1"}], **rs}}
               for rs in record_sets]  # fmt: skip
    r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": changes})


def _check(factory, zone_id: str, policy: str, records: list[dict]) -> list[str]:
    provider = RecordSetGuardProvider(client_factory=factory)
    news = {"kind": "route53:RecordSetGuard", "zoneId": zone_id, "name": NAME, "type": "A", "policy": policy,
            "records": records}  # fmt: skip
    return [f.reason for f in provider.check({}, news).failures]


FAILOVER = [
    {"SetIdentifier": "primary", "Failover": "PRIMARY"},
    {"SetIdentifier": "secondary", "Failover": "SECONDARY"},
]


def test_latency_records_next_to_live_failover_records_are_refused(independent, zone) -> None:
    _put(independent("route53"), zone, *FAILOVER)
    found = _check(independent, zone, "latency", [{"setIdentifier": "us-east-1"}])
    assert len(found) == 1, found
    assert found[0].startswith("routing.mode: ")
    assert "failover record" in found[0]
    assert PROCEDURE in found[0]


def test_the_same_policy_passes(independent, zone) -> None:
    _put(independent("route53"), zone, *FAILOVER)
    assert _check(independent, zone, "failover", [{"setIdentifier": "primary", "failover": "PRIMARY"},
                                                  {"setIdentifier": "secondary", "failover": "SECONDARY"}]) == []


def test_a_second_primary_under_another_set_identifier_is_refused(independent, zone) -> None:
    _put(independent("route53"), zone, *FAILOVER)
    found = _check(independent, zone, "failover", [{"setIdentifier": "us-east-1", "failover": "PRIMARY"},
                                                   {"setIdentifier": "us-west-2", "failover": "SECONDARY"}])
    assert found, "two PRIMARY records would be refused by Route 53"
    assert "already has a PRIMARY failover record" in found[0]


def test_no_live_records_pass_and_other_names_are_ignored(independent, zone) -> None:
    r53 = independent("route53")
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "CREATE",
        "ResourceRecordSet": {"Name": "www.example.com", "Type": "A", "TTL": 60, "SetIdentifier": "x",
                              "Failover": "PRIMARY", "ResourceRecords": [{"Value": "192.0.2.9"}]}}]})  # fmt: skip
    assert _check(independent, zone, "latency", [{"setIdentifier": "us-east-1"}]) == []


def test_an_unreachable_control_plane_does_not_block(zone) -> None:
    """Refused connection: the guard cannot tell, so it lets the records' own creation report the error."""

    def refused(service: str, region: str):
        return boto3.client(service, region_name=region, endpoint_url="http://127.0.0.1:9",
                            config=Config(retries={"total_max_attempts": 1}, connect_timeout=1))  # fmt: skip

    assert _check(refused, zone, "latency", [{"setIdentifier": "us-east-1"}]) == []


def test_conflicts_reads_every_policy_route53_returns() -> None:
    live = [{"Name": f"{NAME}.", "Type": "A", "SetIdentifier": "w", "Weight": 10}]
    assert "weighted" in conflicts(live, "latency", [])[0]
    assert conflicts([{"Name": f"{NAME}.", "Type": "A", "SetIdentifier": "us-east-1", "Region": "us-east-1"}],
                     "latency", [{"setIdentifier": "us-west-2"}]) == []  # fmt: skip
