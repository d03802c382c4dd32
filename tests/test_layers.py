"""The library's layering: no import cycle among its modules, and the declaration's models never load pulumi_aws.

Why it matters: a user's program imports `regionpair.lib` (or single components); with a cycle, which module is
imported first decides whether an import fails half-initialized. The policy pack and the CLI read the pair from
the model layer only, so they start without loading pulumi_aws's thousands of modules.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = {"components": "regionpair.components", "policies": "regionpair.policies"}
MODEL_LAYER = [
    "regionpair.components.declaration",
    "regionpair.components.loader",
    "regionpair.components.rules",
    "regionpair.components.region_switch_model",
    "regionpair.components.routing_model",
    "regionpair.components.signals_plan",
    "regionpair.components.cdn_model",
    "regionpair.components.state_model",
    "regionpair.components.evidence_model",
    "regionpair.components.dashboard_model",
    "regionpair.components.resilience_hub_model",
    "regionpair.policies.pack",
]


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    parts[0] = PACKAGES[parts[0]]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _graph() -> dict[str, set[str]]:
    """Every import statement, at module level or inside a function, between the library's modules."""
    modules = {
        _module_name(p): p
        for top in PACKAGES
        for p in (ROOT / top).rglob("*.py")
        if "lambda_src" not in p.parts and p.name != "__main__.py"
    }
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                if target in modules and target != name and not name.startswith(target + "."):
                    graph[name].add(target)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_among_the_library_modules():
    graph = _graph()
    assert "regionpair.components.region_switch_model" in graph  # the scan found the modules
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_model_layer_and_the_pack_never_load_pulumi_aws():
    code = "import sys\n" + "".join(f"import {m}\n" for m in MODEL_LAYER) + "print('pulumi_aws' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert out.stdout.strip() == "False"


def test_in_repo_names_are_the_installed_modules():
    import components.declaration
    import policies.pack
    import regionpair.components.declaration
    import regionpair.policies.pack

    assert components.declaration is regionpair.components.declaration
    assert policies.pack is regionpair.policies.pack
    assert components.declaration.Pair is regionpair.components.declaration.Pair
