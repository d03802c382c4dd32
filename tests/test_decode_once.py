"""The pack decodes a request's resources once for all policies (policies/decode_once.py): same values as the SDK."""

from __future__ import annotations

import pytest
from google.protobuf import json_format, struct_pb2
from pulumi_policy import policy as sdk
from pulumi_policy.proxy import UnknownValueError

from regionpair.policies import decode_once
from regionpair.policies.pack import ALL_POLICIES  # noqa: F401  (importing the pack installs the memo)

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def _struct(value: dict) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(value)
    return s


def _decode(message: struct_pb2.Struct):
    """What the SDK's servicer does with each resource's properties, per policy."""
    return sdk.unknown_checking_proxy(sdk.deserialize_properties(sdk.json_format.MessageToDict(message)))


def test_the_pack_installs_the_memo_once() -> None:
    assert isinstance(sdk.json_format, decode_once._JsonFormat)
    wrapped = sdk.deserialize_properties
    decode_once.install()
    assert sdk.deserialize_properties is wrapped


def test_an_identical_message_is_decoded_once_to_the_sdks_values() -> None:
    value = {"name": "a", "size": 512.0, "tags": {"k": "v"}, "rules": [{"id": "r1", "on": True}], "none": None}
    first, again = _decode(_struct(value)), _decode(_struct(value))
    assert first is again  # the second policy reads the first one's decoding
    assert json_format.MessageToDict(_struct(value)) == value
    assert first["name"] == "a"
    assert first["rules"][0]["id"] == "r1"
    assert first["size"] == 512.0


def test_different_messages_are_not_confused() -> None:
    a, b = _decode(_struct({"name": "a"})), _decode(_struct({"name": "b"}))
    assert (a["name"], b["name"]) == ("a", "b")


def test_unknowns_still_raise_as_the_sdk_does() -> None:
    props = _decode(_struct({"arn": UNKNOWN, "name": "x"}))
    assert props["name"] == "x"
    with pytest.raises(UnknownValueError):
        props["arn"]


def test_the_remediation_path_is_not_memoized() -> None:
    raw = {"name": "a"}
    assert sdk.deserialize_properties(raw, True) is not sdk.deserialize_properties(raw, True)


def test_other_messages_go_to_protobuf_unchanged() -> None:
    value = struct_pb2.Value(string_value="x")
    assert sdk.json_format.MessageToDict(value) == "x"
    assert sdk.json_format.MessageToDict(_struct({"a": 1.0}), preserving_proto_field_name=True) == {"a": 1.0}
