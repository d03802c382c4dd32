"""`CloudMocks` plus ARC Region switch: the plan's ARN format and its health-check data source.

Kept apart until it is merged into `regionpair/mockcloud.py` (docs/region-switch-integration.md). Like the rest
of the mock cloud it refuses what AWS refuses: a plan that breaks `PLAN_CONSTRAINTS` fails to register, the data
source refuses an ARN that is not a plan ARN or a plan that does not exist, and health checks exist only for the
record names the plan's Route 53 steps name, one per region of the plan.
"""

from __future__ import annotations

from typing import Any

from pulumi.runtime import mocks as pmocks

from components.region_switch_model import PLAN_ARN_RE, check_plan
from regionpair.mockcloud import ACCOUNT_ID, CloudMocks, _hex

PLAN = "aws:arcregionswitch/plan:Plan"
HEALTH_CHECKS_INVOKE = "aws:arcregionswitch/getRoute53HealthChecks:getRoute53HealthChecks"


class RegionSwitchMocks(CloudMocks):
    """Answers `aws.arcregionswitch.Plan` and `get_route53_health_checks` like the service."""

    def __init__(self, *args: Any, allocated: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plans: dict[str, dict[str, Any]] = {}
        self.allocated = allocated
        """False: health checks still being allocated (no ids yet), as right after CreatePlan."""

    def new_resource(self, args: pmocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        """Plans: validate like the API, ARN `arn:aws:arc-region-switch::<account>:plan/<name>:<6 chars>`."""
        if args.typ != PLAN or self.preview:
            return super().new_resource(args)
        self.registered.append(args)
        inputs = dict(args.inputs)
        problems = check_plan(inputs)
        if problems:
            raise ValueError(f"ValidationException: {problems[0]}")
        arn = f"arn:aws:arc-region-switch::{ACCOUNT_ID}:plan/{inputs['name']}:{_hex(args.name, n=6)}"
        self.plans[arn] = inputs
        return arn, {**inputs, "arn": arn, "owner": ACCOUNT_ID, "tagsAll": inputs.get("tags", {})}

    def call(self, args: pmocks.MockCallArgs) -> Any:
        """The plan's health checks: one per (Route 53 step record name, region of the plan)."""
        if args.token != HEALTH_CHECKS_INVOKE:
            return super().call(args)
        arn = str(args.args.get("planArn", ""))
        if not PLAN_ARN_RE.match(arn):
            raise ValueError(f"ValidationException: {arn!r} is not a Region switch plan ARN")
        plan = self.plans.get(arn)
        if plan is None:
            raise ValueError(f"ResourceNotFoundException: plan {arn} does not exist")
        checks: list[dict[str, Any]] = []
        for workflow in plan.get("workflows") or []:
            for step in workflow.get("steps") or []:
                for cfg in step.get("route53HealthCheckConfigs") or []:
                    for region in plan["regions"]:
                        h = _hex(arn, cfg["recordName"], region, n=32)
                        hc = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
                        entry = {"hostedZoneId": cfg["hostedZoneId"], "recordName": cfg["recordName"],
                                 "region": region, "status": "healthy" if self.allocated else "unknown"}  # fmt: skip
                        if self.allocated:
                            entry["healthCheckId"] = hc
                        if entry not in checks:
                            checks.append(entry)
        return {"planArn": arn, "healthChecks": checks, "region": args.args.get("region") or self.default_region}
