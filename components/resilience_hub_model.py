"""The pair as AWS Resilience Hub sees it, computed from the declaration alone (no pulumi_aws).

Resilience Hub (2026, API `resiliencehubv2`) reads CloudFormation stacks, Terraform state, EKS, design files and
resource tags, not Pulumi state. So the primary stack registers the pair itself (`components/resilience_hub.py`):
- a **system** (`<pair>-pair`), the application as a whole;
- a **policy** (`<pair>-multi-region`) with its multi-Region targets: RTO and RPO from `objectives` (in whole
  minutes, rounded up) and the disaster-recovery approach of the declared strategy (warm standby: WARM_STANDBY;
  active-active: ACTIVE_ACTIVE);
- a **service** (`<pair>-service`) spanning both regions, on that policy, associated with the system;
- an **input source** on the service that discovers the pair's resources by the declaration's `tags` (every
  taggable resource of the pair carries them).
Sources: botocore resiliencehubv2 service-2.json (CreateSystem/CreatePolicy/CreateService/CreateInputSource
shapes: names 2-60 `[A-Za-z0-9][A-Za-z0-9_-]{1,59}`, MultiRegionTargets, regions 1-5, resourceTags 1-10);
pulumi-aws 7.51.1 `resiliencehub.V2System`, `V2Policy`, `V2Service`, `V2InputSource` docstrings.
"""

from __future__ import annotations

import math
from typing import Any

from regionpair.components import constraints
from regionpair.components.declaration import Pair, Strategy

APPROACH = {Strategy.WARM_STANDBY: "WARM_STANDBY", Strategy.ACTIVE_ACTIVE: "ACTIVE_ACTIVE"}


def names(pair: Pair) -> dict[str, str]:
    """The system's, policy's and service's names (account-regional; the primary owns them)."""
    limit = constraints.RESILIENCE_HUB_NAME_MAX
    return {k: pair.physical_name(suffix, limit=limit)
            for k, suffix in (("system", "pair"), ("policy", "multi-region"), ("service", "service"))}  # fmt: skip


def multi_region_targets(pair: Pair) -> dict[str, Any]:
    """The policy's `multiRegion` block (camelCase, as the engine registers it)."""
    o = pair.shared.objectives
    return {"disasterRecoveryApproach": APPROACH.get(pair.shared.strategy, "WARM_STANDBY"),
            "rtoInMinutes": math.ceil(o.rto_seconds / 60), "rpoInMinutes": o.rpo_minutes}  # fmt: skip


def resource_tags(pair: Pair) -> list[dict[str, Any]]:
    """The input source's tag filter: every declared tag (Resilience Hub accepts at most 10)."""
    return [{"key": k, "values": [v]} for k, v in sorted(pair.shared.tags.items())][:10]
