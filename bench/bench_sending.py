"""The resilient sender against moto server on 127.0.0.1, 500 sends per fault mode of the primary region.

Prints figures (not a test). Per mode: messages lost (neither delivered nor reported to the caller, or reported
sent and not delivered; must be 0), duplicates (deliveries beyond one per message; must be 0), unknown outcomes
handed to the caller (`AmbiguousSendError`, never resent), and the time from the fault to the first send taken
by the standby. Plus the overhead over plain boto3 with no fault.

Faults: `refused` a port nothing listens on (the OS refuses); `503` and `throttling` answers from a botocore
`before-send` hook; `slow` a server that accepts and never answers (real read timeouts, 0.5 s); `reply lost`
moto processes the send and an `after-call` hook drops the answer.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import urllib.request

import boto3
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError
from moto.server import ThreadedMotoServer

from regionpair.sending import AmbiguousSendError, ResilientSender, SendFailedError, sending_config, ses_sender

N = 500
MESSAGE = {"from": "alerts@example.com", "to": ["user@example.org"], "subject": "s", "text": "t"}
PRIMARY, STANDBY = "us-east-1", "us-west-2"


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_kw):
        yield self.body


def _blackhole() -> tuple[str, socket.socket]:
    """Accepts connections and never answers: every request ends in a read timeout."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            held.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    return f"http://127.0.0.1:{server.getsockname()[1]}", server


def _closed_port() -> str:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's access log
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ[key] = "testing"
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    cfg = sending_config(connect_timeout=0.5, read_timeout=0.5)
    hole_url, hole = _blackhole()

    def reset() -> None:
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).read()
        for r in (PRIMARY, STANDBY):
            boto3.client("ses", region_name=r, endpoint_url=url).verify_domain_identity(Domain="example.com")

    def sent(region: str) -> int:
        ses = boto3.client("ses", region_name=region, endpoint_url=url)
        return int(ses.get_send_quota()["SentLast24Hours"])

    def client(region: str, endpoint: str = url):
        return boto3.client("sesv2", region_name=region, endpoint_url=endpoint, config=cfg)

    # Overhead without faults.
    reset()
    plain_client, standby = client(PRIMARY), client(STANDBY)
    plain = ses_sender(plain_client)
    resilient = ResilientSender({PRIMARY: plain, STANDBY: ses_sender(standby)})
    for _ in range(20):
        plain(MESSAGE)
    start = time.perf_counter()
    for _ in range(300):
        plain(MESSAGE)
    t_plain = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(300):
        resilient.send(MESSAGE)
    t_resilient = time.perf_counter() - start
    print(f"no fault: plain boto3 {300 / t_plain:.0f} sends/s, ResilientSender {300 / t_resilient:.0f} sends/s "
          f"(time ratio {t_resilient / t_plain:.2f}x)")  # fmt: skip

    def answer(status: int, code: str):
        def hook(request, **_kw):
            return AWSResponse(request.url, status, {"x-amzn-ErrorType": code}, _Raw(b'{"message": "injected"}'))

        return hook

    def lose_reply(**_kw):
        raise ReadTimeoutError(endpoint_url="(reply lost after processing)")

    throttled = answer(429, "TooManyRequestsException")
    modes = {
        "refused": lambda: (client(PRIMARY, _closed_port()), None),
        "503": lambda: (client(PRIMARY), ("before-send.sesv2.SendEmail", answer(503, "ServiceUnavailable"))),
        "throttling": lambda: (client(PRIMARY), ("before-send.sesv2.SendEmail", throttled)),
        "slow (read timeouts)": lambda: (client(PRIMARY, hole_url), None),
        "reply lost after processing": lambda: (client(PRIMARY), ("after-call.sesv2.SendEmail", lose_reply)),
    }  # fmt: skip
    print(f"{'fault of the primary':30} {'sent':>5} {'lost':>5} {'dupl.':>5} {'unknown':>8} {'first standby send':>19}")
    for name, make in modes.items():
        reset()
        primary, hook = make()
        if hook:
            primary.meta.events.register(hook[0], hook[1])
        sender = ResilientSender({PRIMARY: ses_sender(primary), STANDBY: ses_sender(client(STANDBY))},
                                 failure_threshold=3, cooldown=3600)  # fmt: skip
        claimed = ambiguous = failed = 0
        first_standby = None
        start = time.perf_counter()
        for _ in range(N):
            try:
                result = sender.send(MESSAGE)
            except AmbiguousSendError:
                ambiguous += 1
                continue
            except SendFailedError:
                failed += 1
                continue
            claimed += 1
            if result.region == STANDBY and first_standby is None:
                first_standby = time.perf_counter() - start
        delivered = sent(PRIMARY) + sent(STANDBY)
        # Lost: neither delivered nor reported to the caller, or reported sent and not delivered anywhere.
        lost = (N - claimed - ambiguous - failed) + max(0, claimed - delivered)
        duplicates = max(0, delivered - claimed - ambiguous)
        first = f"{first_standby * 1000:.0f} ms" if first_standby is not None else "never"
        print(f"{name:30} {claimed:>5} {lost:>5} {duplicates:>5} {ambiguous:>8} {first:>19}")
    hole.close()
    server.stop()


if __name__ == "__main__":
    main()
