"""A small HTTP proxy on 127.0.0.1 in front of moto that injects the faults of a sick region.

The commands under test talk to it as to AWS (`--endpoint-url`); it tells regions and services apart by the
SigV4 credential scope every request carries (`Credential=<key>/<date>/<region>/<service>/aws4_request`), and
operations by the protocol's own marker (`X-Amz-Target`, the rpc-v2-cbor path, `Action=`). Faults, per rule:

- `hang`: read the request, never answer (the connection stays open until the client gives up);
- `slow`: forward after `delay` seconds;
- `reset`: read the request, then reset the connection (RST) without forwarding it;
- `status`: answer an error (`status`, `code`), e.g. 503 ServiceUnavailable, 400 Throttling, 403 ExpiredToken;
- `drop_reply`: forward to moto (which processes it), then close the connection without the answer.

`on_request(info)` is called for every request before the rule applies (e.g. to signal a subprocess), and
`after_forward(info)` after moto answered a forwarded one (e.g. to play CloudWatch moving the alarm). Each
request is served on its own connection (`Connection: close`), so a fault never leaks into the next call.
Nothing listens anywhere but 127.0.0.1.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import struct
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")


@dataclass
class Request:
    """What the proxy saw of one call."""

    region: str
    service: str
    operation: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    fault: str = ""


@dataclass
class Rule:
    """A fault for matching requests (None matches anything)."""

    kind: str
    region: str | None = None
    service: str | None = None
    operation: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    times: int | None = None
    """Apply to this many matching requests, then let the rest through (None: always)."""

    def matches(self, r: Request) -> bool:
        return (
            (self.region is None or self.region == r.region)
            and (self.service is None or self.service == r.service)
            and (self.operation is None or self.operation == r.operation)
            and (self.times is None or self.times > 0)
        )


def _cbor_text(s: str) -> bytes:
    data = s.encode()
    n = len(data)
    head = bytes([0x60 | n]) if n < 24 else bytes([0x78, n]) if n < 256 else b"\x79" + struct.pack(">H", n)
    return head + data


def _error_body(r: Request, status: int, code: str, message: str) -> tuple[dict[str, str], bytes]:
    """An error answer in the request's protocol (what botocore's parsers read)."""
    if r.headers.get("smithy-protocol", "").startswith("rpc-v2-cbor"):
        body = bytes([0xA2]) + _cbor_text("__type") + _cbor_text(code) + _cbor_text("message") + _cbor_text(message)
        return {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}, body
    if "x-amz-target" in r.headers:
        return {"Content-Type": "application/x-amz-json-1.0"}, json.dumps({"__type": code, "message": message}).encode()
    if r.service in ("route53", "sts", "iam") or "x-www-form-urlencoded" in r.headers.get("content-type", ""):
        xml = f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>" \
              "<RequestId>fault-proxy</RequestId></ErrorResponse>"  # fmt: skip
        return {"Content-Type": "text/xml"}, xml.encode()
    return {"Content-Type": "application/json", "x-amzn-ErrorType": code}, json.dumps({"message": message}).encode()


class FaultProxy:
    """Start with `start()`; `url` is what the commands get as `--endpoint-url`."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urllib.parse.urlsplit(upstream)
        self.rules: list[Rule] = []
        self.seen: list[Request] = []
        self.on_request: Callable[[Request], None] | None = None
        self.after_forward: Callable[[Request], None] | None = None
        self._stop = threading.Event()
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._lock = threading.Lock()

    # ----------------------------------------------------------------------------------------------- rules
    def add(self, kind: str, region: str | None = None, service: str | None = None, operation: str | None = None,
            times: int | None = None, **params: Any) -> FaultProxy:  # fmt: skip
        self.rules.append(Rule(kind, region, service, operation, params, times))
        return self

    def clear(self) -> None:
        self.rules.clear()

    def calls(self, region: str | None = None, service: str | None = None, operation: str | None = None,
              fault: str | None = None) -> list[Request]:  # fmt: skip
        return [r for r in list(self.seen)
                if Rule("", region, service, operation).matches(r) and (fault is None or r.fault == fault)]  # fmt: skip

    # ----------------------------------------------------------------------------------------------- serving
    def start(self) -> FaultProxy:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
        try:
            self._sock.close()
        except OSError:
            pass

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            request = self._read(conn)
            if request is None:
                return
            if self.on_request:
                self.on_request(request)
            rule = self._rule(request)
            request.fault = rule.kind if rule else ""
            self.seen.append(request)
            self._apply(conn, request, rule)
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def _rule(self, request: Request) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if rule.matches(request):
                    if rule.times is not None:
                        rule.times -= 1
                    return rule
        return None

    def _apply(self, conn: socket.socket, request: Request, rule: Rule | None) -> None:
        kind = rule.kind if rule else "forward"
        params = rule.params if rule else {}
        if kind == "hang":
            conn.settimeout(0.1)
            while not self._stop.is_set():  # until the client closes its end
                try:
                    if conn.recv(1) == b"":
                        return
                except TimeoutError:
                    continue
            return
        if kind == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        if kind == "status":
            status = int(params.get("status", 503))
            code = str(params.get("code", "ServiceUnavailable"))
            headers, body = _error_body(request, status, code, str(params.get("message", "injected by the proxy")))
            self._send(conn, status, headers, body)
            return
        if kind == "slow":
            time.sleep(float(params.get("delay", 1.0)))
        status, headers, body = self._forward(request)
        if self.after_forward:
            self.after_forward(request)
        if kind == "drop_reply":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        self._send(conn, status, headers, body)

    def _read(self, conn: socket.socket) -> Request | None:
        conn.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or 0)
        while len(rest) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            rest += chunk
        scope = _SCOPE.search(headers.get("authorization", ""))
        region, service = (scope.group(1), scope.group(2)) if scope else ("", "")
        name = _service_name(service)
        return Request(region, name, _operation(target, headers, rest) or _rest_operation(name, method, target),
                       method, target, headers, rest)  # fmt: skip

    def _forward(self, r: Request) -> tuple[int, list[tuple[str, str]], bytes]:
        upstream = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=30)
        try:
            headers = {k: v for k, v in r.headers.items() if k not in ("connection", "keep-alive")}
            upstream.request(r.method, r.path, body=r.body, headers=headers)
            response = upstream.getresponse()
            body = response.read()
            out = [(k, v) for k, v in response.getheaders()
                   if k.lower() not in ("transfer-encoding", "connection", "content-length")]  # fmt: skip
            return response.status, out, body
        finally:
            upstream.close()

    @staticmethod
    def _send(conn: socket.socket, status: int, headers: dict[str, str] | list[tuple[str, str]], body: bytes) -> None:
        items = list(headers.items()) if isinstance(headers, dict) else list(headers)
        reason = http.client.responses.get(status, "")
        lines = [f"HTTP/1.1 {status} {reason}"] + [f"{k}: {v}" for k, v in items]
        lines += [f"Content-Length: {len(body)}", "Connection: close"]
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


def _service_name(signing_name: str) -> str:
    """The botocore service name for a SigV4 signing name (where they differ)."""
    return {"monitoring": "cloudwatch", "ses": "sesv2", "sms-voice": "pinpoint-sms-voice-v2"}.get(
        signing_name, signing_name
    )


def _operation(target: str, headers: dict[str, str], body: bytes) -> str:
    if "x-amz-target" in headers:
        return headers["x-amz-target"].rsplit(".", 1)[-1]
    found = re.search(r"/operation/([A-Za-z0-9]+)", target)
    if found:
        return found.group(1)
    query = urllib.parse.urlsplit(target).query
    for source in (query, body.decode("latin-1") if body[:200].isascii() else ""):
        action = urllib.parse.parse_qs(source).get("Action")
        if action:
            return action[0]
    return ""


_ROUTES: dict[str, list[tuple[str, re.Pattern[str], int, str]]] = {}


def _rest_operation(service: str, method: str, target: str) -> str:
    """A REST call's operation, from the service model's `requestUri` templates (botocore's own models)."""
    if not service:
        return ""
    if service not in _ROUTES:
        import botocore.session

        try:
            model = botocore.session.get_session().get_service_model(service)
        except Exception:
            _ROUTES[service] = []
            return ""
        routes = []
        for op in model.operation_names:
            http = model.operation_model(op).http
            uri = http.get("requestUri", "/").split("?")[0]
            pattern = re.sub(r"\\\{[^}]+\\\+\\\}", ".+", re.escape(uri))
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern)
            routes.append((http.get("method", "POST"), re.compile(f"^{pattern}/?$"), len(re.sub(r"{[^}]+}", "", uri)),
                           op))  # fmt: skip
        _ROUTES[service] = routes
    path = urllib.parse.unquote(urllib.parse.urlsplit(target).path)
    found = [(weight, op) for m, rx, weight, op in _ROUTES[service] if m == method and rx.match(path)]
    return max(found)[1] if found else ""
