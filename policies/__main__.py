"""Serve the regionpair policy pack (the Pulumi CLI runs this; the constructor serves gRPC and never returns)."""

from pulumi_policy import EnforcementLevel, PolicyPack

from regionpair.policies.pack import ALL_POLICIES

PolicyPack(
    name="regionpair",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=ALL_POLICIES,
    description="Cross-region parity, replication, failover routing and RTO/RPO budgets of a region pair.",
)
