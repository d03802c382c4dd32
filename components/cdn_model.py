"""The read path's names, origins and ownership, computed from the declaration alone (no pulumi_aws)."""

from __future__ import annotations

from regionpair.components.declaration import Pair, Role
from regionpair.components.rules import check_cdn
from regionpair.components.signals_model import Cdn

# AWS managed policies (CloudFront Developer Guide, "Use managed cache/origin request policies").
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"

READ_METHODS = ["GET", "HEAD", "OPTIONS"]
"""The only methods an origin group serves."""
ALL_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
ORIGIN_GROUP_ID = "bucket-failover"
API_ORIGIN_ID = "api"
OWNER = Role.SECONDARY


def cdn_of(pair: Pair) -> Cdn | None:
    """The typed `cdn:` section (validated with the declaration)."""
    return pair.shared.cdn


def validate_cdn(pair: Pair, decl_name: str = "pair.yaml") -> Cdn | None:
    """The typed `cdn:` section, checked against the rest of the declaration (for pairs built in code)."""
    check_cdn(pair.shared, decl_name)
    return pair.shared.cdn


def bucket_regional_domain(pair: Pair, bucket: str, role: Role) -> str:
    """The S3 regional endpoint CloudFront uses as origin, computed from the declaration (no lookup)."""
    return f"{pair.bucket_name(bucket, role)}.s3.{pair.half(role).region}.amazonaws.com"


def origin_id(pair: Pair, role: Role) -> str:
    """Origin id of `role`'s bucket inside the distribution."""
    return f"{role.value}-{pair.half(role).region}"
