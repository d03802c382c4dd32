"""The shop's own API function, deployed unchanged in both regions (API Gateway REST, Lambda proxy integration)."""

from __future__ import annotations

import json
import os
from typing import Any


def handler(event: dict[str, Any], _context: object) -> dict[str, Any]:
    """Answer every path with the region that served it; `/health` is what latency health checks probe."""
    body = {"region": os.environ.get("AWS_REGION", "unknown"), "greeting": os.environ.get("GREETING", "")}
    if event.get("path") == "/health":
        body["status"] = "ok"
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}
