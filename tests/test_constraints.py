"""The mock cloud refuses what AWS or the provider refuses (components/constraints.py), with the rule's source."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest
from pulumi.runtime import mocks as pmocks

from regionpair.components import constraints as c
from regionpair.components.declaration import DeclarationError
from regionpair.components.email import CONFIGURATION_SET_DIMENSION
from regionpair.components.loader import load_pair
from regionpair.mockcloud import CloudMocks, ConstraintViolation
from regionpair.simulate import simulate_stack, stack_config

EVENT_DEST = "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination"


def register(mocks: CloudMocks, token: str, inputs: dict, name: str = "r") -> dict:
    """One registration as the engine hands it to the mock (custom resource, camelCase inputs)."""
    _, state = mocks.new_resource(pmocks.MockResourceArgs(token, name, inputs, custom=True))
    return state


def refused(token: str, inputs: dict) -> str:
    with pytest.raises(ConstraintViolation) as err:
        register(CloudMocks(), token, inputs)
    return str(err.value)


def test_every_rule_names_its_source_and_is_unique():
    ids = [r.id for r in c.RULES]
    assert len(ids) == len(set(ids))
    for rule in c.RULES:
        assert rule.source.startswith(("https://", "botocore", "pulumi_aws", "terraform-provider-aws")), rule.id


@pytest.mark.parametrize(
    ("token", "inputs", "says"),
    [
        (c.BUCKET, {"bucket": "a" * 64}, "64 characters"),
        (c.BUCKET, {"bucket": "Upper-Case"}, "does not match"),
        (c.BUCKET, {"bucket": "xn--pair-assets"}, "reserved prefix"),
        (c.ROLE, {"name": "r" * 65}, "allowed 1-64"),
        (c.FUNCTION, {"name": "f" * 65}, "allowed 1-64"),
        (c.HEALTH_CHECK, {"type": "CLOUDWATCH_METRIC", "referenceName": "p" * 28,
                          "cloudwatchAlarmName": "a", "cloudwatchAlarmRegion": "us-west-2"}, "allowed 0-27"),
        (c.HEALTH_CHECK, {"type": "CLOUDWATCH_METRIC"}, "cloudwatchAlarmName"),
        (c.CONFIG_SET, {"configurationSetName": "s" * 65}, "does not match"),
        (c.TOPIC, {"name": "t.opic"}, "does not match"),
        (c.TABLE, {"name": "ab", "hashKey": "pk", "attributes": [{"name": "pk", "type": "S"}]}, "does not match"),
        (c.OAC, {"name": "o" * 65}, "allowed 1-64"),
        (c.MRE, {"endpointName": "has space"}, "does not match"),
        (c.LOG_GROUP, {"name": "/aws/lambda/x", "retentionInDays": 31}, "is not one of"),
        (c.ALARM, {"name": "a", "treatMissingData": "zero", "metricName": "m", "statistic": "Sum"}, "is not one of"),
        (c.ALARM, {"name": "a", "comparisonOperator": ">=", "metricName": "m", "statistic": "Sum"}, "is not one of"),
        (c.ALARM, {"name": "a", "metricName": "m", "statistic": "Median"}, "is not one of"),
        (c.ALARM, {"name": "a", "metricName": "m", "statistic": "Sum", "period": 45}, "multiple of 60"),
        (c.ALARM, {"name": "a", "metricName": "m"}, "exactly one of statistic"),
        (c.PHONE_NUMBER, {"numberType": "SHORT_CODE", "isoCountryCode": "US", "messageType": "TRANSACTIONAL"},
         "is not one of"),
        (c.PHONE_NUMBER, {"numberType": "TOLL_FREE", "isoCountryCode": "US", "messageType": "TRANSACTIONAL"},
         "waitForActive"),
        (c.SENDER_ID, {"senderId": "ab", "isoCountryCode": "GB"}, "3-11"),
        (c.SENDER_ID, {"senderId": "12345", "isoCountryCode": "GB"}, "numeric only"),
        (c.SENDER_ID, {"senderId": "Notify", "isoCountryCode": "GB"}, "upper case"),
        (EVENT_DEST, {"eventDestinationName": "m", "eventDestination": {"matchingEventTypes": ["SENT"],
                                                                        "snsDestination": {"topicArn": "t"}}},
         "is not one of"),
    ],
)  # fmt: skip
def test_the_mock_refuses_what_aws_refuses(token, inputs, says):
    message = refused(token, inputs)
    assert says in message
    assert "source:" in message


def test_the_mock_accepts_the_ses_auto_tag_dimension():
    register(
        CloudMocks(),
        EVENT_DEST,
        {
            "eventDestinationName": "metrics",
            "eventDestination": {
                "matchingEventTypes": ["DELIVERY_DELAY"],
                "cloudWatchDestination": {
                    "dimensionConfigurations": [
                        {"dimensionName": "ses:configuration-set", "dimensionValueSource": "MESSAGE_TAG",
                         "defaultDimensionValue": "notify-transactional"}
                    ]
                },
            },
        },
    )  # fmt: skip


def _number(mocks: CloudMocks, number_type: str, **extra) -> str:
    inputs = {"numberType": number_type, "isoCountryCode": "US", "messageType": "TRANSACTIONAL", **extra}
    return register(mocks, c.PHONE_NUMBER, inputs, name=f"n-{number_type}")["arn"]


def pool(arns: list[str], country: str, message_type: str) -> dict:
    return {"originationIdentities": arns, "isoCountryCode": country, "messageType": message_type}


def test_a_pool_of_a_number_still_under_registration_is_refused():
    mocks = CloudMocks()
    arn = _number(mocks, "TOLL_FREE", waitForActive=False, registrationId="reg-1")
    with pytest.raises(ConstraintViolation, match="PENDING"):
        register(mocks, c.POOL, pool([arn], "US", "TRANSACTIONAL"))


def test_a_pool_mixing_message_types_or_countries_is_refused():
    mocks = CloudMocks()
    arn = _number(mocks, "SIMULATOR")
    with pytest.raises(ConstraintViolation, match="PROMOTIONAL pool"):
        register(mocks, c.POOL, pool([arn], "US", "PROMOTIONAL"))
    with pytest.raises(ConstraintViolation, match="US number in a CA pool"):
        register(mocks, c.POOL, pool([arn], "CA", "TRANSACTIONAL"))


def test_a_pool_of_active_numbers_is_accepted():
    mocks = CloudMocks()
    # Canada: US long codes cannot send application-to-person SMS (the mock refuses them).
    arns = [_number(mocks, "SIMULATOR", isoCountryCode="CA"), _number(mocks, "LONG_CODE", isoCountryCode="CA")]
    register(mocks, c.POOL, pool(arns, "CA", "TRANSACTIONAL"))
    assert mocks.violations == []


def test_the_example_pair_breaks_no_rule():
    """the example pair (SMS lifecycle included) registers nothing AWS or the provider refuses."""
    for stack in ("secondary", "primary"):
        mocks = CloudMocks(strict=False, peer_outputs={"secondary": simulate_stack("secondary").outputs})
        simulate_stack(stack, mocks=mocks)
        assert mocks.violations == [], [str(v) for v in mocks.violations]


def test_a_program_registering_what_aws_refuses_fails_like_pulumi_up():
    pulumi.runtime.set_mocks(CloudMocks(), preview=False)

    @pulumi.runtime.test
    def program():
        bucket = aws.s3.Bucket("too-long", bucket="b" * 64, region="us-east-1")
        return bucket.arn

    with pytest.raises(Exception, match="allowed 3-63"):
        program()


# ---------------------------------------------------------------------------------- SES metrics by set (point 5)
def test_every_configuration_set_alarm_watches_a_metric_its_set_publishes(primary, secondary):
    for run in (primary, secondary):
        alarms = [
            a for a in run.by_type(c.ALARM) if CONFIGURATION_SET_DIMENSION in (a.inputs.get("dimensions") or {})
        ]
        assert alarms, run.stack
        metrics = run.one(EVENT_DEST, "-metrics")
        dims = metrics.inputs["eventDestination"]["cloudWatchDestination"]["dimensionConfigurations"]
        published = {d["dimensionName"]: d["defaultDimensionValue"] for d in dims}
        for alarm in alarms:
            assert alarm.region == metrics.region, alarm.urn
            watched = alarm.inputs["dimensions"][CONFIGURATION_SET_DIMENSION]
            assert published[CONFIGURATION_SET_DIMENSION] == watched, alarm.urn
            assert metrics.inputs["configurationSetName"] == watched, alarm.urn
            assert "DELIVERY_DELAY" in metrics.inputs["eventDestination"]["matchingEventTypes"], metrics.urn


def test_a_delivery_delay_set_that_publishes_no_delays_is_refused(pair_copy):
    def edit(d):
        d["email"]["configurationSets"][0]["events"] = ["SEND", "BOUNCE"]
        d["signals"]["email"]["deliveryDelayConfigurationSet"] = "transactional"

    pair_copy.shared(edit)
    with pytest.raises(DeclarationError) as err:
        load_pair(pair_copy.path, stack_config(pair_copy.path, "primary"), "primary")
    assert err.value.key == "pair.yaml signals.email.deliveryDelayConfigurationSet"
    assert "DELIVERY_DELAY" in err.value.message


def test_docs_list_every_rule():
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "constraints.md").read_text()
    for rule in (*c.RULES, c.POOL_IDENTITIES_ACTIVE):
        prop = f"`{rule.prop}`" if rule.prop else "(combination)"
        assert f"| {rule.token.rsplit(':', 1)[-1]} | {prop} | {rule.what.replace('|', chr(92) + '|')} |" in doc, rule.id


def test_unknown_values_in_preview_are_judged_later_not_refused():
    from pulumi.output import Unknown

    mocks = CloudMocks()
    register(mocks, c.ALARM, {"name": "a", "metricName": "m", "statistic": "Sum", "evaluationPeriods": 1,
                              "datapointsToAlarm": Unknown(), "treatMissingData": Unknown()})  # fmt: skip
    register(mocks, c.BUCKET, {"bucket": c.UNKNOWN})
    assert mocks.violations == []
