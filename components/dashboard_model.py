"""The pair dashboard's body, computed from the declaration alone (no pulumi_aws): what the operator looks at.

Each half gets its own CloudWatch dashboard (`components/dashboard.py`), created through its own region's
endpoint, showing **both** regions side by side: the primary's widgets on the left, the secondary's on the right,
one row per concern (alarms, email, SMS, API, replication lag, the STOP metric). A metric widget names its region
(`properties.region`), so one dashboard graphs both regions; either dashboard shows the whole pair, and the
secondary's can be deployed and read while the primary region is down.

CloudWatch dashboards are global to the account (PutDashboard API reference): the two names differ by region
(`<pair>-pair-<region>`). The body is plain JSON built here, so the policy pack and the mock cloud judge exactly
what is deployed, and it is known in preview: the alarm widgets need alarm ARNs, whose account id is read from
the half's certificate ARN (the same source the app-state IAM policy uses, `state_model.arn_parts`); without a
certificate ARN the alarm widgets are left out and a text widget says why.
"""

from __future__ import annotations

from typing import Any

from regionpair.components import constraints
from regionpair.components.declaration import Pair, Role, RoutingMode
from regionpair.components.evidence_model import replication_metrics
from regionpair.components.routing_model import STOP_DIMENSION, stop_alarm_name
from regionpair.components.signals_plan import api_names, composite_alarm_name
from regionpair.components.state_model import arn_parts

DASHBOARD_SUFFIX = "pair"
WIDTH, HEIGHT, HEADER_HEIGHT = 12, 6, 2
"""Two columns of the 24-unit grid, one per region."""
PERIOD = 300
ROW_TITLES = ("alarms", "email", "sms", "api", "replication", "stop")
"""Row kinds, in order; a row is present when the declaration has what it shows."""


def dashboard_name(pair: Pair, role: Role) -> str:
    """The dashboard of `role`'s half (dashboard names are account-global: the region tells them apart)."""
    return pair.physical_name(DASHBOARD_SUFFIX, role, limit=constraints.DASHBOARD_NAME_MAX)


def _account(pair: Pair, role: Role) -> tuple[str, str] | None:
    arn = pair.half(role).certificate_arn or pair.this.certificate_arn
    if not arn:
        return None
    try:
        return arn_parts(arn)
    except ValueError:
        return None


def _alarm_arn(partition: str, account: str, region: str, name: str) -> str:
    return f"arn:{partition}:cloudwatch:{region}:{account}:alarm:{name}"


def _metric(namespace: str, metric: str, dims: dict[str, Any], **options: Any) -> list[Any]:
    row: list[Any] = [namespace, metric]
    for k, v in dims.items():
        row += [k, v]
    return row + ([options] if options else [])


def _graph(title: str, region: str, metrics: list[list[Any]], *, stat: str = "Sum", **extra: Any) -> dict[str, Any]:
    return {"type": "metric", "properties": {"title": title, "region": region, "metrics": metrics, "stat": stat,
                                             "period": PERIOD, "view": "timeSeries", **extra}}  # fmt: skip


def _alarms_widget(pair: Pair, role: Role) -> dict[str, Any] | None:
    account = _account(pair, role)
    region = pair.half(role).region
    names = []
    if pair.shared.signals is not None:
        names.append(composite_alarm_name(pair, role))
    if role is Role.SECONDARY and pair.shared.routing.mode is RoutingMode.FAILOVER and pair.shared.api is not None:
        names.append(stop_alarm_name(pair))
    if not names:
        return None
    if account is None:
        return {"type": "text", "properties": {"markdown": f"Alarms of {region}: {', '.join(names)} (alarm widgets "
                                               "need the account id: set regionpair:certificateArn)"}}  # fmt: skip
    partition, acct = account
    return {"type": "alarm", "properties": {"title": f"{region}: " + " and ".join(names), "region": region,
            "alarms": [_alarm_arn(partition, acct, region, n) for n in names], "sortBy": "stateUpdatedTimestamp"}}


def _cell(pair: Pair, role: Role, kind: str) -> dict[str, Any] | None:
    """The widget of one row in one region, or None when the declaration has nothing for it."""
    s = pair.shared
    region = pair.half(role).region
    if kind == "alarms":
        return _alarms_widget(pair, role)
    if kind == "email" and s.email is not None:
        return _graph(f"{region}: SES sends, bounces, complaints", region, [
            _metric("AWS/SES", "Send", {}), _metric("AWS/SES", "Bounce", {}), _metric("AWS/SES", "Complaint", {}),
            _metric("AWS/SES", "Reject", {})])  # fmt: skip
    if kind == "sms" and s.sms is not None:
        return _graph(f"{region}: SMS parts sent and delivered", region, [
            _metric("AWS/SMSVoice", "NumberOfTextMessagePartsSent", {}),
            _metric("AWS/SMSVoice", "NumberOfTextMessagePartsDelivered", {})])  # fmt: skip
    if kind == "api" and s.api is not None and s.api.builds:
        names = api_names(pair, role)
        assert names is not None
        dims = {"ApiName": names.api_name, "Stage": names.stage}
        return _graph(f"{region}: API 5xx rate and p99 latency", region, [
            _metric("AWS/ApiGateway", "5XXError", dims, stat="Average", label="5xx rate"),
            _metric("AWS/ApiGateway", "Latency", dims, stat="p99", yAxis="right", label="p99 latency (ms)"),
            _metric("AWS/Lambda", "Errors", {"FunctionName": names.function_name}, label="function errors")])
    if kind == "replication":
        lag = [m for m in replication_metrics(pair) if m.region == region]
        if not lag:
            return None
        rows = [_metric(m.namespace, m.metric, m.dimensions, stat="Maximum",
                        label=f"{m.store} -> {m.destination_region} ({'s' if m.kind == 's3' else 'ms'})",
                        yAxis="left" if m.kind == "s3" else "right") for m in lag]  # fmt: skip
        return _graph(f"{region}: replication lag to {pair.half(role.peer).region}", region, rows, stat="Maximum")
    if kind == "stop" and s.routing.mode is RoutingMode.FAILOVER and s.api is not None:
        standby = pair.secondary.region
        if role is Role.PRIMARY:
            return {"type": "text", "properties": {"markdown": f"The STOP metric lives in the standby region "
                                                   f"({standby}): see the right column."}}  # fmt: skip
        stop = s.routing.stop
        return _graph(f"{standby}: STOP metric (1 = fail over)", standby,
                      [_metric(stop.namespace, stop.metric_name, {STOP_DIMENSION: s.name})], stat="Maximum")
    return None


def dashboard_body(pair: Pair, role: Role) -> dict[str, Any]:
    """The dashboard of `role`'s half as a DashboardBody object (json.dumps it)."""
    widgets: list[dict[str, Any]] = [{
        "type": "text", "x": 0, "y": 0, "width": 2 * WIDTH, "height": HEADER_HEIGHT,
        # The same text in both halves (parity compares the two bodies): each region's copy reads alike.
        "properties": {"markdown": f"# Pair {pair.shared.name}: {pair.primary.region} (primary, left) | "
                       f"{pair.secondary.region} (secondary, right)\nOne copy in each region: "
                       f"`{dashboard_name(pair, Role.PRIMARY)}` (primary stack) and "
                       f"`{dashboard_name(pair, Role.SECONDARY)}` (secondary stack), so either can be opened "
                       "while the other region is down. Managed by Pulumi: edits in the console are overwritten."},
    }]  # fmt: skip
    y = HEADER_HEIGHT
    for kind in ROW_TITLES:
        cells = [(_cell(pair, r, kind), x) for r, x in ((Role.PRIMARY, 0), (Role.SECONDARY, WIDTH))]
        if all(c is None for c, _ in cells):
            continue
        for cell, x in cells:
            if cell is not None:
                widgets.append({**cell, "x": x, "y": y, "width": WIDTH, "height": HEIGHT})
        y += HEIGHT
    return {"start": "-PT6H", "periodOverride": "inherit", "widgets": widgets}


def widget_regions(body: dict[str, Any]) -> set[str]:
    """The regions a body's widgets show (what "both regions side by side" is judged on)."""
    return {str(w["properties"]["region"]) for w in body.get("widgets", [])
            if isinstance(w, dict) and isinstance(w.get("properties"), dict) and w["properties"].get("region")}
