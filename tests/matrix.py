"""The corners of the declaration a user will hit, as pair directories the constraint-checking mocks can run.

Shared by tests/test_matrix.py (every corner must pass) and bench/count_violations.py (counts per corner).
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from regionpair.mockcloud import CloudMocks
from regionpair.simulate import PairRun, simulate_stack

ROOT = Path(__file__).resolve().parent.parent
LONGEST = 32
"""The longest name `name`/bucket/table names validation accepts (components/declaration/base.py `_NAME_RE`)."""


def long_name(prefix: str, n: int = LONGEST) -> str:
    """A valid resource name of exactly `n` characters."""
    return (prefix + "-" + "x" * n)[: n - 1] + "z"


@dataclass(frozen=True)
class Corner:
    """One declaration: a name and edits applied to a copy of the example pair."""

    name: str
    edit: Callable[[dict[str, Any], dict[str, Any], dict[str, Any]], None]
    """Mutates (pair.yaml, Pulumi.primary.yaml config, Pulumi.secondary.yaml config) in place."""
    active_numbers: frozenset[str] = frozenset()
    """Numbers (resource names) the account already holds ACTIVE: the corner models a later `pulumi up`."""


def _regions(primary: dict[str, Any], secondary: dict[str, Any], p: str, s: str) -> None:
    for cfg, region in ((primary, p), (secondary, s)):
        cfg["aws:region"] = cfg["regionpair:region"] = region
        cfg["regionpair:certificateArn"] = cfg["regionpair:certificateArn"].replace(
            cfg["regionpair:certificateArn"].split(":")[3], region
        )
        for num in cfg.get("regionpair:existingNumbers") or []:
            num["arn"] = num["arn"].replace(num["arn"].split(":")[3], region)


def _long(shared: dict[str, Any], primary: dict[str, Any], secondary: dict[str, Any]) -> None:
    shared["name"] = long_name("pair")
    shared["buckets"][0]["name"] = long_name("bucket")
    shared["cdn"]["bucket"] = long_name("bucket")
    shared["cdn"]["api"] = {"pathPattern": "/api/*", "forwardAuthorization": True}
    shared["tables"][0]["name"] = long_name("table")
    shared["appState"]["table"] = long_name("state")
    shared["email"]["configurationSets"][0]["name"] = long_name("set")
    shared["email"]["replicateEvents"] = True
    shared["email"]["configurationSets"][0]["events"] = ["SEND", "BOUNCE", "COMPLAINT", "DELIVERY_DELAY"]
    shared["api"]["stageName"] = long_name("stage")
    shared["sms"]["optOutList"] = long_name("opt-outs")
    _regions(primary, secondary, "ap-southeast-2", "ap-northeast-1")


def _long_latency(shared: dict[str, Any], primary: dict[str, Any], secondary: dict[str, Any]) -> None:
    _long(shared, primary, secondary)
    shared["routing"]["mode"] = "latency"
    shared["strategy"] = "active-active"
    shared.pop("cdn")
    shared["email"]["replicateEvents"] = False
    _regions(primary, secondary, "ap-northeast-1", "ap-southeast-2")


def _region_switch_long(shared: dict[str, Any], primary: dict[str, Any], secondary: dict[str, Any]) -> None:
    """The longest names in region-switch mode: the routing section of docs/examples/pair-region-switch.yaml."""
    _long(shared, primary, secondary)
    variant = yaml.safe_load((ROOT / "docs" / "examples" / "pair-region-switch.yaml").read_text())
    shared["routing"] = variant["routing"]
    shared["routing"]["regionSwitch"]["planName"] = long_name("plan")  # the default would pass ARC's 32


def _automatic_with_resilience_hub(shared: dict[str, Any], primary: dict[str, Any], secondary: dict[str, Any]) -> None:
    """The longest names in region-switch mode, started by triggers, registered in Resilience Hub."""
    _region_switch_long(shared, primary, secondary)
    shared["routing"]["regionSwitch"]["triggers"] = {"minDelayMinutes": 60, "failback": True}
    shared["resilienceHub"] = {}


def _number_types(shared: dict[str, Any], primary: dict[str, Any], secondary: dict[str, Any]) -> None:
    """Every requestable type in each half, at each stage of its lifecycle (pending ones are not pooled)."""
    # GB at the pack's floor (sms-number-minimum's minimumNumbers, 2 by default): two long codes per region.
    shared["sms"]["countries"] = {"US": {"minimumNumbers": 2}, "GB": {"minimumNumbers": 2}}
    shared["sms"]["senderIds"] = [{"country": "GB", "senderId": "NOTIFY"}]
    for tag, cfg in (("a", primary), ("b", secondary)):
        cfg["regionpair:requestedNumbers"] = [
            {"name": "us-tf", "country": "US", "type": "TOLL_FREE", "status": "pending",
             "registrationId": f"registration-{tag * 32}"},
            {"name": "us-10dlc", "country": "US", "type": "TEN_DLC", "status": "pending",
             "registrationId": f"registration-{tag * 31}c"},
            {"name": "us-sim", "country": "US", "type": "SIMULATOR"},
            {"name": "gb-long", "country": "GB", "type": "LONG_CODE", "status": "active"},
            {"name": "gb-long-2", "country": "GB", "type": "LONG_CODE", "status": "active"},
        ]  # fmt: skip
        cfg["regionpair:existingNumbers"][0]["type"] = "SHORT_CODE"


def _number_types_10dlc_active(shared: dict[str, Any], primary: dict[str, Any], secondary: dict[str, Any]) -> None:
    _number_types(shared, primary, secondary)
    for cfg in (primary, secondary):
        cfg["regionpair:requestedNumbers"][1]["status"] = "active"


def _messaging(shared: dict[str, Any], primary: dict[str, Any], secondary: dict[str, Any]) -> None:
    """docs/examples/messaging: dedicated IP pools (managed, standard with leased IPs), the event archive."""
    where = ROOT / "docs" / "examples" / "messaging"
    for into, name in ((shared, "pair.yaml"), (primary, "Pulumi.primary.yaml"), (secondary, "Pulumi.secondary.yaml")):
        data = yaml.safe_load((where / name).read_text())
        into.clear()
        into.update(data if name == "pair.yaml" else data["config"])


def _messaging_long(shared: dict[str, Any], primary: dict[str, Any], secondary: dict[str, Any]) -> None:
    _messaging(shared, primary, secondary)
    _long(shared, primary, secondary)
    shared["email"]["configurationSets"][1]["name"] = long_name("bulk")
    shared["email"]["eventArchive"]["bucket"] = long_name("events")


def _minimal(shared: dict[str, Any], primary: dict[str, Any], secondary: dict[str, Any]) -> None:
    for key in ("cdn", "signals", "sms"):
        shared.pop(key, None)
    shared["email"]["multiRegionEndpoint"] = False
    shared["email"]["configurationSets"] = []
    for cfg in (primary, secondary):  # numbers without sms are refused by the declaration
        cfg.pop("regionpair:existingNumbers", None)
        cfg.pop("regionpair:requestedNumbers", None)


def _global_endpoint(shared: dict[str, Any], primary: dict[str, Any], secondary: dict[str, Any]) -> None:
    """SES Global endpoints with DEED replicas (docs/examples/pair-global-endpoint.yaml), with the longest names."""
    _long(shared, primary, secondary)
    shared["strategy"] = "active-active"
    shared["email"].update(dkimMode="deed", multiRegionEndpoint=True)
def _function_settings(shared: dict[str, Any], primary: dict[str, Any], secondary: dict[str, Any]) -> None:
    """The function's own settings at their limits: five layers (regional ARNs), reserved concurrency, arm64."""
    shared["api"]["lambda"].update(
        architecture="arm64", reservedConcurrency=100, memoryMb=10_240, timeoutSeconds=29,
        environment={"LOG_LEVEL": "info"},
        layers=[f"arn:aws:lambda:{{region}}:123456789012:layer:dep-{i}:{i + 1}" for i in range(5)],
    )  # fmt: skip
    secondary["regionpair:lambda"] = {"environment": {"LOG_LEVEL": "debug"}}


def _identity(shared: dict[str, Any], primary: dict[str, Any], secondary: dict[str, Any]) -> None:
    """The user pool pair (docs/examples/pair-identity.yaml) with the longest names, a custom domain, in ap-*."""
    _long(shared, primary, secondary)
    _regions(primary, secondary, "ap-southeast-2", "ap-northeast-1")
    variant = yaml.safe_load((ROOT / "docs" / "examples" / "pair-identity.yaml").read_text())
    shared["identity"] = variant["identity"]
    shared["identity"]["email"].pop("configurationSet", None)  # _long declares no configuration set
    shared["identity"]["pool"] = long_name("pool")
    shared["identity"]["clients"][0]["name"] = long_name("client")
    shared["identity"]["domainPrefix"] = "p" * 63
    shared["identity"]["customDomain"] = {
        "subdomain": "login", "certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abcdef01-2345"}


CORNERS: tuple[Corner, ...] = (
    Corner("example", lambda s, p, q: None),
    Corner("longest-names-ap-failover-cdn-events", _long),
    Corner("longest-names-ap-latency-no-cdn", _long_latency),
    Corner("longest-names-ap-region-switch", _region_switch_long),
    Corner("longest-names-ap-region-switch-triggers-resilience-hub", _automatic_with_resilience_hub),
    Corner("every-number-type", _number_types),
    # The same pair at its second `pulumi up`, once the 10DLC registration is approved and the number flipped to
    # active: it is pooled now, and the account holds it ACTIVE.
    Corner("every-number-type-10dlc-active", _number_types_10dlc_active, frozenset({"notify-sms-us-10dlc"})),
    Corner("no-cdn-no-signals-no-sms", _minimal),
    Corner("messaging-dedicated-ips-event-archive", _messaging),
    Corner("messaging-longest-names-ap", _messaging_long),
    Corner("longest-names-ap-global-endpoint-deed", _global_endpoint),
    Corner("function-settings-at-their-limits", _function_settings),
    Corner("identity-longest-names-ap-custom-domain", _identity),
)


def write_corner(corner: Corner, where: Path) -> Path:
    """Copy the example pair into `where` with the corner's edits applied."""
    files = ("pair.yaml", "Pulumi.primary.yaml", "Pulumi.secondary.yaml")
    data = {f: yaml.safe_load((ROOT / f).read_text()) for f in files}
    shared, primary, secondary = (copy.deepcopy(data[f]) for f in files)
    corner.edit(shared, primary["config"], secondary["config"])
    where.mkdir(parents=True, exist_ok=True)
    for name, content in zip(files, (shared, primary, secondary), strict=True):
        (where / name).write_text(yaml.safe_dump(content, sort_keys=False))
    if (ROOT / "Pulumi.yaml").exists():
        shutil.copy(ROOT / "Pulumi.yaml", where / "Pulumi.yaml")
    return where


def run_counting(config_dir: Path, active_numbers: frozenset[str] = frozenset()) -> tuple[PairRun, list[Any]]:
    """Both halves under mocks that record every violation without raising; (run, violations)."""
    secondary_mocks = CloudMocks(strict=False, active_numbers=active_numbers)
    secondary = simulate_stack("secondary", config_dir=config_dir, mocks=secondary_mocks)
    peer = {"secondary": secondary.outputs}
    primary_mocks = CloudMocks(peer_outputs=peer, strict=False, active_numbers=active_numbers)
    primary = simulate_stack("primary", config_dir=config_dir, mocks=primary_mocks)
    return PairRun(secondary=secondary, primary=primary), secondary_mocks.violations + primary_mocks.violations
