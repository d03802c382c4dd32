"""The resilient sender against moto server on 127.0.0.1: overhead vs plain boto3, and an injected outage.

Prints figures (not a test): throughput ratio (target <= 1.1x), time to fail over once the primary dies,
and messages lost (must be 0).
"""

from __future__ import annotations

import logging
import os
import time

import boto3
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError
from moto.server import ThreadedMotoServer

from regionpair.sending import ResilientSender, ses_sender

N = 300
MESSAGE = {"from": "alerts@example.com", "to": ["user@example.org"], "subject": "s", "text": "t"}


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's access log
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ[key] = "testing"
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    cfg = Config(retries={"max_attempts": 1, "mode": "standard"})
    regions = ("us-east-1", "us-west-2")
    clients = {r: boto3.client("sesv2", region_name=r, endpoint_url=url, config=cfg) for r in regions}
    for r in clients:
        boto3.client("ses", region_name=r, endpoint_url=url).verify_domain_identity(Domain="example.com")
    plain = ses_sender(clients["us-east-1"])
    resilient = ResilientSender({r: ses_sender(c) for r, c in clients.items()}, failure_threshold=3, cooldown=3600)

    for _ in range(20):  # warm up connections
        plain(MESSAGE)
    start = time.perf_counter()
    for _ in range(N):
        plain(MESSAGE)
    t_plain = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(N):
        resilient.send(MESSAGE)
    t_resilient = time.perf_counter() - start

    def dead(**_kw):
        raise EndpointConnectionError(endpoint_url="https://email.us-east-1.amazonaws.com")

    clients["us-east-1"].meta.events.register("before-send.sesv2.SendEmail", dead, unique_id="outage")
    outage_at = time.perf_counter()
    first_standby = None
    lost = 0
    for _ in range(100):
        try:
            result = resilient.send(MESSAGE)
        except Exception:  # counting losses is the point
            lost += 1
            continue
        if result.region == "us-west-2" and first_standby is None:
            first_standby = time.perf_counter() - outage_at
    server.stop()
    print(f"plain boto3:      {N / t_plain:8.1f} sends/s")
    ratio = t_resilient / t_plain
    print(f"ResilientSender:  {N / t_resilient:8.1f} sends/s  (time ratio {ratio:.3f}x, target <= 1.1x)")
    print(f"outage of the primary: first standby send after {first_standby * 1000:.1f} ms; lost {lost} of 100")


if __name__ == "__main__":
    main()
