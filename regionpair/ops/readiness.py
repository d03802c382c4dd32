"""Can the standby really send? The account facts no resource holds, read per region and judged.

The disaster-tolerance patterns article's classic failure: "Moving out of the SES sandbox and setting sending
limits must be done for each region (via a support ticket) you plan to send from", and a high-volume sender that
suddenly ramps up traffic from an alternate region's IPs gets throttled. None of it is a resource a stack creates,
so nothing in `pulumi up` or the policy pack sees it. This module reads, per region (read-only calls):

- SES (`GetAccount`): production access (out of the sandbox), sending enabled, the account's enforcement status,
  the 24-hour quota and maximum send rate against `email.failoverVolume`;
- SES dedicated IPs (`GetDedicatedIpPool`, `GetDedicatedIps`): each declared pool, its scaling mode and its IPs'
  warm-up (status and percentage);
- End User Messaging SMS (`DescribeAccountAttributes`, `DescribeSpendLimits`, `DescribePhoneNumbers`): the account
  tier (sandbox or production), the monthly text-message spend limit against `sms.monthlySpendUsd` (a new
  account's limit is 1 USD), and per country the throughput of the ACTIVE, pooled numbers against
  `sms.countries.<CC>.failoverVolumeMps`.

Which regions must carry the failover volume: the secondary in a warm-standby pair, both in an active-active pair
(each must carry the other's traffic). A check of such a region that fails, or that could not be read (the
region's API answering 503, refusing connections, no permission), makes the pair not ready: in the outage only
what is known about the standby can be relied on. Every check is read on its own; one failing call hides no other.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from regionpair.components.declaration import Pair, Role, Strategy
from regionpair.components.sms_throughput import mps
from regionpair.ops.errors import AWS_ERRORS, reason
from regionpair.sending.warmth import read_pool

OK, NOT_READY, UNKNOWN, WARN, INFO = "ok", "not-ready", "unknown", "warn", "info"
DEFAULT_SMS_SPEND_USD = 1.0
"""A new account's monthly SMS spend limit (AWS End User Messaging SMS User Guide, spending quota)."""
TEXT_SPEND = "TEXT_MESSAGE_MONTHLY_SPEND_LIMIT"


@dataclass(frozen=True)
class Check:
    """One judged fact of one region."""

    region: str
    role: str
    check: str
    status: str
    """ok, not-ready, unknown (could not be read), warn (sends, but not as it should), info (nothing to judge)."""
    value: Any
    needed: Any
    detail: str
    carries_failover: bool
    """Whether this region must carry the failover volume (its not-ready or unknown checks fail readiness)."""

    @property
    def blocking(self) -> bool:
        """Whether this check makes the pair not ready."""
        return self.carries_failover and self.status in (NOT_READY, UNKNOWN)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, camelCase like the manifests."""
        d = asdict(self)
        d["carriesFailover"] = d.pop("carries_failover")
        d["blocking"] = self.blocking
        return d


@dataclass(frozen=True)
class Readiness:
    """Every check of both regions."""

    checks: list[Check]

    @property
    def ready(self) -> bool:
        """The regions that must carry the failover volume can."""
        return not any(c.blocking for c in self.checks)

    @property
    def blockers(self) -> list[Check]:
        """What makes the pair not ready."""
        return [c for c in self.checks if c.blocking]

    def as_dict(self) -> dict[str, Any]:
        """`{"ready": ..., "blockers": [...], "checks": [...]}`."""
        return {"ready": self.ready, "blockers": [c.as_dict() for c in self.blockers],
                "checks": [c.as_dict() for c in self.checks]}  # fmt: skip


def carriers(pair: Pair) -> set[Role]:
    """The roles whose region must carry the failover volume."""
    return set(Role) if pair.shared.strategy is Strategy.ACTIVE_ACTIVE else {Role.SECONDARY}


class _Region:
    """Collects the checks of one region."""

    def __init__(self, pair: Pair, role: Role) -> None:
        self.region, self.role = pair.half(role).region, role
        self.carries = role in carriers(pair)
        self.checks: list[Check] = []

    def add(self, check: str, status: str, value: Any, needed: Any, detail: str) -> None:
        self.checks.append(Check(self.region, self.role.value, check, status, value, needed, detail, self.carries))

    def unreadable(self, check: str, err: BaseException, what: str) -> None:
        self.add(check, UNKNOWN, None, None, f"{what} could not be read in {self.region}: {reason(err)}; readiness "
                 "cannot be confirmed (check the region's health and the ses:GetAccount / sms-voice:Describe* "
                 "permissions, then rerun)")  # fmt: skip


# ---------------------------------------------------------------------------------------------------- SES
def _ses(into: _Region, sesv2: Any, pair: Pair) -> None:
    email = pair.shared.email
    if email is None:
        return
    try:
        account = sesv2.get_account()
    except AWS_ERRORS as err:
        into.unreadable("ses account", err, "The SES account (GetAccount)")
        return
    region = into.region
    production = bool(account.get("ProductionAccessEnabled"))
    into.add("ses production access", OK if production else NOT_READY, production, True,
             "out of the SES sandbox" if production else f"{region} is in the SES sandbox: it sends only to verified "
             f"addresses, at most 200 a day; request production access for {region} (SES console, Account "
             "dashboard), a support case per region")  # fmt: skip
    sending = bool(account.get("SendingEnabled"))
    into.add("ses sending enabled", OK if sending else NOT_READY, sending, True,
             "sending enabled" if sending else f"sending is paused for the account in {region}; resume it "
             "(PutAccountSendingAttributes) once the cause is fixed")  # fmt: skip
    enforcement = account.get("EnforcementStatus")
    status = {"HEALTHY": OK, "PROBATION": WARN, "SHUTDOWN": NOT_READY}.get(str(enforcement), INFO)
    into.add("ses reputation", status, enforcement, "HEALTHY",
             f"account enforcement status {enforcement} in {region}")  # fmt: skip
    quota = account.get("SendQuota") or {}
    volume = email.failover_volume
    day, rate = quota.get("Max24HourSend"), quota.get("MaxSendRate")
    if volume is None:
        into.add("ses quota", INFO, {"max24HourSend": day, "maxSendRate": rate}, None,
                 "declare email.failoverVolume to judge the quota against what a failover sends")  # fmt: skip
        return
    unlimited = day is not None and float(day) < 0  # -1: unlimited
    enough_day = unlimited or (day is not None and float(day) >= volume.messages_per_day)
    into.add("ses 24-hour quota", OK if enough_day else NOT_READY, day, volume.messages_per_day,
             f"{day if not unlimited else 'unlimited'} emails per 24 hours in {region}" + (
                 "" if enough_day else f", fewer than the failover volume {volume.messages_per_day}; request a "
                 f"sending quota increase for {region} (Service Quotas, SES 'Sending quota')"))  # fmt: skip
    enough_rate = rate is not None and float(rate) >= volume.messages_per_second
    into.add("ses send rate", OK if enough_rate else NOT_READY, rate, volume.messages_per_second,
             f"{rate} emails per second in {region}" + ("" if enough_rate else
             f", less than the failover peak {volume.messages_per_second:g}/s; request a maximum send rate increase "
             f"for {region}"))  # fmt: skip


def dedicated_ip_pools(sesv2: Any, pair: Pair) -> list[dict[str, Any]]:
    """Each declared pool as SES reports it in the client's region: mode and IPs with their warm-up.

    `{"name", "poolName", "exists", "scalingMode", "ips": [{"ip", "warmupStatus", "warmupPercentage"}]}`; raises
    the AWS error of a call that failed (a missing pool is `exists: False`).
    """
    email = pair.shared.email
    out = []
    for decl in email.dedicated_ip_pools if email else []:
        name = pair.physical_name(decl.name)  # components/dedicated_ips.py pool_name (no pulumi_aws here)
        try:
            pool = read_pool(sesv2, "", name)
        except AWS_ERRORS as err:
            if getattr(err, "response", {}).get("Error", {}).get("Code") == "NotFoundException":
                out.append({"name": decl.name, "poolName": name, "exists": False, "scalingMode": None, "ips": []})
                continue
            raise
        out.append({"name": decl.name, "poolName": name, "exists": True, "scalingMode": pool.scaling_mode,
                    "ips": pool.ips})  # fmt: skip
    return out


def _dedicated_ips(into: _Region, sesv2: Any, pair: Pair) -> None:
    email = pair.shared.email
    if email is None or not email.dedicated_ip_pools:
        return
    try:
        pools = dedicated_ip_pools(sesv2, pair)
    except AWS_ERRORS as err:
        into.unreadable("ses dedicated ips", err, "The dedicated IP pools (GetDedicatedIpPool, GetDedicatedIps)")
        return
    used = {cs.sending_pool for cs in email.configuration_sets if cs.sending_pool}
    for pool in pools:
        check = f"dedicated ips {pool['name']}"
        if not pool["exists"]:
            status = NOT_READY if pool["name"] in used else WARN
            into.add(check, status, None, "exists", f"no dedicated IP pool {pool['poolName']} in {into.region}: its "
                     "configuration sets cannot send there; deploy the stack of this region")  # fmt: skip
            continue
        warming = [i for i in pool["ips"] if i["warmupStatus"] == "IN_PROGRESS"]
        summary = ", ".join(f"{i['ip']} {i['warmupStatus']} {i['warmupPercentage']}%" for i in pool["ips"])
        if pool["scalingMode"] == "STANDARD" and not pool["ips"]:
            into.add(check, NOT_READY if pool["name"] in used else WARN, [], "leased IPs",
                     f"standard pool {pool['poolName']} in {into.region} holds no IPs: its sets have nothing to send "
                     "from; lease IPs and list them under regionpair:dedicatedIps")  # fmt: skip
        elif warming:
            lowest = min(float(i["warmupPercentage"]) for i in warming)
            into.add(check, WARN, pool["ips"], "DONE",
                     f"{pool['poolName']} in {into.region} is still warming (lowest {lowest:g}%: {summary}); SES sends "
                     "what the IPs are not ready for through shared IPs meanwhile. Keep sending through this region "
                     "every day (active-active) or its IPs stay cold")  # fmt: skip
        else:
            managed = "IPs managed by SES (warm-up automatic, from this pool's own traffic)"
            detail = f"{pool['poolName']} in {into.region}: {pool['scalingMode']}, {summary or managed}"
            into.add(check, OK, pool["ips"], "DONE", detail)


# ---------------------------------------------------------------------------------------------------- SMS
def _sms(into: _Region, sms: Any, pair: Pair) -> None:
    decl = pair.shared.sms
    if decl is None:
        return
    needs_volume = any(c.failover_volume_mps > 0 for c in decl.countries.values())
    try:
        attributes = [a for page in sms.get_paginator("describe_account_attributes").paginate()
                      for a in page.get("AccountAttributes", [])]  # fmt: skip
        tier = next((a["Value"] for a in attributes if a["Name"] == "ACCOUNT_TIER"), None)
        sandboxed = str(tier).upper().startswith("SANDBOX")
        into.add("sms account tier", NOT_READY if sandboxed and needs_volume else OK, tier, "PRODUCTION",
                 f"End User Messaging SMS account tier {tier} in {into.region}" + (
                     "; the SMS sandbox sends only to verified destination numbers: request production access "
                     f"for {into.region}" if sandboxed else ""))  # fmt: skip
    except AWS_ERRORS as err:
        into.unreadable("sms account tier", err, "The SMS account tier (DescribeAccountAttributes)")
    try:
        limits = [s for page in sms.get_paginator("describe_spend_limits").paginate()
                  for s in page.get("SpendLimits", [])]  # fmt: skip
        text = next((s for s in limits if s["Name"] == TEXT_SPEND), None)
        enforced = float(text["EnforcedLimit"]) if text else None
        needed = decl.monthly_spend_usd
        if needed is not None:
            status = OK if enforced is not None and enforced >= needed else NOT_READY
        else:
            status = NOT_READY if needs_volume and (enforced or 0) <= DEFAULT_SMS_SPEND_USD else OK
        into.add("sms spend limit", status, enforced, needed or f"> {DEFAULT_SMS_SPEND_USD:g}",
                 f"monthly text-message spend limit {enforced} USD in {into.region}" + (
                     "" if status == OK else f"; a failover would stop sending when it is reached: request a "
                     f"spending quota increase for {into.region} (and set sms.monthlySpendUsd to what a failover "
                     "costs)"))  # fmt: skip
    except AWS_ERRORS as err:
        into.unreadable("sms spend limit", err, "The SMS spend limits (DescribeSpendLimits)")
    if not decl.countries:
        return
    try:
        numbers = [n for page in sms.get_paginator("describe_phone_numbers").paginate()
                   for n in page.get("PhoneNumbers", [])]  # fmt: skip
    except AWS_ERRORS as err:
        into.unreadable("sms throughput", err, "The SMS numbers (DescribePhoneNumbers)")
        return
    for country, need in sorted(decl.countries.items()):
        live = [n for n in numbers if n.get("IsoCountryCode") == country and n.get("Status") == "ACTIVE"
                and n.get("PoolId") and n.get("NumberType") != "SIMULATOR"]  # fmt: skip
        capacity = sum(mps(n["NumberType"], country) for n in live)
        volume = need.failover_volume_mps
        status = INFO if volume <= 0 else (OK if capacity >= volume else NOT_READY)
        terms = " + ".join(f"{n['NumberType']} {mps(n['NumberType'], country):g}" for n in live) or "none"
        into.add(f"sms throughput {country}", status, capacity, volume,
                 f"{capacity:g} msg/s to {country} from active pooled numbers in {into.region} ({terms})" + (
                     "" if status != NOT_READY else f", less than the failover volume {volume:g} msg/s: add numbers "
                     "of a faster type (a short code, or 10DLC/toll-free numbers registered for throughput)"))


# ------------------------------------------------------------------------------------------------ the pair
def region_checks(clients: Any, pair: Pair, role: Role) -> list[Check]:
    """Every check of `role`'s region."""
    into = _Region(pair, role)
    if pair.shared.email is not None:
        sesv2 = clients.get("sesv2", into.region)
        _ses(into, sesv2, pair)
        _dedicated_ips(into, sesv2, pair)
    if pair.shared.sms is not None:
        _sms(into, clients.get("pinpoint-sms-voice-v2", into.region), pair)
    return into.checks


def readiness(clients: Any, pair: Pair) -> Readiness:
    """Both regions' checks; `ready` when the regions that must carry the failover volume can."""
    return Readiness([c for role in (Role.SECONDARY, Role.PRIMARY) for c in region_checks(clients, pair, role)])


def status_fields(clients: Any, pair: Pair) -> dict[str, Any]:
    """`regionpair status`'s messaging section: per region, each check as `status: detail`."""
    out: dict[str, Any] = {}
    for role in Role:
        checks = region_checks(clients, pair, role)
        out[role.value] = {"region": pair.half(role).region, **{c.check: f"{c.status}: {c.detail}" for c in checks}}
    return out
