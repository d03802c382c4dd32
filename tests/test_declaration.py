"""Bad declarations stop the program with one line naming the key, before any resource is registered."""

from __future__ import annotations

import pulumi
import pytest

from regionpair.components.declaration import AppState, NumberType, Role
from regionpair.simulate import simulate_stack


def test_example_pair_is_valid(pair_copy):
    pair = pair_copy.load()
    assert pair.this_role is Role.PRIMARY
    assert (pair.primary.region, pair.secondary.region) == ("us-east-1", "us-west-2")
    assert pair.shared.app_state.initial_state is AppState.ACTIVE
    assert pair.numbers_per_country(Role.SECONDARY) == {"US": 2}


def test_both_stacks_load_the_same_pair(pair_copy):
    a, b = pair_copy.load("primary"), pair_copy.load("secondary")
    assert a.shared == b.shared
    assert (a.primary, a.secondary) == (b.primary, b.secondary)


BAD = [
    pytest.param(
        lambda c: c.stack(
            "secondary", lambda d: d.update({"regionpair:region": "us-east-1", "aws:region": "us-east-1"})
        ),
        "Pulumi.secondary.yaml regionpair:region",
        "both in us-east-1",
        id="same-region",
    ),
    pytest.param(
        lambda c: c.stack("secondary", lambda d: d.update({"regionpair:role": "tertiary"})),
        "Pulumi.secondary.yaml regionpair:role",
        "primary",
        id="unknown-role",
    ),
    pytest.param(
        lambda c: c.stack("secondary", lambda d: d.update({"regionpair:role": "primary"})),
        "regionpair:role",
        "one must be primary",
        id="two-primaries",
    ),
    pytest.param(
        lambda c: c.stack(
            "secondary",
            lambda d: d.update(
                {
                    "regionpair:region": "ap-east-1",
                    "aws:region": "ap-east-1",
                    "regionpair:certificateArn": "arn:aws:acm:ap-east-1:123456789012:certificate/abc",
                }
            ),
        ),
        "Pulumi.secondary.yaml regionpair:region",
        "email (SES) is not offered in ap-east-1",
        id="ses-not-offered",
    ),
    pytest.param(
        lambda c: c.stack(
            "secondary",
            lambda d: d.update(
                {
                    "regionpair:region": "ap-southeast-5",
                    "aws:region": "ap-southeast-5",
                    "regionpair:certificateArn": "arn:aws:acm:ap-southeast-5:123456789012:certificate/abc",
                    "regionpair:existingNumbers": [],
                }
            ),
        ),
        "Pulumi.secondary.yaml regionpair:region",
        "End User Messaging SMS",
        id="sms-not-offered",
    ),
    pytest.param(
        lambda c: c.stack("primary", lambda d: d.update({"regionpair:region": "mars-north-1"})),
        "Pulumi.primary.yaml regionpair:region",
        "not an AWS commercial region",
        id="unknown-region",
    ),
    pytest.param(
        lambda c: c.stack("primary", lambda d: d.update({"aws:region": "eu-west-1"})),
        "aws:region",
        "set both to the same region",
        id="aws-region-mismatch",
    ),
    pytest.param(
        lambda c: c.shared(lambda d: d["email"]["domains"].append("exa mple.com")),
        "pair.yaml email.domains",
        "not a valid domain name",
        id="malformed-domain",
    ),
    pytest.param(
        lambda c: c.shared(lambda d: d["email"]["domains"].append("mail.other.org")),
        "pair.yaml email.domains[2]",
        "not inside the hosted zone",
        id="domain-outside-zone",
    ),
    pytest.param(
        lambda c: c.shared(lambda d: d.pop("sms")),
        "Pulumi.primary.yaml regionpair:requestedNumbers",
        "has no sms section; declare sms (countries) in pair.yaml or remove the numbers",
        id="numbers-without-sms",
    ),
    pytest.param(
        lambda c: c.stack("secondary", lambda d: d.update({"regionpair:existingNumbers": []})),
        "pair.yaml sms.countries.US.minimumNumbers",
        "us-west-2 would hold 1 origination number",
        id="too-few-numbers",
    ),
    pytest.param(
        lambda c: c.shared(lambda d: d["tables"][0].pop("hashKey")),
        "pair.yaml tables[0]",
        "needs a key schema",
        id="table-without-keys",
    ),
    pytest.param(
        lambda c: c.shared(lambda d: d["objectives"].update({"rtoSeconds": 60})),
        "pair.yaml objectives.rtoSeconds",
        "60 s period x 1 evaluation period(s) + 30 s health check + 60 s TTL = 150 s",
        id="rto-unmeetable",
    ),
    pytest.param(
        lambda c: c.shared(lambda d: d["buckets"][0].update({"replicationTimeControl": False})),
        "pair.yaml objectives.rpoMinutes",
        "without Replication Time Control",
        id="rpo-unbounded",
    ),
    pytest.param(
        lambda c: c.shared(lambda d: d["objectives"].update({"rpoMinutes": 5})),
        "pair.yaml objectives.rpoMinutes",
        "cannot meet 5 min",
        id="rpo-unmeetable",
    ),
    pytest.param(
        lambda c: c.shared(lambda d: d["routing"]["stop"].update({"periodSeconds": 10})),
        "pair.yaml routing.stop.periodSeconds",
        "standard-resolution",
        id="high-resolution-alarm",
    ),
    pytest.param(
        lambda c: c.stack(
            "primary", lambda d: d["regionpair:requestedNumbers"].append({"country": "US", "type": "SHORT_CODE"})
        ),
        "Pulumi.primary.yaml regionpair:requestedNumbers[1]",
        "regionpair:existingNumbers",
        id="short-code-requested",
    ),
    pytest.param(
        lambda c: c.shared(lambda d: d.update({"colour": "blue"})),
        "pair.yaml colour",
        "unknown key",
        id="typo-key",
    ),
    pytest.param(
        lambda c: c.stack(
            "primary",
            lambda d: d.update({"regionpair:certificateArn": "arn:aws:acm:us-west-2:123456789012:certificate/abc"}),
        ),
        "Pulumi.primary.yaml regionpair:certificateArn",
        "needs a certificate in us-east-1",
        id="certificate-wrong-region",
    ),
    pytest.param(
        lambda c: c.stack("primary", lambda d: d.pop("regionpair:certificateArn")),
        "Pulumi.primary.yaml regionpair:certificateArn",
        "missing",
        id="certificate-missing",
    ),
    pytest.param(
        lambda c: c.stack(
            "primary",
            lambda d: d["regionpair:existingNumbers"][0].update(
                {"arn": "arn:aws:sms-voice:us-west-2:123456789012:phone-number/phone-x"}
            ),
        ),
        "Pulumi.primary.yaml regionpair:existingNumbers[0].arn",
        "numbers are per region",
        id="number-wrong-region",
    ),
    pytest.param(
        lambda c: c.stack("primary", lambda d: d.update({"regionpair:peerStack": "tertiary"})),
        "regionpair:peerStack",
        "names stack tertiary, but there is no Pulumi.tertiary.yaml",
        id="peer-stack-missing",
    ),
    pytest.param(
        lambda c: c.shared(lambda d: d["api"]["lambda"].update({"runtime": "nodejs20.x"})),
        "pair.yaml api.lambda.runtime",
        "not a supported runtime",
        id="bad-runtime",
    ),
]


@pytest.mark.parametrize(("break_it", "key", "fragment"), BAD)
def test_bad_declaration_names_the_key(pair_copy, break_it, key, fragment):
    break_it(pair_copy)
    pair_copy.assert_refused(key, fragment)


def test_program_stops_with_one_line_and_registers_nothing(pair_copy):
    pair_copy.shared(lambda d: d["email"]["domains"].append("exa mple.com"))
    with pytest.raises(pulumi.RunError, match=r"^invalid pair declaration: pair.yaml email.domains\[2\]: ") as info:
        simulate_stack("secondary", config_dir=pair_copy.path)
    assert "\n" not in str(info.value)


def test_program_registers_nothing_on_bad_config(pair_copy):
    from regionpair.mockcloud import CloudMocks

    mocks = CloudMocks()
    pair_copy.stack("secondary", lambda d: d.update({"regionpair:role": "primary"}))
    with pytest.raises(pulumi.RunError):
        simulate_stack("secondary", config_dir=pair_copy.path, mocks=mocks)
    assert mocks.registered == [], [m.name for m in mocks.registered]


def test_number_types_requestable():
    assert not NumberType.SHORT_CODE.requestable
    assert NumberType.TEN_DLC.requestable


def test_deed_mode_is_accepted(pair_copy):
    """Deterministic Easy DKIM: the primary creates the secondary's replicas (components/deed_identity.py)."""
    pair_copy.shared(lambda d: d["email"].update({"dkimMode": "deed"}))
    assert pair_copy.load().shared.email.dkim_mode.value == "deed"
