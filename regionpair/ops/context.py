"""What an operator's command needs to know about the pair, derived from the declaration (no lookups)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from regionpair.components.declaration import DeclarationError, Pair, Role
from regionpair.components.loader import load_pair, read_stack_file
from regionpair.components.routing_model import STOP_DIMENSION, stop_alarm_name
from regionpair.components.stacks import StackPair, select_pair
from regionpair.components.state_model import KEY_ATTRIBUTE

STATE_DIR_NAME = ".regionpair"
"""Per-pair local state, next to the declaration: audit log, sync checkpoints, drill progress."""


@dataclass(frozen=True)
class PairContext:
    """Names and regions of the live pair, as the program deploys them."""

    pair: Pair
    config_dir: Path = Path(".")
    stacks: StackPair = field(default_factory=lambda: StackPair(primary="primary", secondary="secondary"))
    """The pair's two stack names (as in `Pulumi.<stack>.yaml`), for messages that say what to run."""

    @property
    def state_dir(self) -> Path:
        """`<config dir>/.regionpair/<primary stack>/`: one place per pair, whatever directory a command runs from.

        Keyed by the primary's stack name (unique in a project): a project holding a prod and a staging pair,
        possibly from one pair.yaml in two accounts, must not share an audit log, sync checkpoints (a staging
        sync would skip what prod's interrupted run wrote) or a drill's resume point.
        """
        return self.config_dir / STATE_DIR_NAME / self.stacks.primary

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


def load_context(config_dir: Path, stacks: str | list[str] | None = None) -> PairContext:
    """Load the pair the way the program does (raises `DeclarationError` naming the key).

    `stacks` (the `--stack` options): one stack of the pair or both; without, the project's only pair. The
    project may name its stacks as it likes and hold several pairs (`components/stacks.py`). Broken YAML in a
    stack file is a `DeclarationError` naming the file, its line and column, like a broken `pair.yaml`.
    """
    config_dir = config_dir.resolve()
    chosen = [stacks] if isinstance(stacks, str) else stacks
    names = select_pair(config_dir, chosen)
    pair = load_pair(config_dir, read_stack_file(config_dir, names.primary), names.primary)
    return PairContext(pair, config_dir, names)
