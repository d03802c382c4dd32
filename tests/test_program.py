"""Program-level decisions: the root component, the exports, and that nothing lands in the wrong region."""

from __future__ import annotations

import pytest

from regionpair.simulate import simulate_pair, simulate_stack
from tests.peer_manifest import peer_manifest

GLOBAL_MODULES = {"iam", "route53", "cloudfront"}
ROOT_TYPE = "regionpair:index:RegionPairHalf"


def _module(token: str) -> str:
    return token.split(":")[1].split("/")[0]


def _aws(run):
    return [r for r in run.resources if r.custom and r.type.startswith("aws:")]


def test_root_component_carries_declaration_and_peer_manifest(primary, secondary):
    for run, role in ((primary, "primary"), (secondary, "secondary")):
        root = run.one(ROOT_TYPE)
        assert root.inputs["role"] == role, root.urn
        assert root.inputs["declaration"]["name"] == "notify", root.urn
    assert peer_manifest(primary.one(ROOT_TYPE).inputs) == secondary.outputs["parityManifest"]
    assert secondary.one(ROOT_TYPE).inputs.get("peerManifest") is None, "the secondary must not read the primary"


def test_every_resource_is_parented_inside_the_half(primary, secondary):
    for run in (primary, secondary):
        root = run.one(ROOT_TYPE)
        by_urn = {r.urn: r for r in run.resources}
        for r in run.resources:
            if r is root:
                continue
            chain, cur = [], r
            while cur.parent in by_urn and cur.parent != root.urn:
                cur = by_urn[cur.parent]
                chain.append(cur.name)
            assert cur.parent == root.urn, f"{r.urn} is not inside the half (parents {chain} -> {cur.parent})"


def test_regional_resources_name_their_region(primary, secondary):
    for run, region, peer_region in ((primary, "us-east-1", "us-west-2"), (secondary, "us-west-2", "us-east-1")):
        for r in _aws(run):
            if _module(r.type) in GLOBAL_MODULES:
                assert "region" not in r.inputs, f"{r.urn}: global service given a region"
                continue
            assert r.region in (region, peer_region), f"{r.urn}: region {r.region!r}, expected explicit {region}"
            if r.region == peer_region:
                # Only the primary places resources in the peer region, and only the ones that span both.
                assert run is primary, f"{r.urn}: the secondary must only deploy into {region}"
                assert r.type in {"aws:s3/bucketReplicationConfig:BucketReplicationConfig"}, (
                    f"{r.urn}: unexpected resource in the peer region {peer_region}"
                )


def test_parity_manifest_exported_by_both(primary, secondary):
    for run in (primary, secondary):
        manifest = run.outputs["parityManifest"]
        assert manifest["schemaVersion"] == 1
        assert manifest["role"] == run.stack
        assert {manifest["region"], manifest["peerRegion"]} == {"us-east-1", "us-west-2"}


def test_preview_registers_the_same_resources():
    """Nothing is created inside apply(): preview (unknown outputs) and up register the same set."""
    up = simulate_pair()
    preview = simulate_pair(preview=True)
    for a, b in zip(up, preview, strict=True):
        assert sorted(r.urn for r in a.resources) == sorted(r.urn for r in b.resources), a.stack


def test_primary_without_deployed_secondary_stops_with_one_line():
    import pulumi

    with pytest.raises(pulumi.RunError, match=r"regionpair:peerStack: .*deploy the secondary first") as info:
        simulate_stack("primary")
    assert "\n" not in str(info.value).strip()
