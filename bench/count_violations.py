"""Count what AWS/the provider would refuse in each corner of the test matrix (tests/matrix.py), per rule.

Prints one line per corner and the rules that fired; run on two commits to compare (docs/constraints.md has the
figures of the physical-name rules: 38 before, 20 after the names, 0 after the SMS lifecycle).
Usage: .venv/bin/python bench/count_violations.py
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.matrix import CORNERS, run_counting, write_corner


def main() -> None:
    total: Counter[str] = Counter()
    for corner in CORNERS:
        with tempfile.TemporaryDirectory() as tmp:
            _, violations = run_counting(write_corner(corner, Path(tmp)), corner.active_numbers)
        rules = Counter(v.rule.id for v in violations)
        total.update(rules)
        print(f"{corner.name:45s} {len(violations):3d} violations")
    print(f"{'total':45s} {sum(total.values()):3d}")
    for rule, n in total.most_common():
        print(f"  {n:3d}  {rule}")


if __name__ == "__main__":
    main()
