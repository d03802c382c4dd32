"""The signals and read-path policies, driven directly with pulumi_policy's argument types.

Resources come from `regionpair.simulate` runs of the example pair (and, for the read path, from `ReadPath`
run on its own under the same mocks, see tests/test_cdn.py). Each claimed failure is one deliberate break.
Props are a resource's outputs overlaid with its inputs: AnalyzeStack shows outputs, which for a custom
resource include its inputs; the root component's inputs (declaration, peerManifest) are what the stack
policies read.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    StackValidationArgs,
)
from test_cdn import CDN, load, read_path

from regionpair.policies.rules_signals import (
    POLICIES,
    ROOT_TYPE,
    validate_failover_signals,
    validate_origin_group_pair,
    validate_read_path,
)
from regionpair.simulate import Recorded, StackRun
from tests.peer_manifest import edit_peer

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"


def _opts(r: Recorded) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=r.protect,
        ignore_changes=r.ignore_changes,
        delete_before_replace=r.delete_before_replace,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=r.parent or None,
    )


def stack_args(recorded: list[Recorded], edit: Callable[[dict[str, dict[str, Any]]], None] | None = None):
    """StackValidationArgs of `recorded`; `edit` may change props (by URN) or drop resources (del)."""
    props = {r.urn: copy.deepcopy({**r.outputs, **r.inputs}) for r in recorded}
    if edit:
        edit(props)
    resources: dict[str, PolicyResource] = {}
    for r in recorded:
        if r.urn in props:
            resources[r.urn] = PolicyResource(r.type, props[r.urn], r.urn, r.name, _opts(r), None, None, [], {})
    for r in recorded:
        if r.urn in resources and r.parent in resources:
            resources[r.urn].parent = resources[r.parent]
    return StackValidationArgs(resources=list(resources.values()))


def violations(validate, args) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    validate(args, lambda message, urn=None: found.append((message, urn)))
    return found


def root_urn(recorded: list[Recorded]) -> str:
    return next(r.urn for r in recorded if r.type == ROOT_TYPE)


def by_name(recorded: list[Recorded], name: str) -> Recorded:
    return next(r for r in recorded if r.inputs.get("name") == name or r.inputs.get("alarmName") == name)


def test_policies_are_registered_with_kebab_names() -> None:
    names = [p.name for p in POLICIES]
    assert names == [
        "cloudwatch-alarm-failover-signals",
        "cloudfront-origingroup-bucket-pair",
        "cloudfront-distribution-read-path",
    ]
    assert all(p.description for p in POLICIES)


# ------------------------------------------------------------------------------------------ failover signals
@pytest.mark.parametrize("stack", ["primary", "secondary"])
def test_compliant_pair_has_its_signals(pair_run, stack: str) -> None:
    run: StackRun = getattr(pair_run, stack)
    assert violations(validate_failover_signals, stack_args(run.resources)) == []


def test_missing_alarm_is_caught(primary: StackRun) -> None:
    gone = by_name(primary.resources, "notify-lambda-throttles-us-east-1")
    found = violations(validate_failover_signals, stack_args(primary.resources, lambda p: p.pop(gone.urn)))
    assert len(found) == 1, found
    message, urn = found[0]
    assert urn == root_urn(primary.resources)
    assert "no alarm notify-lambda-throttles-us-east-1" in message
    assert "signals.api.enabled: false" in message


def test_wrong_threshold_is_caught(secondary: StackRun) -> None:
    a = by_name(secondary.resources, "notify-api-5xx-us-west-2")
    found = violations(
        validate_failover_signals, stack_args(secondary.resources, lambda p: p[a.urn].update(threshold=0.5))
    )
    assert found == [(found[0][0], a.urn)], found
    assert "threshold is 0.5, the declaration says 0.05" in found[0][0]


def test_alarm_in_the_wrong_region_is_caught(secondary: StackRun) -> None:
    a = by_name(secondary.resources, "notify-ddb-orders-replication-latency-us-west-2")
    found = violations(
        validate_failover_signals, stack_args(secondary.resources, lambda p: p[a.urn].update(region="us-east-1"))
    )
    assert [(urn, "in us-east-1, not us-west-2" in m) for m, urn in found] == [(a.urn, True)], found


def test_missing_composite_is_caught(secondary: StackRun) -> None:
    c = by_name(secondary.resources, "notify-region-unhealthy-us-west-2")
    found = violations(validate_failover_signals, stack_args(secondary.resources, lambda p: p.pop(c.urn)))
    assert len(found) == 1, found
    assert found[0][1] == root_urn(secondary.resources)
    assert "no composite alarm notify-region-unhealthy-us-west-2" in found[0][0]


def test_composite_missing_a_member_is_caught(primary: StackRun) -> None:
    c = by_name(primary.resources, "notify-region-unhealthy-us-east-1")

    def drop_member(props: dict[str, dict[str, Any]]) -> None:
        rule = props[c.urn]["alarmRule"]
        props[c.urn]["alarmRule"] = rule.replace(' OR ALARM("notify-ses-reject-rate-us-east-1")', "")

    found = violations(validate_failover_signals, stack_args(primary.resources, drop_member))
    assert found == [(found[0][0], c.urn)], found
    assert "does not include notify-ses-reject-rate-us-east-1" in found[0][0]


def test_primary_catches_a_secondary_without_composite(primary: StackRun) -> None:
    root = root_urn(primary.resources)
    found = violations(
        validate_failover_signals,
        stack_args(primary.resources, lambda p: edit_peer(p[root], lambda m: m["signals"].update(composite=None))),
    )
    assert len(found) == 1, found
    message, urn = found[0]
    assert urn == root
    assert "secondary (us-west-2) exports no composite alarm notify-region-unhealthy-us-west-2" in message
    assert "pulumi up -s secondary" in message


# ---------------------------------------------------------------------------------------------- read path
@pytest.fixture
def cdn_runs(pair_copy, secondary: StackRun, primary: StackRun):
    """The example stacks with `cdn:` declared and the secondary's ReadPath registrations added."""
    pair = load(pair_copy, "secondary")
    recorded, manifest = read_path(pair)

    def declare(run: StackRun, extra: list[Recorded], peer_cdn: dict[str, Any] | None) -> list[Recorded]:
        out = []
        for r in run.resources:
            if r.type == ROOT_TYPE:
                r = copy.deepcopy(r)
                r.inputs["declaration"]["cdn"] = dict(CDN)
                if peer_cdn is not None:
                    edit_peer(r.inputs, lambda m: m.update(cdn=peer_cdn))
            out.append(r)
        return out + extra

    return declare(secondary, recorded, None), declare(primary, [], manifest)


def test_compliant_read_path(cdn_runs) -> None:
    sec, pri = cdn_runs
    assert violations(validate_read_path, stack_args(sec)) == []
    assert violations(validate_read_path, stack_args(pri)) == []
    assert violations(validate_origin_group_pair, stack_args(sec)) == []


def test_secondary_without_distribution_is_caught(cdn_runs) -> None:
    sec, _ = cdn_runs
    dist = next(r for r in sec if r.type == DISTRIBUTION)
    found = violations(validate_read_path, stack_args(sec, lambda p: p.pop(dist.urn)))
    assert len(found) == 1, found
    assert found[0][1] == root_urn(sec)
    assert "no distribution in this stack has an origin group" in found[0][0]
    assert "ReadPath" in found[0][0]


def test_missing_declared_failover_code_is_caught(cdn_runs) -> None:
    sec, _ = cdn_runs
    dist = next(r for r in sec if r.type == DISTRIBUTION)

    def only_500(props: dict[str, dict[str, Any]]) -> None:
        props[dist.urn]["originGroups"][0]["failoverCriteria"]["statusCodes"] = [500]

    found = violations(validate_read_path, stack_args(sec, only_500))
    assert found == [(found[0][0], dist.urn)], found
    assert "does not fail over on [502, 503, 504]" in found[0][0]


def test_primary_catches_secondary_without_read_path(cdn_runs) -> None:
    _, pri = cdn_runs
    root = root_urn(pri)
    found = violations(validate_read_path, stack_args(pri, lambda p: edit_peer(p[root], lambda m: m.pop("cdn"))))
    assert len(found) == 1, found
    assert found[0][1] == root
    assert "the secondary owns the distribution" in found[0][0]


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("notify-assets-us-east-1.s3.us-west-2.amazonaws.com", "not a regional S3 endpoint of a bucket pair half"),
        ("notify-assets-us-west-2.s3.us-west-2.amazonaws.com", "has both origins in us-west-2"),
        ("notify-logs-us-west-2.s3.us-west-2.amazonaws.com", "pairs notify-logs with notify-assets"),
        ("notify-assets.s3.amazonaws.com", "not a regional S3 endpoint"),
    ],
)
def test_origin_group_of_two_halves_is_enforced(cdn_runs, domain: str, expected: str) -> None:
    sec, _ = cdn_runs
    dist = next(r for r in sec if r.type == DISTRIBUTION)

    def swap(props: dict[str, dict[str, Any]]) -> None:
        props[dist.urn]["origins"][0]["domainName"] = domain  # the primary member

    found = violations(validate_origin_group_pair, stack_args(sec, swap))
    assert len(found) == 1, found
    assert found[0][1] == dist.urn
    assert expected in found[0][0]


def test_origin_group_with_one_origin_is_caught(cdn_runs) -> None:
    sec, _ = cdn_runs
    dist = next(r for r in sec if r.type == DISTRIBUTION)

    def drop(props: dict[str, dict[str, Any]]) -> None:
        props[dist.urn]["originGroups"][0]["members"] = props[dist.urn]["originGroups"][0]["members"][:1]

    found = violations(validate_origin_group_pair, stack_args(sec, drop))
    assert found == [(found[0][0], dist.urn)], found
    assert "has 1 origins; give it exactly two" in found[0][0]


def test_origin_group_of_declared_bucket_names_passes(cdn_runs) -> None:
    """The halves are known by the declaration's names (`bucketNames` here, hashed when long), not a pattern."""
    sec, _ = cdn_runs
    dist = next(r for r in sec if r.type == DISTRIBUTION)
    names = ("acme-web", "acme-web-standby")

    def rename(props: dict[str, dict[str, Any]], names: tuple[str, str] = names) -> None:
        bucket = next(b for b in props[root_urn(sec)]["declaration"]["buckets"] if b["name"] == CDN["bucket"])
        bucket["bucketNames"] = {"primary": names[0], "secondary": names[1]}
        for origin, name in zip(props[dist.urn]["origins"][:2], names, strict=True):
            origin["domainName"] = name + origin["domainName"][origin["domainName"].index(".s3."):]

    assert violations(validate_origin_group_pair, stack_args(sec, rename)) == []
    def undeclared(props: dict[str, dict[str, Any]]) -> None:  # the same names, not declared: not known as a pair
        rename(props)
        for b in props[root_urn(sec)]["declaration"]["buckets"]:
            b.pop("bucketNames", None)

    found = violations(validate_origin_group_pair, stack_args(sec, undeclared))
    assert len(found) == 1, found
    assert "not a regional S3 endpoint of a bucket pair half" in found[0][0]
