"""List sync of 10,000 contacts against moto server on 127.0.0.1: entries per second (figures, not a test).

The apply step writes the per-list checkpoint as the CLI does (one line flushed per write).
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path

import boto3
from moto.server import ThreadedMotoServer

from regionpair.ops import sync

N = 10_000


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    east = boto3.client("sesv2", region_name="us-east-1", endpoint_url=url)
    west = boto3.client("sesv2", region_name="us-west-2", endpoint_url=url)
    for client in (east, west):
        client.create_contact_list(ContactListName="bench")
    start = time.perf_counter()
    for i in range(N):
        east.create_contact(ContactListName="bench", EmailAddress=f"user{i}@example.com", UnsubscribeAll=i % 10 == 0)
    seeding = time.perf_counter() - start
    lists = [sync.ContactList(east, "us-east-1", "bench"), sync.ContactList(west, "us-west-2", "bench")]
    start = time.perf_counter()
    plan = sync.plan(lists, sync.unsubscribe_wins)
    planned = time.perf_counter() - start
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:  # the CLI's way: one checkpoint line flushed per write
        checkpoint = sync.Checkpoint(Path(tmp) / "cp.jsonl", "contacts", "bench")
        written = sync.apply(lists, plan, checkpoint).written
    applied = time.perf_counter() - start
    server.stop()
    print(f"seeding {N} contacts in one region: {N / seeding:8.0f} writes/s (moto baseline)")
    print(f"plan (read both regions, paginated): {2 * N / planned if planned else 0:8.0f} entries/s")
    print(f"apply ({written} writes to the other region): {written / applied:8.0f} entries/s")
    print(f"end to end: {N / (planned + applied):8.0f} entries/s")


if __name__ == "__main__":
    main()
