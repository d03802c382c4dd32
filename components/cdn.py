"""CloudFront origin failover over a replicated bucket pair: a read path that fails over without anyone.

Ownership (decided for the pair): the SECONDARY stack owns the distribution. CloudFront is global, so it must
not live in a stack that cannot be deployed while its region is down; the secondary is deployed first, never
reads the primary and is the stack an operator still runs during a primary-region outage. It needs nothing
from the primary: both buckets' names are deterministic (`pair.bucket_name(bucket, role)`), so are their
regional domain names (`<bucket>.s3.<region>.amazonaws.com`), and CloudFront does not check that an origin
exists when the distribution is created. The primary stack builds nothing here; its bucket policy reads the
distribution ARN from the secondary's manifest (`cdn.distributionArn`).

Origin groups serve GET, HEAD and OPTIONS only (the disaster-tolerance article): writes go through the failover API.
When the declaration puts that API behind the distribution, its behaviour forwards the Authorization header, which
CloudFront drops by default; CloudFront refuses an origin request policy that forwards Authorization (HTTP 400), so the
header goes into the behaviour's cache policy (part of the cache key, as AWS requires).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from regionpair.components.cdn_model import (  # noqa: F401  (re-exported: their home before cdn_model)
    ALL_METHODS,
    ALL_VIEWER_EXCEPT_HOST_HEADER,
    API_ORIGIN_ID,
    CACHING_DISABLED,
    CACHING_OPTIMIZED,
    ORIGIN_GROUP_ID,
    OWNER,
    READ_METHODS,
    bucket_regional_domain,
    cdn_of,
    origin_id,
    validate_cdn,
)
from regionpair.components.declaration import DeclarationError, Pair, Role
from regionpair.components.signals_model import Cdn


def bucket_policy_statement(bucket_arn: pulumi.Input[str], distribution_arn: pulumi.Input[str]) -> dict[str, Any]:
    """The statement each bucket of the pair needs: only this distribution (via OAC) may read objects."""
    return {
        "Sid": "AllowReadPathDistributionOnly",
        "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "s3:GetObject",
        "Resource": pulumi.Output.concat(bucket_arn, "/*"),
        "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
    }


@dataclass
class ReadPathArgs:
    """Inputs of `ReadPath`."""

    pair: Pair
    """The validated declaration; the distribution is built only when `pair.this_role` is the secondary."""


class ReadPath(pulumi.ComponentResource):
    """CloudFront origin-failover read path over a replicated bucket pair (owned by the secondary stack)."""

    manifest: dict[str, Any]
    """{"owner", "bucket", "originGroup": {"primary", "secondary"}, "failoverCodes", "methods"} and, in the
    owning (secondary) stack, "distributionId", "distributionArn", "domainName"."""
    distribution_arn: pulumi.Output[str] | None
    """The distribution's ARN in the owning stack (the bucket policy's AWS:SourceArn); None in the primary."""

    def __init__(self, name: str, args: ReadPathArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:cdn:ReadPath", name, None, opts)
        pair = args.pair
        try:
            cdn = validate_cdn(pair)
        except DeclarationError as err:
            raise pulumi.RunError(f"invalid pair declaration: {err}") from None
        if cdn is None:
            raise pulumi.RunError("invalid pair declaration: ReadPath built without a cdn: section")
        domains = {role: bucket_regional_domain(pair, cdn.bucket, role) for role in Role}
        manifest: dict[str, Any] = {
            "owner": OWNER.value,
            "bucket": cdn.bucket,
            "originGroup": {"primary": domains[Role.PRIMARY], "secondary": domains[Role.SECONDARY]},
            "failoverCodes": list(cdn.failover_status_codes),
            "methods": list(READ_METHODS),
        }
        self.distribution_arn = None
        if pair.this_role is OWNER:
            distribution = self._distribution(name, pair, cdn, domains)
            self.distribution = distribution
            self.distribution_arn = distribution.arn
            manifest.update(
                distributionId=distribution.id, distributionArn=distribution.arn, domainName=distribution.domain_name
            )
        self.manifest = manifest
        self.register_outputs({"manifest": self.manifest})

    def _distribution(self, name: str, pair: Pair, cdn: Cdn, domains: dict[Role, str]) -> aws.cloudfront.Distribution:
        child = pulumi.ResourceOptions(parent=self)
        oac = aws.cloudfront.OriginAccessControl(
            f"{name}-oac",
            name=pair.physical_name(f"{cdn.bucket}-oac"),
            description=f"Signed reads of the {cdn.bucket} bucket pair by its read-path distribution",
            origin_access_control_origin_type="s3",
            signing_behavior="always",
            signing_protocol="sigv4",
            opts=child,
        )
        origins = [
            aws.cloudfront.DistributionOriginArgs(
                origin_id=origin_id(pair, role),
                domain_name=domains[role],
                origin_access_control_id=oac.id,
                # An empty origin identity is how the API says "OAC, not the legacy OAI".
                s3_origin_config=aws.cloudfront.DistributionOriginS3OriginConfigArgs(origin_access_identity=""),
            )
            for role in (Role.PRIMARY, Role.SECONDARY)
        ]
        ordered: list[aws.cloudfront.DistributionOrderedCacheBehaviorArgs] = []
        if cdn.api is not None and pair.shared.api is not None:
            # The API's public (failover-routed) name: writes fail over by DNS, not by the origin group.
            origins.append(
                aws.cloudfront.DistributionOriginArgs(
                    origin_id=API_ORIGIN_ID,
                    domain_name=pair.shared.api.domain_name,
                    custom_origin_config=aws.cloudfront.DistributionOriginCustomOriginConfigArgs(
                        http_port=80, https_port=443, origin_protocol_policy="https-only",
                        origin_ssl_protocols=["TLSv1.2"],
                    ),
                )
            )  # fmt: skip
            cache_policy_id: pulumi.Input[str] = CACHING_DISABLED
            if cdn.api.forward_authorization:
                cache_policy_id = self._authorization_cache_policy(name, pair).id
            ordered.append(
                aws.cloudfront.DistributionOrderedCacheBehaviorArgs(
                    path_pattern=cdn.api.path_pattern,
                    target_origin_id=API_ORIGIN_ID,
                    allowed_methods=ALL_METHODS,
                    cached_methods=["GET", "HEAD"],
                    viewer_protocol_policy="redirect-to-https",
                    cache_policy_id=cache_policy_id,
                    origin_request_policy_id=ALL_VIEWER_EXCEPT_HOST_HEADER,
                    compress=True,
                )
            )
        return aws.cloudfront.Distribution(
            f"{name}-distribution",
            enabled=True,
            comment=f"{pair.shared.name}: {cdn.bucket} read path, {pair.primary.region} -> {pair.secondary.region}",
            default_root_object=cdn.default_root_object,
            price_class=cdn.price_class,
            is_ipv6_enabled=True,
            http_version="http2and3",
            origins=origins,
            origin_groups=[
                aws.cloudfront.DistributionOriginGroupArgs(
                    origin_id=ORIGIN_GROUP_ID,
                    failover_criteria=aws.cloudfront.DistributionOriginGroupFailoverCriteriaArgs(
                        status_codes=list(cdn.failover_status_codes)
                    ),
                    members=[
                        aws.cloudfront.DistributionOriginGroupMemberArgs(origin_id=origin_id(pair, Role.PRIMARY)),
                        aws.cloudfront.DistributionOriginGroupMemberArgs(origin_id=origin_id(pair, Role.SECONDARY)),
                    ],
                )
            ],
            default_cache_behavior=aws.cloudfront.DistributionDefaultCacheBehaviorArgs(
                target_origin_id=ORIGIN_GROUP_ID,
                allowed_methods=READ_METHODS,
                cached_methods=["GET", "HEAD"],
                viewer_protocol_policy="redirect-to-https",
                cache_policy_id=CACHING_OPTIMIZED,
                compress=True,
            ),
            ordered_cache_behaviors=ordered or None,
            restrictions=aws.cloudfront.DistributionRestrictionsArgs(
                geo_restriction=aws.cloudfront.DistributionRestrictionsGeoRestrictionArgs(restriction_type="none")
            ),
            viewer_certificate=aws.cloudfront.DistributionViewerCertificateArgs(cloudfront_default_certificate=True),
            tags=dict(pair.shared.tags),
            opts=child,
        )

    def _authorization_cache_policy(self, name: str, pair: Pair) -> aws.cloudfront.CachePolicy:
        """The disaster-tolerance article's gotcha: CloudFront drops Authorization unless it is in the cache key."""
        return aws.cloudfront.CachePolicy(
            f"{name}-api-auth",
            name=pair.physical_name("api-authorization"),
            comment="API behind the read path: Authorization in the cache key, so it reaches the origin",
            min_ttl=0,
            default_ttl=0,
            max_ttl=1,  # not all zero: with caching disabled CloudFront accepts no cache-key headers
            parameters_in_cache_key_and_forwarded_to_origin=aws.cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginArgs(
                headers_config=aws.cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginHeadersConfigArgs(
                    header_behavior="whitelist",
                    headers=aws.cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginHeadersConfigHeadersArgs(
                        items=["Authorization"]
                    ),
                ),
                cookies_config=aws.cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginCookiesConfigArgs(
                    cookie_behavior="none"
                ),
                query_strings_config=aws.cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginQueryStringsConfigArgs(
                    query_string_behavior="all"
                ),
                enable_accept_encoding_gzip=True,
                enable_accept_encoding_brotli=True,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
