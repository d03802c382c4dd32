"""Serve the regionpair policy pack (the Pulumi CLI runs this; the constructor serves gRPC and never returns)."""

import gc

from pulumi_policy import EnforcementLevel, PolicyPack

from regionpair.policies.pack import ALL_POLICIES

# A stack analysis builds tens of thousands of small objects per policy (the SDK's resource views): with Python's
# default thresholds the cyclic collector walked the pack's whole heap over and over (a quarter of the example
# pair's AnalyzeStack). What the imports built lives as long as the process: keep it out of the collector's
# walks, and collect young objects less often.
gc.freeze()
gc.set_threshold(100_000, 50, 100)

PolicyPack(
    name="regionpair",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=ALL_POLICIES,
    description="Cross-region parity, replication, failover routing and RTO/RPO budgets of a region pair.",
)
