"""The STOP pattern's names and settings, computed from the declaration alone (no pulumi_aws).

Why apart from `components/routing.py`: the secondary's alarm, the primary's health check, the policy pack and
`regionpair failover` must all agree on the same alarm; they read it from here, and the pack and the CLI then
need no resource module to do so.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from regionpair.components.declaration import Pair

STOP_ALARM_SUFFIX = "stop-failover"
STOP_DIMENSION = "Pair"
"""Dimension name of the STOP metric; its value is the pair name (`regionpair failover` publishes it)."""
RECORD_TYPE = "A"


def stop_alarm_name(pair: Pair) -> str:
    """Name of the STOP alarm in the secondary region: deterministic, so the primary and the CLI know it."""
    return pair.physical_name(STOP_ALARM_SUFFIX)


def stop_alarm_settings(pair: Pair) -> dict[str, Any]:
    """Everything that defines the STOP alarm, camelCase as in the manifest (without its ARN).

    This one dict feeds the alarm resource, the manifest and the config hash, so the three cannot disagree.
    """
    stop = pair.shared.routing.stop
    return {
        "name": stop_alarm_name(pair),
        "region": pair.secondary.region,
        "namespace": stop.namespace,
        "metric": stop.metric_name,
        "dimensions": {STOP_DIMENSION: pair.shared.name},
        "statistic": "Maximum",
        "period": stop.period_seconds,
        "evaluationPeriods": stop.evaluation_periods,
        # Every evaluated period must breach: one stray datapoint cannot flip traffic on its own when N > 1.
        "datapointsToAlarm": stop.evaluation_periods,
        "threshold": 1.0,
        "comparisonOperator": "GreaterThanOrEqualToThreshold",
        "treatMissingData": stop.treat_missing_data.value,
    }


def _canonical(value: Any) -> Any:
    """Integral floats as ints: the engine, JSON and `DescribeAlarms` disagree on `1` vs `1.0`."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def config_hash(settings: dict[str, Any]) -> str:
    """sha256 of the alarm settings: Route 53 keeps a copy of the alarm's configuration and must be told.

    Canonical (sorted keys, integral numbers as ints) so the policy pack and `regionpair audit` can recompute it
    from a manifest or from `DescribeAlarms` and get the same value.
    """
    return hashlib.sha256(json.dumps(_canonical(settings), sort_keys=True).encode()).hexdigest()
