"""Buckets, replication, global tables and the app-state item: the decisions a user relies on."""

from __future__ import annotations

import json

from regionpair.simulate import simulate_pair

BUCKET = "aws:s3/bucket:Bucket"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
TABLE = "aws:dynamodb/table:Table"
ITEM = "aws:dynamodb/tableItem:TableItem"


def test_buckets_are_versioned_private_and_tls_only_in_both_regions(primary, secondary):
    for run, region in ((primary, "us-east-1"), (secondary, "us-west-2")):
        bucket = run.one(BUCKET, "assets")
        assert bucket.inputs["bucket"] == f"notify-assets-{region}", bucket.urn
        assert bucket.region == region, bucket.urn
        versioning = run.one("aws:s3/bucketVersioning:BucketVersioning", "assets")
        assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled", versioning.urn
        pab = run.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "assets")
        flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
        assert all(pab.inputs[f] for f in flags), pab.urn
        policy = json.loads(run.one("aws:s3/bucketPolicy:BucketPolicy", "assets").inputs["policy"])
        deny = next(s for s in policy["Statement"] if s["Effect"] == "Deny")
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_replication_rules_point_at_the_peer_bucket(primary, secondary):
    assert secondary.by_type(REPLICATION) == [], "the secondary must not own a replication configuration"
    forward = primary.one(REPLICATION, "assets-replication")
    reverse = primary.one(REPLICATION, "reverse-replication")
    assert (forward.region, forward.inputs["bucket"]) == ("us-east-1", "notify-assets-us-east-1"), forward.urn
    assert (reverse.region, reverse.inputs["bucket"]) == ("us-west-2", "notify-assets-us-west-2"), reverse.urn
    rule = forward.inputs["rules"][0]
    assert rule["destination"]["bucket"] == "arn:aws:s3:::notify-assets-us-west-2", forward.urn
    assert rule["deleteMarkerReplication"]["status"] == "Enabled", forward.urn
    assert rule["destination"]["replicationTime"] == {"status": "Enabled", "time": {"minutes": 15}}, forward.urn
    assert "filter" in rule, f"{forward.urn}: V2 rules need a filter"
    assert reverse.inputs["rules"][0]["destination"]["bucket"] == "arn:aws:s3:::notify-assets-us-east-1"


def test_replication_waits_for_versioning(primary):
    versioning = primary.one("aws:s3/bucketVersioning:BucketVersioning", "assets")
    for rep in primary.by_type(REPLICATION):
        assert versioning.urn in rep.dependencies, f"{rep.urn} must depend on {versioning.urn}"


def test_replication_role_is_least_privilege(primary):
    policy = json.loads(primary.one("aws:iam/rolePolicy:RolePolicy", "replication").inputs["policy"])
    for statement in policy["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert "*" not in actions
        assert all(a.startswith("s3:") and "*" not in a for a in actions), statement
        for resource in statement["Resource"]:
            assert resource.split("/")[0] in {f"arn:aws:s3:::notify-assets-{r}" for r in ("us-east-1", "us-west-2")}


def test_global_tables_owned_by_the_primary_with_a_replica_in_the_secondary(primary, secondary):
    assert secondary.by_type(TABLE) == [], "the secondary must not register tables (the primary owns replicas)"
    tables = {t.inputs["name"]: t for t in primary.by_type(TABLE)}
    assert set(tables) == {"notify-orders", "notify-customers", "notify-app-state"}
    for table in tables.values():
        assert table.region == "us-east-1", table.urn
        assert [r["regionName"] for r in table.inputs["replicas"]] == ["us-west-2"], table.urn
        assert table.inputs["streamEnabled"], table.urn
        assert table.inputs["streamViewType"] == "NEW_AND_OLD_IMAGES", table.urn
        assert table.inputs["pointInTimeRecovery"]["enabled"], table.urn
        assert table.inputs["deletionProtectionEnabled"], table.urn
    orders = tables["notify-orders"]
    assert (orders.inputs["hashKey"], orders.inputs["rangeKey"]) == ("pk", "sk"), orders.urn


def test_state_item_initialised_once_and_never_reset(primary, secondary):
    assert secondary.by_type(ITEM) == [], "only the primary writes the initial state"
    item = primary.one(ITEM, "state")
    assert item.ignore_changes == ["item"], f"{item.urn}: a later pulumi up must not reset the state"
    assert item.retain_on_delete, item.urn
    value = json.loads(item.inputs["item"])
    assert value["AppId"] == {"S": "notify"}, item.urn
    assert value["state"] == {"S": "active"}, item.urn


def test_changing_the_initial_state_does_not_change_the_registration(pair_copy):
    pair_copy.shared(lambda d: d["appState"].update({"initialState": "fenced"}))
    item = simulate_pair(pair_copy.path).primary.one(ITEM, "state")
    # The declared value changed, but ignore_changes keeps Pulumi from writing it to the live item.
    assert item.ignore_changes == ["item"]
