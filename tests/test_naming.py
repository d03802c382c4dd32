"""Physical names fit AWS's and the provider's limits, stay deterministic, and the example keeps its names."""

from __future__ import annotations

import pytest

from regionpair.components import constraints
from regionpair.components.declaration import DeclarationError, Role
from regionpair.components.loader import load_pair
from regionpair.components.naming import fit, health_check_reference, physical_name
from regionpair.components.routing import stop_alarm_name
from regionpair.components.signals import composite_alarm_name
from regionpair.ops.context import load_context
from regionpair.simulate import simulate_pair, stack_config
from tests.matrix import long_name

BUCKET = "aws:s3/bucket:Bucket"
ROLE = "aws:iam/role:Role"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"


def test_a_name_that_fits_is_unchanged():
    assert physical_name("notify", "assets", "us-east-1") == "notify-assets-us-east-1"
    assert health_check_reference("notify-stop") == "notify-stop"


def test_a_long_name_keeps_its_region_and_fits_with_a_stable_hash():
    pair, bucket = long_name("pair", 24), long_name("bucket", 24)
    name = physical_name(pair, bucket, "ap-southeast-2")  # the case: 64 characters before
    assert len(name) <= constraints.S3_BUCKET_MAX
    assert name.endswith("-ap-southeast-2")
    assert name.startswith(pair[:20])
    assert name == physical_name(pair, bucket, "ap-southeast-2")  # deterministic
    assert name != physical_name(pair, bucket, "ap-northeast-1")
    assert physical_name(pair, bucket + "a", "ap-southeast-2") != physical_name(pair, bucket + "b", "ap-southeast-2")


@pytest.mark.parametrize("limit", [27, 63, 64, 255])
@pytest.mark.parametrize("length", [1, 30, 63, 64, 200, 400])
def test_fit_never_exceeds_the_limit(limit, length):
    assert len(fit("a" * length, limit, "-ap-southeast-2")) <= limit


def test_the_stop_reference_name_fits_27_characters():
    assert len(health_check_reference(f"{long_name('pair', 24)}-stop")) <= constraints.REFERENCE_NAME_MAX
    assert len(health_check_reference(long_name("pair"), "ap-southeast-2")) <= constraints.REFERENCE_NAME_MAX


def test_the_example_keeps_its_names(primary, secondary):
    assert primary.one(BUCKET, "assets").inputs["bucket"] == "notify-assets-us-east-1"
    assert secondary.one(BUCKET, "assets").inputs["bucket"] == "notify-assets-us-west-2"
    assert primary.one(ROLE, "replication").inputs["name"] == "notify-assets-replication"
    assert primary.one(HEALTH_CHECK).inputs["referenceName"] == "notify-stop"
    assert secondary.one("aws:cloudwatch/metricAlarm:MetricAlarm", "stop").inputs["name"] == "notify-stop-failover"


def _long_pair(pair_copy):
    def edit(d):
        d["name"] = long_name("pair", 31)
        d["buckets"][0]["name"] = long_name("bucket")
        d["cdn"]["bucket"] = d["buckets"][0]["name"]
        d["tables"][0]["name"] = long_name("table")
        d["appState"]["table"] = long_name("state")

    return pair_copy.shared(edit)


def test_the_ops_cli_derives_the_names_the_program_registers(pair_copy):
    """regionpair/ops/context.py computes names from the declaration: they must be the deployed ones."""
    _long_pair(pair_copy)
    run = simulate_pair(pair_copy.path)
    ctx = load_context(pair_copy.path)
    tables = {t.inputs["name"] for t in run.primary.by_type("aws:dynamodb/table:Table")}
    assert ctx.state_table in tables
    assert run.secondary.one("aws:cloudwatch/metricAlarm:MetricAlarm", "stop").inputs["name"] == ctx.alarm_name
    assert ctx.alarm_name == stop_alarm_name(ctx.pair)
    composites = {a.inputs["alarmName"] for a in run.primary.by_type("aws:cloudwatch/compositeAlarm:CompositeAlarm")}
    assert composite_alarm_name(ctx.pair, Role.PRIMARY) in composites
    role = run.primary.one(ROLE, "replication").inputs["name"]
    assert len(role) <= constraints.IAM_ROLE_MAX  # 68 characters before


def test_explicit_bucket_names_avoid_a_name_taken_in_s3(pair_copy):
    names = {"primary": "acme-7f3a-assets-use1", "secondary": "acme-7f3a-assets-usw2"}
    pair_copy.shared(lambda d: d["buckets"][0].update({"bucketNames": names}))
    run = simulate_pair(pair_copy.path)
    assert run.primary.one(BUCKET, "assets").inputs["bucket"] == names["primary"]
    assert run.secondary.one(BUCKET, "assets").inputs["bucket"] == names["secondary"]
    replication = run.primary.one("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "assets-replication")
    assert replication.inputs["bucket"] == names["primary"], replication.urn
    dests = {r["destination"]["bucket"] for r in replication.inputs["rules"]}
    assert dests == {f"arn:aws:s3:::{names['secondary']}"}, replication.urn
    distribution = run.secondary.one("aws:cloudfront/distribution:Distribution")
    origins = {o["domainName"] for o in distribution.inputs["origins"]}
    assert f"{names['primary']}.s3.us-east-1.amazonaws.com" in origins, distribution.urn
    alarms = run.primary.by_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    dims = [a.inputs.get("dimensions") or {} for a in alarms]
    sources = {d["SourceBucket"] for d in dims if "SourceBucket" in d}
    assert sources == {names["primary"]}


@pytest.mark.parametrize(
    ("edit", "key", "says"),
    [
        (lambda d: d["buckets"][0].update({"bucketNames": {"primary": "Bad_Name", "secondary": "ok-name"}}),
         "buckets[0].bucketNames.primary", "not a valid S3 bucket name"),
        (lambda d: d["buckets"][0].update({"bucketNames": {"primary": "same-name", "secondary": "same-name"}}),
         "buckets[0].bucketNames", "different bucket names"),
        (lambda d: d.update({"name": "xn--pair"}), "name", "reserves"),
        (lambda d: d.update({"name": "sthree-pair"}), "name", "reserves"),
    ],
)  # fmt: skip
def test_bucket_names_s3_would_refuse_are_refused_naming_the_key(pair_copy, edit, key, says):
    pair_copy.shared(edit)
    with pytest.raises(DeclarationError) as err:
        load_pair(pair_copy.path, stack_config(pair_copy.path, "primary"), "primary")
    assert err.value.key == f"pair.yaml {key}"
    assert says in err.value.message
