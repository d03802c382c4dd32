"""Wall time of the offline check (example pair and a generated large pair) against the bare import time.

Prints figures; run with `make bench` or `.venv/bin/python bench/bench_check.py` (`--quick`: example pair
only). The bare import and the check are timed in turns, best of five each. Not a test.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REGIONPAIR = Path(sys.executable).parent / "regionpair"
# The pulumi modules the check uses: pulumi_aws loads its submodules lazily, so name the resources it registers.
USED_MODULES = (
    "import pulumi, pulumi_policy, grpc\n"
    "from pulumi_aws import s3, sesv2, pinpoint, dynamodb, apigateway, lambda_, cloudwatch, route53, iam, sns, "
    "cloudfront\n"
    "[s3.Bucket, sesv2.EmailIdentity, pinpoint.Smsvoicev2Pool, dynamodb.Table, apigateway.RestApi, "
    "lambda_.Function, cloudwatch.MetricAlarm, route53.Record, iam.Role, sns.Topic, cloudfront.Distribution]"
)


# Python's default: compiled modules are cached in __pycache__. A shell with PYTHONDONTWRITEBYTECODE=1 (some CI
# images and sandboxes set it) recompiles this repository's ~60 modules on every run, a cost no user with a
# default Python pays and the bare import (site-packages are compiled at install) does not pay either.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


CPU: dict[str, list[float]] = {}
"""CPU seconds (user + system, the command and its children: the pack) per command: on a busy machine wall time
measures the neighbours, CPU time much less so."""


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str]) -> float:
    start, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=ENV)
    elapsed = time.perf_counter() - start
    CPU.setdefault(" ".join(cmd), []).append(_cpu() - cpu)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def best(cmd: list[str], runs: int = 3) -> float:
    return min(timed(cmd) for _ in range(runs))


def large_pair(directory: Path, *, domains: int, tables: int, buckets: int, countries: int, per_country: int) -> None:
    # No US: long codes cannot send application-to-person SMS there (components/constraints.py), and the US types
    # that can (10DLC, toll-free) stay pending until a registration is approved, so they never count as capacity.
    codes = ["CA", "GB", "DE", "FR", "AU", "JP", "BR", "IN", "MX", "NL"][:countries]
    for name in ("Pulumi.primary.yaml", "Pulumi.secondary.yaml"):
        # Numbers are declared per stack, one entry per number (docs/configuration.md, SMS numbers): active and
        # pooled, as the generated pair had them before numbers moved out of pair.yaml.
        stack = yaml.safe_load((ROOT / name).read_text())
        stack["config"]["regionpair:requestedNumbers"] = [
            {"country": c, "type": "LONG_CODE", "status": "active"} for c in codes for _ in range(per_country)
        ]
        (directory / name).write_text(yaml.safe_dump(stack, sort_keys=False))
    decl = yaml.safe_load((ROOT / "pair.yaml").read_text())
    decl["email"]["domains"] = [f"d{i}.example.com" for i in range(domains)]
    decl["tables"] = [{"name": f"table-{i}", "hashKey": {"name": "pk", "type": "S"}} for i in range(tables)]
    decl["buckets"] = [{"name": f"bucket-{i}"} for i in range(buckets)]
    decl["cdn"]["bucket"] = "bucket-0"
    decl["sms"]["countries"] = {c: {"minimumNumbers": 2} for c in codes}
    (directory / "pair.yaml").write_text(yaml.safe_dump(decl, sort_keys=False))


def side_by_side(commands: dict[str, list[str]], runs: int = 5) -> dict[str, float]:
    """Best of `runs` for each command, taken in turns so a busy neighbour slows all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for cmd in commands.values():  # warm the OS file cache and __pycache__ once, untimed
        timed(cmd)
    for _ in range(runs):
        for name, cmd in commands.items():
            times[name].append(timed(cmd))
    return {name: min(values) for name, values in times.items()}


def main() -> None:
    check = [str(REGIONPAIR), "check", "--config-dir", str(ROOT)]
    load_before = os.getloadavg()[0]
    figures = side_by_side(
        {"bare": [sys.executable, "-c", USED_MODULES], "check": check, "preview": [*check, "--preview"]}
    )
    bare, example, preview = figures["bare"], figures["check"], figures["preview"]
    cpu = {name: min(CPU[" ".join(cmd)]) for name, cmd in
           {"bare": [sys.executable, "-c", USED_MODULES], "check": check, "preview": [*check, "--preview"]}.items()}
    print(f"CPU time (user+system, with the pack process): bare {cpu['bare']:.2f} s, check {cpu['check']:.2f} s "
          f"({cpu['check'] / cpu['bare']:.1f}x), preview {cpu['preview']:.2f} s ({cpu['preview'] / cpu['bare']:.1f}x)")
    # Wall time on a shared machine measures the neighbours too: say how busy it was (load per core).
    print(f"load average (1 min) {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores")
    if "PYTHONDONTWRITEBYTECODE" in os.environ:
        print("(PYTHONDONTWRITEBYTECODE is set here: timed with Python's default bytecode cache instead)")
    print(f"bare import of the pulumi modules used (pulumi, pulumi_policy, grpc, 11 pulumi_aws modules): {bare:6.2f} s")
    print(f"check, example pair (both stacks):                      {example:6.2f} s  ({example / bare:4.1f}x import)")
    print(f"check --preview, example pair (secondary run twice: as previewed and as deployed): {preview:6.2f} s  "
          f"({preview / bare:4.1f}x import)")
    if "--quick" in sys.argv:
        return
    with tempfile.TemporaryDirectory() as tmp:
        large_pair(Path(tmp), domains=100, tables=20, buckets=20, countries=10, per_country=4)
        large = best([str(REGIONPAIR), "check", "--config-dir", tmp], runs=1)
        large_pair(Path(tmp), domains=50, tables=10, buckets=10, countries=5, per_country=4)
        half = best([str(REGIONPAIR), "check", "--config-dir", tmp], runs=1)
    print(f"check, half-size generated pair:                        {half:6.2f} s  ({half / bare:4.1f}x import)")
    print(f"check, large pair (100 domains, 20 tables, 20 buckets, 10x4 numbers): {large:6.2f} s "
          f"({large / bare:4.1f}x import)")
    print(f"growth large/half-size: {large / half:4.2f} (linear: 2.0 plus a fixed start-up share)")


if __name__ == "__main__":
    main()
