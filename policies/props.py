"""Type tokens and camelCase property readers: the one place policies learn resource shapes.

Properties arrive camelCase (the engine's form of pulumi-aws's snake_case arguments). During preview a value
may be unknown: `pulumi_policy`'s proxy raises `UnknownValueError` when one is read. `plain()` turns a proxied
mapping into ordinary data with `UNKNOWN` in place of unknowns, so a rule can say "undecided" for the parts
it cannot see and still judge the rest.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy import proxy as _sdk_proxy
from pulumi_policy.proxy import UnknownValueError, _DictProxy, _ListProxy

from regionpair.components.declaration import Half, Pair, Role, SharedDeclaration

_SENTINELS = frozenset(
    {
        _sdk_proxy.UNKNOWN_BOOLEAN_VALUE, _sdk_proxy.UNKNOWN_NUMBER_VALUE, _sdk_proxy.UNKNOWN_STRING_VALUE,
        _sdk_proxy.UNKNOWN_ARRAY_VALUE, _sdk_proxy.UNKNOWN_ASSET_VALUE, _sdk_proxy.UNKNOWN_ARCHIVE_VALUE,
        _sdk_proxy.UNKNOWN_OBJECT_VALUE,
    }
)
"""The SDK's wire sentinels for an unknown value (what its proxy raises `UnknownValueError` on)."""

ROOT = "regionpair:index:RegionPairHalf"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
BUCKET_PUBLIC_ACCESS = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
BUCKET_REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
TABLE = "aws:dynamodb/table:Table"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
RECORD = "aws:route53/record:Record"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
LAMBDA = "aws:lambda/function:Function"
API_DOMAIN = "aws:apigateway/domainName:DomainName"
EXISTING_API = "regionpair:api:ExistingApi"
"""The component standing for an existing endpoint (`api.endpoints: existing`): its inputs declare it."""
EMAIL_IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
EMAIL_MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
CONFIGURATION_SET = "aws:sesv2/configurationSet:ConfigurationSet"
SMS_NUMBER = "aws:pinpoint/smsvoicev2PhoneNumber:Smsvoicev2PhoneNumber"
SMS_POOL = "aws:pinpoint/smsvoicev2Pool:Smsvoicev2Pool"
SMS_SENDER_ID = "aws:pinpoint/smsvoicev2SenderId:Smsvoicev2SenderId"


# Actions with no resource type in the IAM Service Authorization Reference: a policy can only grant them on
# "*". `iam-policy-no-wildcards` accepts "*" for these alone, and only under an aws:RequestedRegion condition.
# cognito-idp:ListUserPools (the shadow trigger finds the peer's pool by name) is one of them too.
NO_RESOURCE_TYPE_ACTIONS = frozenset(
    {"ses:PutSuppressedDestination", "ses:DeleteSuppressedDestination", "cognito-idp:ListUserPools"}
)


class _Unknown:
    """Placeholder for a value not known until apply."""

    def __repr__(self) -> str:
        return "<unknown until apply>"


UNKNOWN: Any = _Unknown()


def plain(value: Any) -> Any:
    """Copy a (possibly proxied) value into plain data, unknown leaves replaced by `UNKNOWN`.

    Why it reads the SDK's proxies through their `"__target"` key instead of item by item: the stack policies
    call this for every resource of a request, and going through the proxy (an ABC `Mapping` whose every read
    checks for the unknown sentinels and raises) was most of the pack's time in `regionpair check`. The
    result is the same: the proxy's leaves are the deserialized values, unknowns are the SDK's sentinel strings.
    """
    kind = type(value)
    if kind is _DictProxy or kind is _ListProxy:
        return plain(value["__target"])
    if kind is dict:
        return {key: plain(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [plain(item) for item in value]
    if kind is str:
        return UNKNOWN if value in _SENTINELS else value
    if kind is float:
        return int(value) if value.is_integer() else value  # the wire has only doubles: 512, not 512.0
    if value is None or kind is bool or kind is int:
        return value
    return _plain_generic(value)


def _plain_generic(value: Any) -> Any:
    # Any other Mapping or Sequence (a caller's own), read item by item as a proxy would be.
    if isinstance(value, Mapping):
        out = {}
        for key in list(value.keys()):
            try:
                out[key] = plain(value[key])
            except UnknownValueError:
                out[key] = UNKNOWN
        return out
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        items = []
        try:
            for i in range(len(value)):
                try:
                    items.append(plain(value[i]))
                except UnknownValueError:
                    items.append(UNKNOWN)
        except UnknownValueError:
            return UNKNOWN
        return items
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def is_unknown(value: Any) -> bool:
    """Whether `value`, or anything inside it, is unknown."""
    if value is UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(is_unknown(v) for v in value)
    return False


def root_props(resources: Sequence[Any]) -> dict[str, Any] | None:
    """The root component's plain props (declaration, regions, manifest, peer manifest), or None without one."""
    root = next((r for r in resources if r.resource_type == ROOT), None)
    return root_plain(root) if root is not None else None


def of_type(resources: Sequence[Any], token: str) -> list[tuple[Any, dict[str, Any]]]:
    """Every resource of type `token` with its plain props."""
    return [(r, plain(r.props)) for r in resources if r.resource_type == token]


def dig(data: Any, path: str, default: Any = None) -> Any:
    """`dig(props, "a.b.0.c")`: a nested value, or `default` when a step is missing."""
    cur = data
    for part in path.split("."):
        if cur is UNKNOWN:
            return UNKNOWN
        if isinstance(cur, Mapping):
            if part not in cur:
                return default
            cur = cur[part]
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return default
    return cur


def policy_document(value: Any) -> dict[str, Any] | None:
    """An IAM/S3 policy document from a JSON string or mapping (None when unknown or unparsable)."""
    if value is UNKNOWN or value is None:
        return None
    if isinstance(value, Mapping):
        return dict(value)
    try:
        doc = json.loads(value)
    except (TypeError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def as_list(value: Any) -> list[Any]:
    """IAM fields take a string or a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def pair_from_root(props: Mapping[str, Any]) -> Pair | None:
    """Rebuild the pair from the root component's inputs (declaration, role, regions); None if they are absent."""
    decl, role, region, peer_region = (props.get(k) for k in ("declaration", "role", "region", "peerRegion"))
    if not isinstance(decl, Mapping) or role not in ("primary", "secondary") or not region or not peer_region:
        return None
    this = Role(role)
    halves = {
        this: Half(role=this, region=region, peer_stack=this.peer.value),
        this.peer: Half(role=this.peer, region=peer_region, peer_stack=this.value),
    }
    declared = props.get("halves")
    if isinstance(declared, Mapping):  # both stack files' halves, as the program validated them
        for r in Role:
            if isinstance(declared.get(r.value), Mapping):
                halves[r] = Half.model_validate(dict(declared[r.value]))
    shared = SharedDeclaration.model_validate(dict(decl))
    return Pair(shared=shared, primary=halves[Role.PRIMARY], secondary=halves[Role.SECONDARY], this_role=this)


_ROOT_MEMO: tuple[Any, Any] = (None, None)
"""The last root props object read and its (plain props, pair): one slot, replaced as one tuple."""


def root_plain(root: Any) -> dict[str, Any]:
    """The root component's props as plain values, the peer's manifest decoded (read once per request).

    Why remembered: some thirty stack policies start here, and the root carries both halves' manifests. The
    pack decodes a message once (`decode_once`), so every policy of a request sees the very same props object;
    it is read once and the plain copy is shared, read-only, by the policies of that request. `peerManifest`
    arrives as JSON text (`Peer.manifest_json` says why); a mapping is taken as it is.
    """
    return _root_read(root)[0]


def root_pair(root: Any) -> Pair | None:
    """The pair the root component declares (None without its declaration), read once per request as above."""
    return _root_read(root)[1]


def _root_read(root: Any) -> tuple[dict[str, Any], Pair | None]:
    global _ROOT_MEMO
    seen, found = _ROOT_MEMO
    if seen is not root.props:
        props = plain(root.props)
        peer = props.get("peerManifest")
        if isinstance(peer, str):  # JSON text (an unknown one is UNKNOWN, not a str)
            try:
                props["peerManifest"] = plain(json.loads(peer))  # numbers as the wire gives them (512, not 512.0)
            except ValueError:
                props["peerManifest"] = None  # not a manifest: judged as a missing one
        found = (props, pair_from_root(props))
        _ROOT_MEMO = (root.props, found)
    return found


def peer_manifest(props: Mapping[str, Any]) -> Mapping[str, Any]:
    """The root's `peerManifest` ({} without one); unknown in a preview raises as the SDK's proxy would."""
    peer = props.get("peerManifest")
    if peer is UNKNOWN:
        raise UnknownValueError(_sdk_proxy.UNKNOWN_OBJECT_VALUE, ["peerManifest"])
    return peer if isinstance(peer, Mapping) else {}


def root_context(resources: Any) -> tuple[Any, dict[str, Any], Pair] | None:
    """The half's root component, its props as plain values and the pair they declare; None without them."""
    root = next((r for r in resources if r.resource_type == ROOT), None)
    if root is None:
        return None
    props, pair = _root_read(root)
    return None if pair is None else (root, props, pair)
