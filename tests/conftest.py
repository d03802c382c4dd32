"""Shared fixtures: the example pair run under Pulumi's mock runtime, once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from regionpair.simulate import PairRun, simulate_pair

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def pair_run() -> PairRun:
    """The repository's example pair: secondary first, then primary reading it through a StackReference."""
    return simulate_pair(ROOT)


@pytest.fixture(scope="session")
def primary(pair_run: PairRun):
    return pair_run.primary


@pytest.fixture(scope="session")
def secondary(pair_run: PairRun):
    return pair_run.secondary


class PairCopy:
    """A copy of the example pair's declaration files in a temp dir, editable as YAML."""

    FILES = ("pair.yaml", "Pulumi.primary.yaml", "Pulumi.secondary.yaml")

    def __init__(self, path: Path) -> None:
        import shutil

        self.path = path
        for name in self.FILES:
            shutil.copy(ROOT / name, path / name)

    def edit(self, name: str, mutate) -> PairCopy:
        """Load `name`, call `mutate(data)` (in place), write it back."""
        import yaml

        file = self.path / name
        data = yaml.safe_load(file.read_text())
        mutate(data)
        file.write_text(yaml.safe_dump(data, sort_keys=False))
        return self

    def shared(self, mutate) -> PairCopy:
        """Edit pair.yaml."""
        return self.edit("pair.yaml", mutate)

    def stack(self, stack: str, mutate) -> PairCopy:
        """Edit the `config:` mapping of Pulumi.<stack>.yaml."""
        return self.edit(f"Pulumi.{stack}.yaml", lambda d: mutate(d["config"]))

    def load(self, stack: str = "primary"):
        """The validated pair, as `stack`'s program loads it."""
        from regionpair.components.loader import load_pair
        from regionpair.simulate import stack_config

        return load_pair(self.path, stack_config(self.path, stack), stack)

    def assert_refused(self, key: str, fragment: str, stack: str = "primary") -> None:
        """Validation refuses this copy in one line naming `key` (as the user writes it) and saying `fragment`."""
        from regionpair.components.declaration import DeclarationError

        with pytest.raises(DeclarationError) as info:
            self.load(stack)
        assert key in info.value.key, f"error names {info.value.key!r}, expected {key!r}: {info.value}"
        assert fragment in info.value.message, str(info.value)
        assert "\n" not in str(info.value), "the error must be one line"


@pytest.fixture
def pair_copy(tmp_path: Path) -> PairCopy:
    """An editable copy of the example pair (pair.yaml + both stack files)."""
    return PairCopy(tmp_path)
