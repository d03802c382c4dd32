"""How the API's public name picks a region: STOP failover records or latency records.

**failover (STOP, "standby takes over primary")**: the *secondary* stack owns a CloudWatch alarm in the
standby region; an operator fails over by publishing the metric there (1 = fail over, 0 = fail back), which
needs nothing in the primary region and no Route 53 control-plane call. The *primary* stack owns everything
Route 53: one CLOUDWATCH_METRIC health check on that alarm and both failover alias records of the API name
(one owner for the record set, so neither stack can delete the other's half of it). The alarm's name is
derived from the declaration and its settings travel in the secondary's parity manifest, so the primary never
looks anything up.

**latency (active-active)**: each stack owns, for its own region, an HTTPS health check on its API and a
latency alias record; no peer is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from regionpair.components.api import ExistingApi, RegionalApi
from regionpair.components.declaration import Pair, Role, RoutingMode
from regionpair.components.naming import health_check_reference
from regionpair.components.peer import Peer
from regionpair.components.record_guard import RecordSetGuard
from regionpair.components.routing_model import (  # noqa: F401  (re-exported: their home before routing_model)
    RECORD_TYPE,
    STOP_ALARM_SUFFIX,
    STOP_DIMENSION,
    config_hash,
    stop_alarm_name,
    stop_alarm_settings,
)


@dataclass
class FailoverRoutingArgs:
    """Inputs of `FailoverRouting`."""

    pair: Pair
    """The validated pair; `pair.shared.routing` selects the mode."""
    api: RegionalApi | ExistingApi
    """This half's API (or its existing endpoint): its regional name and zone id are the alias targets."""
    peer: Peer | None = None
    """The secondary's manifest (primary only): in STOP mode the alarm and the SECONDARY record's target."""


class FailoverRouting(pulumi.ComponentResource):
    """STOP alarm (secondary), health check and failover records (primary), or latency records.

    `manifest` (the parity manifest's `routing` section): `mode`; `alarm` (secondary in STOP mode: the keys of
    `stop_alarm_settings` plus `arn` and `configHash`, else None); `healthCheck` (`id`, `type`, `alarmName`,
    `alarmRegion`, `fqdn`, `resourcePath`, or None); `records` (`name`, `setIdentifier`, `failover` or
    `latencyRegion`, `aliasTarget` {`name`, `zoneId`, `evaluateTargetHealth`}, `healthCheckId`); `ttl` (None:
    alias records take the target's TTL).
    """

    manifest: dict[str, Any]

    def __init__(self, name: str, args: FailoverRoutingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:routing:FailoverRouting", name, None, opts)
        self._name = name
        self._pair = args.pair
        self._api = args.api
        self._child = pulumi.ResourceOptions(parent=self)
        self._tags = {**args.pair.shared.tags, "regionpair:pair": args.pair.shared.name}
        if args.pair.shared.api is None:
            raise ValueError("FailoverRouting routes the API's name: pair.shared.api must be declared")
        self._domain = args.pair.shared.api.domain_name

        alarm: pulumi.Input[dict[str, Any] | None] = None
        health_check: pulumi.Input[dict[str, Any] | None] = None
        records: list[pulumi.Input[dict[str, Any]]] = []
        if args.pair.shared.routing.mode is RoutingMode.LATENCY:
            health_check, records = self._latency()
        elif args.pair.this_role is Role.SECONDARY:
            alarm = self._stop_alarm()
        else:
            if args.peer is None:
                raise ValueError("the primary's STOP routing needs the secondary's manifest (Peer)")
            health_check, records = self._stop_records(args.peer)

        self.manifest = (  # a dict of Output leaves, kept known leaf by leaf in preview
            {
                "mode": args.pair.shared.routing.mode.value,
                "alarm": alarm,
                "healthCheck": health_check,
                "records": records,
                "publishRecords": args.pair.shared.routing.publish_records,
                "ttl": None,
            }
        )
        self.register_outputs({"manifest": self.manifest})

    # ------------------------------------------------------------------------------------------ STOP
    def _stop_alarm(self) -> dict[str, Any]:
        """The secondary's alarm, in the secondary region; `ignore` missing data makes it latch."""
        settings = stop_alarm_settings(self._pair)
        alarm = aws.cloudwatch.MetricAlarm(
            f"{self._name}-stop-alarm",
            name=settings["name"],
            alarm_description=(
                f"STOP (standby takes over primary) for {self._pair.shared.name}: publish {settings['metric']}=1 "
                f"in {settings['region']} to fail over to it, 0 to fail back. Route 53 health check "
                "in the primary stack watches this alarm; do not edit it by hand."
            ),
            namespace=settings["namespace"],
            metric_name=settings["metric"],
            dimensions=settings["dimensions"],
            statistic=settings["statistic"],
            period=settings["period"],
            evaluation_periods=settings["evaluationPeriods"],
            datapoints_to_alarm=settings["datapointsToAlarm"],
            threshold=settings["threshold"],
            comparison_operator=settings["comparisonOperator"],
            treat_missing_data=settings["treatMissingData"],
            region=self._pair.this.region,
            tags=self._tags,
            opts=self._child,
        )
        return {**settings, "arn": alarm.arn, "configHash": config_hash(settings)}

    def _stop_records(self, peer: Peer) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Primary: the health check on the secondary's alarm and both failover alias records."""
        self._guard("failover", [{"setIdentifier": "primary", "failover": "PRIMARY"},
                                 {"setIdentifier": "secondary", "failover": "SECONDARY"}])  # fmt: skip
        alarm_name = peer.get("routing", "alarm", "name")
        alarm_region = peer.get("routing", "alarm", "region")
        check = aws.route53.HealthCheck(
            f"{self._name}-stop-check",
            type="CLOUDWATCH_METRIC",
            cloudwatch_alarm_name=alarm_name,
            cloudwatch_alarm_region=alarm_region,
            # While the alarm has no data (just created, or the standby region unreachable) keep routing as is.
            insufficient_data_health_status="LastKnownStatus",
            reference_name=health_check_reference(f"{self._pair.shared.name}-stop"),
            # Route 53 copies the alarm's configuration when the check is saved and never re-reads it: any change
            # to the alarm (published by the secondary as configHash) must update the check.
            triggers={"alarmConfigHash": peer.get("routing", "alarm", "configHash")},
            tags={**self._tags, "Name": f"{self._pair.shared.name} STOP: {stop_alarm_name(self._pair)}"},
            opts=self._child,
        )
        records = [
            self._record(
                "primary",
                routing={"failover_routing_policies": [{"type": "PRIMARY"}]},
                manifest_routing={"failover": "PRIMARY"},
                target_name=self._api.regional_domain_name,
                target_zone=self._api.regional_zone_id,
                health_check_id=check.id,
            ),
            # No health check on SECONDARY: it is the answer when PRIMARY is unhealthy, whatever its own state.
            self._record(
                "secondary",
                routing={"failover_routing_policies": [{"type": "SECONDARY"}]},
                manifest_routing={"failover": "SECONDARY"},
                target_name=peer.get("api", "regionalDomainName"),
                target_zone=peer.get("api", "regionalZoneId"),
                health_check_id=None,
            ),
        ]
        records = [r for r in records if r]  # none while routing.publishRecords is false
        health = {"id": check.id, "type": "CLOUDWATCH_METRIC", "alarmName": alarm_name, "alarmRegion": alarm_region}
        return health, records

    # ------------------------------------------------------------------------------------------ latency
    def _latency(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Endpoint health check and latency record of this stack's region.

        The check targets the REST API's default `execute-api` host with the stage in the path, not the custom
        domain's regional name: API Gateway routes custom-domain traffic by SNI/Host, so a request addressed to
        `d-....execute-api...` is refused, and the public name would resolve to whichever region is healthy.
        """
        region = self._pair.this.region
        latency = self._pair.shared.routing.latency
        self._guard("latency", [{"setIdentifier": region}])
        fqdn, resource_path, port = self._api.health_target(latency.health_path)
        check = aws.route53.HealthCheck(
            f"{self._name}-endpoint-check",
            type="HTTPS",
            fqdn=fqdn,
            port=port,
            enable_sni=True,
            resource_path=resource_path,
            request_interval=latency.request_interval_seconds,
            failure_threshold=latency.failure_threshold,
            reference_name=health_check_reference(self._pair.shared.name, region),
            tags={**self._tags, "Name": f"{self._pair.shared.name} API {region}"},
            opts=self._child,
        )
        record = self._record(
            region,
            routing={"latency_routing_policies": [{"region": region}]},
            manifest_routing={"latencyRegion": region},
            target_name=self._api.regional_domain_name,
            target_zone=self._api.regional_zone_id,
            health_check_id=check.id,
        )
        health = {
            "id": check.id,
            "type": "HTTPS",
            "alarmName": None,
            "alarmRegion": None,
            "fqdn": fqdn,
            "resourcePath": resource_path,
        }
        return health, [record] if record else []

    # ------------------------------------------------------------------------------------------ shared
    def _guard(self, policy: str, records: list[dict[str, str]]) -> None:
        """Refuse in preview records Route 53 would refuse next to the live ones (components/record_guard.py)."""
        if not self._pair.shared.routing.publish_records:
            return
        RecordSetGuard(
            f"{self._name}-record-guard",
            zone_id=self._pair.shared.dns.hosted_zone_id,
            record_name=self._domain,
            record_type=RECORD_TYPE,
            policy=policy,
            records=records,
            opts=self._child,
        )

    def _record(
        self,
        set_identifier: str,
        *,
        routing: dict[str, Any],
        manifest_routing: dict[str, str],
        target_name: pulumi.Input[str],
        target_zone: pulumi.Input[str],
        health_check_id: pulumi.Input[str] | None,
    ) -> dict[str, Any]:
        """One alias A record of the API name (Route 53 is global: no region argument)."""
        alias = {"name": target_name, "zone_id": target_zone, "evaluate_target_health": True}
        if not self._pair.shared.routing.publish_records:  # step 1 of a routing migration (docs/day-2.md)
            return {}
        aws.route53.Record(
            f"{self._name}-record-{set_identifier}",
            zone_id=self._pair.shared.dns.hosted_zone_id,
            name=self._domain,
            type=RECORD_TYPE,
            set_identifier=set_identifier,
            aliases=[alias],
            health_check_id=health_check_id,
            opts=self._child,
            **routing,
        )
        return {
            "name": self._domain,
            "type": RECORD_TYPE,
            "setIdentifier": set_identifier,
            **manifest_routing,
            "aliasTarget": {"name": target_name, "zoneId": target_zone, "evaluateTargetHealth": True},
            "healthCheckId": health_check_id,
        }
