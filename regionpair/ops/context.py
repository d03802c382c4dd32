"""What an operator's command needs to know about the pair, derived from the declaration (no lookups)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from regionpair.components.declaration import DeclarationError, Pair, Role
from regionpair.components.loader import load_pair, read_stack_file
from regionpair.components.routing_model import STOP_DIMENSION, stop_alarm_name
from regionpair.components.state_model import KEY_ATTRIBUTE

STATE_DIR_NAME = ".regionpair"
"""Per-pair local state, next to the declaration: audit log, sync checkpoints, drill progress."""


@dataclass(frozen=True)
class PairContext:
    """Names and regions of the live pair, as the program deploys them."""

    pair: Pair
    config_dir: Path = Path(".")

    @property
    def state_dir(self) -> Path:
        """`<config dir>/.regionpair/`: one place per pair, whatever directory a command runs from."""
        return self.config_dir / STATE_DIR_NAME

    @property
    def audit_log(self) -> Path:
        """The pair's audit log (JSON lines)."""
        return self.state_dir / "audit.log"

    @property
    def regions(self) -> tuple[str, str]:
        """The pair's two regions, primary first."""
        return self.primary_region, self.standby_region

    def check_region(self, region: str | None, default: str) -> str:
        """`--region` must be one of the pair's regions (a typo would read or write an unrelated table)."""
        if region is None:
            return default
        if region not in self.regions:
            choices = " or ".join(self.regions)
            name = self.pair.shared.name
            raise DeclarationError("--region", f"{region} is not a region of pair {name}; use {choices}")
        return region

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
    """Load the declaration the way the program does (raises `DeclarationError` naming the key).

    Broken YAML in a stack file is a `DeclarationError` naming the file, like a broken `pair.yaml`.
    """
    config_dir = config_dir.resolve()
    return PairContext(load_pair(config_dir, read_stack_file(config_dir, stack), stack), config_dir)
