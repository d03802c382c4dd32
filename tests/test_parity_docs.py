"""docs/parity.md mirrors policies/per_region.py: every row a user relies on is documented with its reason."""

from __future__ import annotations

from regionpair.policies import per_region
from tests.conftest import ROOT


def test_every_per_region_row_is_documented() -> None:
    doc = (ROOT / "docs" / "parity.md").read_text()
    for key, table in per_region.PER_REGION.items():
        kind = key.partition(" ")[0]
        for path, reason in table.items():
            for part in (f"`{kind}`", f"`{path}`", reason):
                assert part in doc, (key, path)


def test_every_owned_row_is_documented() -> None:
    doc = (ROOT / "docs" / "parity.md").read_text()
    for row in per_region.OWNED:
        assert f"| `{row.type}` | `{row.name}` | {row.owner}" in doc, row
        assert row.reason in doc, row
