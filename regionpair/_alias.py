"""Serve `components` and `policies`, the directories' in-repository names, as `regionpair.components/.policies`.

Why: the installed package is `regionpair` (pyproject.toml maps the two top-level directories into it), so a
user's program with a `components/` of its own can import ours. Inside this repository the directories are also
importable by their own names (the repository root is on `sys.path` for `pulumi up`, the tests and scripts
written against earlier versions). Importing a file under two names would make two copies of every class (a
`Pair` from one would not be a `Pair` of the other), so the short names are aliases: `components.declaration` is
the very module object `regionpair.components.declaration`.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType

ALIASES = {"components": "regionpair.components", "policies": "regionpair.policies"}


class _AliasLoader(importlib.abc.Loader):
    """Loads an alias by importing the real module and handing back that same object."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.real_spec: importlib.machinery.ModuleSpec | None = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.target)
        self.real_spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The import system stamped the alias's spec on the shared module; give it back its own.
        module.__spec__ = self.real_spec


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Finds `components.<x>` and `policies.<x>` as aliases of their `regionpair.` modules."""

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        head, _, rest = fullname.partition(".")
        if head not in ALIASES or not rest:
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(f"{ALIASES[head]}.{rest}"))


def serve_as(short: str) -> None:
    """Make `short` (and every `short.<module>`) the same module objects as its `regionpair.` name."""
    if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _AliasFinder())
    sys.modules[short] = importlib.import_module(ALIASES[short])
