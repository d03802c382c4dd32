"""What an operator's command needs to know about the pair, derived from the declaration (no lookups)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from components.app_state import KEY_ATTRIBUTE
from components.declaration import Pair, Role, load_pair
from components.routing import STOP_DIMENSION, stop_alarm_name
from regionpair.simulate import stack_config


@dataclass(frozen=True)
class PairContext:
    """Names and regions of the live pair, as the program deploys them."""

    pair: Pair

    @property
    def primary_region(self) -> str:
        """Region of the primary half."""
        return self.pair.primary.region

    @property
    def standby_region(self) -> str:
        """Region of the secondary half, where the STOP alarm lives."""
        return self.pair.secondary.region

    @property
    def alarm_name(self) -> str:
        """The STOP alarm (in the standby region)."""
        return stop_alarm_name(self.pair)

    @property
    def namespace(self) -> str:
        """The STOP metric's namespace."""
        return self.pair.shared.routing.stop.namespace

    @property
    def metric_name(self) -> str:
        """The STOP metric's name."""
        return self.pair.shared.routing.stop.metric_name

    @property
    def dimensions(self) -> list[dict[str, str]]:
        """The STOP metric's dimensions, in CloudWatch's shape."""
        return [{"Name": STOP_DIMENSION, "Value": self.pair.shared.name}]

    @property
    def state_table(self) -> str | None:
        """The app-state global table."""
        s = self.pair.shared.app_state
        return self.pair.physical_name(s.table) if s else None

    @property
    def state_key(self) -> dict[str, dict[str, str]]:
        """The app-state item's key."""
        s = self.pair.shared.app_state
        return {KEY_ATTRIBUTE: {"S": s.app_id if s else "default"}}

    @property
    def api_domain(self) -> str | None:
        """The failover name of the API."""
        return self.pair.shared.api.domain_name if self.pair.shared.api else None

    @property
    def hosted_zone_id(self) -> str:
        """The zone holding the failover records."""
        return self.pair.shared.dns.hosted_zone_id

    def region_of(self, role: Role) -> str:
        """Region of a role."""
        return self.pair.half(role).region


def load_context(config_dir: Path, stack: str = "primary") -> PairContext:
    """Load the declaration the way the program does (raises `DeclarationError` naming the key)."""
    return PairContext(load_pair(config_dir, stack_config(config_dir, stack), stack))
