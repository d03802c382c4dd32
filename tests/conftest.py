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
