"""The regional API's handler, deployed unchanged in both regions (API Gateway REST, Lambda proxy integration).

`GET /health` answers without touching any dependency: Route 53 endpoint health checks (latency mode) and
operators use it to see which region served a request. `GET /state` reads the app-state item (active/fenced/failover)
from the app-state global table **in this function's own region**: after a failover the standby must answer
from its local replica, never from the (possibly unreachable) primary region.

Configuration comes from environment variables set by `components/api.py`: `TABLE_NAME`, `APP_ID`,
`STATE_KEY` (the table's hash key attribute). `AWS_REGION` is set by the Lambda runtime.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

_DYNAMODB = None  # created on first use and reused across invocations of a warm container


def _region() -> str:
    return os.environ.get("AWS_REGION", "unknown")


def _response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    """A Lambda proxy integration response: API Gateway expects a string body and explicit headers."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", "Cache-Control": "no-store"},
        "body": json.dumps(body, default=str),
    }


def _client() -> Any:
    global _DYNAMODB
    if _DYNAMODB is None:
        _DYNAMODB = boto3.client("dynamodb", region_name=_region())
    return _DYNAMODB


def _plain(attribute: dict[str, Any]) -> Any:
    """Turn one DynamoDB attribute value into plain JSON (the state item holds strings, numbers and booleans)."""
    (kind, value), *_ = attribute.items()
    if kind == "N":
        return float(value) if any(c in value for c in ".eE") else int(value)
    if kind == "M":
        return {k: _plain(v) for k, v in value.items()}
    if kind == "L":
        return [_plain(v) for v in value]
    if kind == "NULL":
        return None
    return value


def _state() -> dict[str, Any]:
    table = os.environ["TABLE_NAME"]
    app_id = os.environ["APP_ID"]
    key = os.environ.get("STATE_KEY", "AppId")
    try:
        # Strongly consistent: the answer must reflect this replica's latest write (the app-state fencing).
        item = _client().get_item(TableName=table, Key={key: {"S": app_id}}, ConsistentRead=True).get("Item")
    except (ClientError, BotoCoreError) as exc:
        return _response(503, {"region": _region(), "error": f"cannot read {table}: {exc}"})
    if item is None:
        return _response(404, {"region": _region(), "error": f"no state item {key}={app_id} in {table}"})
    return _response(200, {"region": _region(), "table": table, "item": {k: _plain(v) for k, v in item.items()}})


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Route a proxy-integration event by method and path."""
    method = (event.get("httpMethod") or "GET").upper()
    path = "/" + (event.get("path") or "/").strip("/")
    if method not in {"GET", "HEAD"}:
        return _response(405, {"region": _region(), "error": f"{method} not allowed; use GET"})
    if path == "/health":
        return _response(200, {"region": _region(), "status": "ok"})
    if path == "/state":
        return _state()
    return _response(404, {"region": _region(), "error": f"no route {path}; try /health or /state"})
