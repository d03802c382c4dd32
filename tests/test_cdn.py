"""The read path: CloudFront origin failover over the declared bucket pair, owned by the secondary stack.

The component is run on its own under Pulumi's mock runtime (the same `CloudMocks` and `RecordingMonitor` the
whole-program simulation uses), from a declaration loaded with `load_pair`, so these tests do not depend on
how `components/pair.py` wires it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime import mocks as pmocks
from pulumi.runtime import settings as psettings

from regionpair.components.cdn import (
    ALL_VIEWER_EXCEPT_HOST_HEADER,
    CACHING_OPTIMIZED,
    ReadPath,
    ReadPathArgs,
    bucket_policy_statement,
    validate_cdn,
)
from regionpair.components.declaration import DeclarationError, Pair
from regionpair.components.loader import load_pair
from regionpair.mockcloud import CloudMocks
from regionpair.simulate import ORGANIZATION, PROJECT, Recorded, RecordingMonitor, stack_config

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
OAC = "aws:cloudfront/originAccessControl:OriginAccessControl"
CACHE_POLICY = "aws:cloudfront/cachePolicy:CachePolicy"
CDN = {"bucket": "assets"}


def load(pair_copy, stack: str, cdn: dict[str, Any] | None = CDN, mutate: Callable | None = None) -> Pair:
    """The example pair as `stack` sees it, with `cdn:` set (and any other edit)."""

    def edit(data: dict[str, Any]) -> None:
        if cdn is not None:
            data["cdn"] = cdn
        if mutate:
            mutate(data)

    pair_copy.shared(edit)
    return load_pair(pair_copy.path, stack_config(pair_copy.path, stack), stack)


def run_component(stack: str, build: Callable[[], Any]) -> list[Recorded]:
    """Run `build()` (which creates components) under the mock runtime; return what it registered."""
    mocks = CloudMocks()
    monitor = RecordingMonitor(mocks)
    psettings.configure(psettings.Settings(project=PROJECT, stack=stack))
    psettings.ROOT.set(None)
    pmocks.set_mocks(mocks, project=PROJECT, stack=stack, preview=False, monitor=monitor, organization=ORGANIZATION)
    built: list[Any] = []
    pulumi.runtime.test(lambda: built.append(build()))()
    return list(monitor.recorded.values())


def read_path(pair: Pair) -> tuple[list[Recorded], dict[str, Any]]:
    """ReadPath's registrations and its resolved manifest."""
    recorded = run_component(pair.this_role.value, lambda: ReadPath("notify-cdn", ReadPathArgs(pair=pair)))
    component = next(r for r in recorded if r.type == "regionpair:cdn:ReadPath")
    return recorded, component.outputs["manifest"]


@pytest.fixture
def secondary_cdn(pair_copy) -> tuple[list[Recorded], dict[str, Any]]:
    return read_path(load(pair_copy, "secondary"))


def test_distribution_only_in_the_secondary_stack(pair_copy, secondary_cdn) -> None:
    recorded, manifest = secondary_cdn
    assert [r.name for r in recorded if r.type == DISTRIBUTION] == ["notify-cdn-distribution"]
    primary_recorded, primary_manifest = read_path(load(pair_copy, "primary"))
    custom = [r.urn for r in primary_recorded if r.custom]
    assert custom == [], f"the primary stack must not create read-path resources: {custom}"
    assert primary_manifest["owner"] == "secondary"
    assert primary_manifest["originGroup"] == manifest["originGroup"], "both stacks compute the same origins"


def test_origin_group_fails_over_from_primary_bucket_to_replica(secondary_cdn) -> None:
    recorded, _ = secondary_cdn
    dist = next(r for r in recorded if r.type == DISTRIBUTION)
    origins = {o["originId"]: o for o in dist.inputs["origins"]}
    (group,) = dist.inputs["originGroups"]
    members = [m["originId"] for m in group["members"]]
    assert [origins[m]["domainName"] for m in members] == [
        "notify-assets-us-east-1.s3.us-east-1.amazonaws.com",
        "notify-assets-us-west-2.s3.us-west-2.amazonaws.com",
    ], dist.urn
    assert group["failoverCriteria"]["statusCodes"] == [500, 502, 503, 504], dist.urn
    oac = next(r for r in recorded if r.type == OAC)
    assert (oac.inputs["originAccessControlOriginType"], oac.inputs["signingBehavior"]) == ("s3", "always"), oac.urn
    assert oac.inputs["signingProtocol"] == "sigv4", oac.urn
    for m in members:
        assert origins[m]["originAccessControlId"] == oac.outputs.get("id", origins[m]["originAccessControlId"])
        assert "s3OriginConfig" in origins[m], f"{dist.urn}: origin {m} must be an S3 origin (OAC)"


def test_default_behaviour_serves_reads_only_over_https(secondary_cdn) -> None:
    recorded, manifest = secondary_cdn
    dist = next(r for r in recorded if r.type == DISTRIBUTION)
    behaviour = dist.inputs["defaultCacheBehavior"]
    assert behaviour["targetOriginId"] == dist.inputs["originGroups"][0]["originId"], dist.urn
    assert sorted(behaviour["allowedMethods"]) == ["GET", "HEAD", "OPTIONS"], dist.urn
    assert behaviour["viewerProtocolPolicy"] == "redirect-to-https", dist.urn
    assert behaviour["cachePolicyId"] == CACHING_OPTIMIZED, dist.urn
    assert "orderedCacheBehaviors" not in dist.inputs or not dist.inputs["orderedCacheBehaviors"], dist.urn
    assert manifest["distributionArn"].startswith("arn:aws:cloudfront::"), manifest
    assert manifest["failoverCodes"] == [500, 502, 503, 504]
    assert manifest["domainName"].endswith(".cloudfront.net")
    assert set(manifest) >= {"distributionId", "distributionArn", "domainName", "originGroup", "failoverCodes"}


def test_declared_403_404_and_api_behind_cloudfront(pair_copy) -> None:
    cdn = {"bucket": "assets", "failoverStatusCodes": [404, 403, 500, 502, 503, 504], "api": {}}
    recorded, _manifest = read_path(load(pair_copy, "secondary", cdn))
    dist = next(r for r in recorded if r.type == DISTRIBUTION)
    assert dist.inputs["originGroups"][0]["failoverCriteria"]["statusCodes"] == [403, 404, 500, 502, 503, 504]
    (api,) = dist.inputs["orderedCacheBehaviors"]
    assert api["pathPattern"] == "/api/*", dist.urn
    assert "POST" in api["allowedMethods"], f"{dist.urn}: writes reach the API, not an origin group"
    assert api["originRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER, dist.urn
    api_origin = next(o for o in dist.inputs["origins"] if o["originId"] == api["targetOriginId"])
    assert api_origin["domainName"] == "api.example.com", dist.urn
    policy = next(r for r in recorded if r.type == CACHE_POLICY)
    headers = policy.inputs["parametersInCacheKeyAndForwardedToOrigin"]["headersConfig"]
    assert headers["headers"]["items"] == ["Authorization"], f"{policy.urn}: the disaster-tolerance article's gotcha"
    assert policy.inputs["maxTtl"] > 0, f"{policy.urn}: CloudFront rejects cache-key headers with all TTLs 0"


def test_cdn_bucket_must_be_a_declared_bucket_pair(pair_copy) -> None:
    # The declaration validates cdn: when it loads; validate_cdn repeats the rule for a pair built in code.
    with pytest.raises(DeclarationError) as err:
        validate_cdn(load(pair_copy, "secondary", {"bucket": "missing"}))
    assert err.value.key == "pair.yaml cdn.bucket"
    assert "buckets" in err.value.message


@pytest.mark.parametrize(
    ("cdn", "key"),
    [
        ({"bucket": "assets", "failoverStatusCodes": [500, 418]}, "pair.yaml cdn.failoverStatusCodes"),
        ({"bucket": "assets", "priceClass": "PriceClass_1"}, "pair.yaml cdn.priceClass"),
        ({"bucket": "assets", "api": {"pathPattern": "/*"}}, "pair.yaml cdn.api.pathPattern"),
        ({"bucket": "assets", "originGroups": []}, "pair.yaml cdn.originGroups"),
    ],
)
def test_bad_cdn_values_name_the_key(pair_copy, cdn: dict[str, Any], key: str) -> None:
    # Whether the declaration types `cdn:` (load_pair fails) or not yet (validate_cdn fails), the key is named.
    with pytest.raises(DeclarationError) as err:
        validate_cdn(load(pair_copy, "secondary", cdn))
    assert err.value.key == key, str(err.value)


def test_bucket_policy_statement_allows_only_the_distribution() -> None:
    arn = "arn:aws:cloudfront::123456789012:distribution/E123"
    stmt = bucket_policy_statement("arn:aws:s3:::notify-assets-us-east-1", arn)
    assert stmt["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert stmt["Action"] == "s3:GetObject"
    assert stmt["Condition"] == {"StringEquals": {"AWS:SourceArn": arn}}


def test_docs_say_origin_groups_serve_reads_only() -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "signals-and-cdn.md").read_text()
    assert "GET, HEAD and OPTIONS" in text
    assert "Authorization" in text


def test_example_pair_builds_its_distribution_in_the_secondary_only(primary, secondary) -> None:
    assert primary.by_type(DISTRIBUTION) == [], "the primary stack must not own the global distribution"
    declared = "cdn" in secondary.one("regionpair:index:RegionPairHalf").inputs["declaration"]
    assert len(secondary.by_type(DISTRIBUTION)) == (1 if declared else 0), [r.urn for r in secondary.resources]
