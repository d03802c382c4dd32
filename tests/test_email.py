"""EmailIdentities: explicit regions, and the manifest the policy pack and `regionpair audit` compare."""

from __future__ import annotations

from regionpair.components.regions import dkim_signing_domain

REGIONAL_PREFIXES = ("aws:sesv2/", "aws:sns/")


def test_every_email_resource_names_its_region_and_dns_names_none(primary, secondary):
    for run in (primary, secondary):
        for res in run.resources:
            if res.type.startswith(REGIONAL_PREFIXES):
                assert res.inputs.get("region") == run.outputs["parityManifest"]["email"]["region"], res.urn
            if res.type == "aws:route53/record:Record":
                assert "region" not in res.inputs, f"{res.urn}: Route 53 is global"


def test_email_manifest_lists_each_domain_with_this_regions_dkim(primary, secondary):
    for run in (primary, secondary):
        manifest = run.outputs["parityManifest"]["email"]
        region = manifest["region"]
        for entry in manifest["domains"]:
            assert entry["dkimTarget"] == dkim_signing_domain(region), f"{run.stack} {entry['domain']}"
            assert len(entry["dkimRecords"]) == 3, f"{run.stack} {entry['domain']}"
            assert entry["mailFrom"] == f"bounce-{region}.{entry['domain']}", f"{run.stack} {entry['domain']}"
            assert entry["dmarc"] is (run.stack == "primary"), f"{run.stack} {entry['domain']}"
            assert entry["identityArn"], f"{run.stack} {entry['domain']}"
        assert manifest.get("multiRegionEndpoint") is None, run.stack  # a None export is dropped
    sets = [run.outputs["parityManifest"]["email"]["configurationSets"] for run in (primary, secondary)]
    names = [[cs["name"] for cs in s] for s in sets]
    assert names[0] == names[1], names
