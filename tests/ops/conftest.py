"""moto in server mode on 127.0.0.1 for the operations tests: one server a session, reset between tests."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import boto3
import pytest
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
def ctx() -> PairContext:
    """The example pair's live names and regions."""
    return load_context(Path(__file__).resolve().parents[2])
