"""Keep both regions' dedicated IPs warm in an active-active split, and say when a pool is still warming.

The Pinpoint and SES multi-region guide: ISPs expect "predictable and consistent" sending from a dedicated IP,
auto warm-up takes 30-45 days, and meanwhile "any additional volume that the IP wasn't ready for yet is sent via
Shared IPs"; hence active-active for dedicated-IP senders. A split that gives a region no traffic (or a trickle)
lets its IPs go cold, which is the warm-standby failure again. So:

- `warm_split(weights, minimum_share)`: the active-active weights with every region given at least
  `minimum_share` of the traffic (default 0.2), renormalised. A weight of 0 for a region is refused: use warm
  standby (and accept cold IPs) instead of an active-active split that starves a pool.
- `read_pool(sesv2, pool)`: a pool's scaling mode and its IPs' warm-up, from SES (`GetDedicatedIpPool`,
  `GetDedicatedIps`).
- `warmth_notes(pools, shares)`: one line per pool still warming, or sent too little, for the caller's logs.

`ResilientSender(..., pools=...)` uses these: its active-active order draws from `warm_split`, and
`ResilientSender.notes()` returns the lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_MINIMUM_SHARE = 0.2
"""Each region's least share of an active-active split: enough steady traffic for its pools to stay warm."""


@dataclass(frozen=True)
class PoolWarmth:
    """One pool in one region, as SES reports it."""

    region: str
    pool: str
    scaling_mode: str | None
    ips: list[dict[str, Any]] = field(default_factory=list)
    """`{"ip", "warmupStatus", "warmupPercentage"}` per IP (managed pools: NOT_APPLICABLE, SES warms them)."""

    @property
    def warming(self) -> list[dict[str, Any]]:
        """The IPs whose warm-up is still in progress."""
        return [i for i in self.ips if i.get("warmupStatus") == "IN_PROGRESS"]

    @property
    def lowest_percentage(self) -> float | None:
        """The least warm-up percentage of the warming IPs (None when none is warming)."""
        return min((float(i["warmupPercentage"]) for i in self.warming), default=None)


def read_pool(sesv2: Any, region: str, pool: str) -> PoolWarmth:
    """Read one pool's mode and its IPs' warm-up (GetDedicatedIps has no paginator: NextToken by hand)."""
    mode = sesv2.get_dedicated_ip_pool(PoolName=pool)["DedicatedIpPool"].get("ScalingMode")
    ips: list[dict[str, Any]] = []
    token = None
    while True:
        page = sesv2.get_dedicated_ips(PoolName=pool, **({"NextToken": token} if token else {}))
        ips += [{"ip": i["Ip"], "warmupStatus": i["WarmupStatus"], "warmupPercentage": i["WarmupPercentage"]}
                for i in page.get("DedicatedIps", [])]  # fmt: skip
        token = page.get("NextToken")
        if not token:
            return PoolWarmth(region, pool, mode, ips)


def warm_split(
    weights: Mapping[str, float], regions: list[str], minimum_share: float = DEFAULT_MINIMUM_SHARE
) -> dict[str, float]:
    """Shares of an active-active split (summing to 1) in which every region gets at least `minimum_share`."""
    if not 0 <= minimum_share * len(regions) <= 1:
        raise ValueError(f"minimum_share {minimum_share} for {len(regions)} regions: at most {1 / len(regions):g}")
    raw = {r: float(weights.get(r, 1.0)) for r in regions}
    starved = [r for r, w in raw.items() if w <= 0]
    if starved:
        raise ValueError(
            f"weight 0 for {', '.join(starved)}: its dedicated IPs would get no traffic and go cold; give every "
            "region a share (active-active), or use Mode.WARM_STANDBY and accept cold IPs at failover"
        )
    total = sum(raw.values())
    shares = {r: w / total for r, w in raw.items()}
    low = {r for r, s in shares.items() if s < minimum_share}
    if not low:
        return shares
    rest = sum(s for r, s in shares.items() if r not in low)
    spare = 1 - minimum_share * len(low)
    return {r: minimum_share if r in low else shares[r] / rest * spare for r in regions}


def warmth_notes(pools: list[PoolWarmth], shares: Mapping[str, float] | None = None) -> list[str]:
    """One line per pool still warming (SES sends the excess through shared IPs meanwhile)."""
    notes = []
    for p in pools:
        lowest = p.lowest_percentage
        share = f"; its region takes {shares[p.region]:.0%} of the split: keep it steady" if shares and (
            p.region in shares) else ""  # fmt: skip
        if lowest is not None:
            notes.append(f"dedicated IP pool {p.pool} in {p.region} is still warming ({len(p.warming)} IP(s), "
                         f"lowest {lowest:g}%): SES sends what its IPs are not ready for through shared IPs{share}")
        elif p.scaling_mode == "STANDARD" and not p.ips:
            notes.append(f"dedicated IP pool {p.pool} in {p.region} holds no IPs: its sets cannot send there")
    return notes
