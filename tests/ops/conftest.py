"""moto in server mode on 127.0.0.1 for the operations tests: one server a session, reset between tests."""

from __future__ import annotations

import socket
import urllib.request

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from moto.server import ThreadedMotoServer

from regionpair.ops.clients import Clients
from regionpair.ops.context import PairContext, load_context


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch):
    """No test may reach a real account: fixed fake credentials, no profile."""
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("REGIONPAIR_OPERATOR", "test-operator")


@pytest.fixture(scope="session")
def moto_url():
    # moto has no End User Messaging SMS: its server prints a notice to stdout for each such call (the readiness
    # checks of `status` and `audit` make them), which would land in the CLI's --json output under CliRunner.
    from moto.moto_server import werkzeug_app

    werkzeug_app.print = lambda *_a, **_k: None  # type: ignore[attr-defined]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def endpoint(moto_url, fake_credentials):
    """The server, emptied before each test."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")).read()
    return moto_url


@pytest.fixture
def clients(endpoint) -> Clients:
    """What the commands use."""
    return Clients(boto3.Session(), endpoint_url=endpoint)


@pytest.fixture
def independent(endpoint):
    """A separate client factory for arranging and checking effects (not the code under test's clients)."""

    def make(service: str, region: str = "us-east-1"):
        return boto3.client(service, region_name=region, endpoint_url=endpoint)

    return make


@pytest.fixture
def ctx(pair_copy) -> PairContext:
    """The example pair's live names and regions, from a copy (its `.regionpair/` state is the test's own)."""
    return load_context(pair_copy.path)


# ------------------------------------------------------------------------------------------ fault injection
class _Raw:
    """The raw body botocore's `AWSResponse` reads (`stream()`)."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_kw):
        yield self.body


class Faults:
    """Make calls fail the way a sick region does, with botocore's own event hooks (no stand-in for AWS).

    `refuse`: connection refused before anything is sent (`before-send` raises EndpointConnectionError).
    `answer(status)`: the service answers an error (`before-send` returns an AWSResponse: 503, 429 throttling).
    `slow`: the read times out before an answer (`before-send` raises ReadTimeoutError; moto never sees it).
    `lose_reply`: the request reaches moto and is processed, then the answer is lost (`after-call` raises
    ReadTimeoutError): the case where a resend duplicates.
    Each applies to one client (so to one service in one region) and one operation or all (`*`).
    """

    def __init__(self) -> None:
        self.rules: list[tuple[str, str | None, str, str, dict]] = []
        self.hits: list[str] = []

    def add(self, kind: str, service: str, region: str | None = None, operation: str = "*", **kw) -> Faults:
        self.rules.append((service, region, operation, kind, kw))
        return self

    def clear(self) -> None:
        self.rules.clear()

    def attach(self, client, service: str, region: str | None) -> None:
        """Register the hooks on one client; they consult `rules` at call time."""

        xml = client.meta.service_model.protocol in ("rest-xml", "query")

        def before(request, event_name, **_kw):
            return self._before(service, region, event_name.rsplit(".", 1)[-1], request.url, xml)

        def after(model, **_kw):
            if self._match(service, region, model.name, "after"):
                self.hits.append(f"lose_reply:{service}:{region}:{model.name}")
                raise ReadTimeoutError(endpoint_url="(reply lost after the request was processed)")

        client.meta.events.register_first("before-send", before)
        client.meta.events.register("after-call", after)

    def _match(self, service: str, region: str | None, operation: str, when: str):
        for s, r, op, kind, kw in self.rules:
            if s == service and (r is None or r == region) and op in ("*", operation):
                if (kind == "lose_reply") == (when == "after"):
                    return kind, kw
        return None

    def _before(self, service: str, region: str | None, operation: str, url: str, xml: bool):
        found = self._match(service, region, operation, "before")
        if not found:
            return None
        kind, kw = found
        self.hits.append(f"{kind}:{service}:{region}:{operation}")
        if kind == "refuse":
            raise EndpointConnectionError(endpoint_url=url)
        if kind == "slow":
            raise ReadTimeoutError(endpoint_url=url)
        status = kw.get("status", 503)
        code = kw.get("code", "ThrottlingException" if status == 429 else "ServiceUnavailable")
        if xml:
            body = f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>injected</Message></Error>"
            return AWSResponse(url, status, {}, _Raw(f"{body}</ErrorResponse>".encode()))
        return AWSResponse(url, status, {"x-amzn-ErrorType": code}, _Raw(b'{"message": "injected"}'))


@pytest.fixture
def faults() -> Faults:
    return Faults()


NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=1, read_timeout=5)


class FaultyClients(Clients):
    """`Clients` whose every client carries the `Faults` hooks; no botocore retries (the tests decide)."""

    def __init__(self, faults: Faults, endpoint_url: str) -> None:
        super().__init__(boto3.Session(), endpoint_url=endpoint_url, config=NO_RETRY)
        self.faults = faults

    def created(self, service, region):
        client = super().created(service, region)
        self.faults.attach(client, service, None if service == "route53" else region)
        return client


@pytest.fixture
def faulty_clients(faults, endpoint) -> FaultyClients:
    """What the commands use, with fault injection per service and region."""
    return FaultyClients(faults, endpoint)


@pytest.fixture
def cli_clients(monkeypatch, faulty_clients):
    """Make the CLI build `faulty_clients` (same faults, same endpoint)."""
    import regionpair.ops_cli as ops_cli

    monkeypatch.setattr(ops_cli, "Clients", lambda *_a, **_k: faulty_clients)
    return faulty_clients


@pytest.fixture
def closed_port_url() -> str:
    """An address nothing listens on: connections are refused by the OS, for real."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


class FakeClock:
    """Wall time that moves only when the code under test sleeps (no real waiting, no timing in tests)."""

    def __init__(self, start: float = 1_800_000_000.0, on_sleep=None) -> None:
        self.t = start
        self.slept: list[float] = []
        self.on_sleep = on_sleep

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += max(seconds, 0.001)
        if self.on_sleep:
            self.on_sleep(self)


@pytest.fixture
def fake_clock():
    """The `FakeClock` class (tests build one per scenario)."""
    return FakeClock
