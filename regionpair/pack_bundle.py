"""Build the policy pack as a self-contained directory that `pulumi policy publish` can publish org-wide.

Why: `policies/` runs from this checkout (its PulumiPolicy.yaml points at the project's `../.venv`). A published
pack is installed by the Pulumi CLI on every machine that runs an enforced stack: it unpacks the directory, creates
a `venv` in it and installs its `requirements.txt` (pulumi/pulumi, `completePythonInstall`). So the bundle holds
only a PulumiPolicy.yaml, a `__main__.py` that imports installed names (`regionpair.policies.pack`), and a
requirements.txt that installs this version of regionpair, from your package index or a URL to its wheel.

    python -m regionpair.pack_bundle OUT_DIR [--index-url URL | --wheel-url URL]     (or: make pack-bundle)

docs/policy-pack.md: publishing, policy groups, config, running it locally.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import sys
from pathlib import Path

import yaml

PACKAGE = "regionpair"
FILES = ("PulumiPolicy.yaml", "requirements.txt", "__main__.py", ".gitignore", "README.md")


def _policies_dir() -> Path:
    """The installed pack's sources (`regionpair.policies`): its `__main__.py` and PulumiPolicy.yaml."""
    import regionpair.policies

    return Path(regionpair.policies.__file__).resolve().parent


def version() -> str:
    """The version of this regionpair (the published pack carries the same, so a stack's policy version says it)."""
    return importlib.metadata.version(PACKAGE)


def requirements(*, index_url: str | None = None, wheel_url: str | None = None) -> str:
    """requirements.txt of the bundle: regionpair at this version, from an index or a wheel's URL."""
    if index_url and wheel_url:
        raise ValueError("give --index-url or --wheel-url, not both")
    lines = ["# Installed by the Pulumi CLI into this pack's venv when a stack runs the published pack."]
    if wheel_url:
        lines += [f"{PACKAGE} @ {wheel_url}"]
    else:
        if index_url:
            lines += [f"--extra-index-url {index_url}"]
        lines += [f"{PACKAGE}=={version()}"]
    return "\n".join(lines) + "\n"


def build(out: Path, *, index_url: str | None = None, wheel_url: str | None = None) -> list[Path]:
    """Write the bundle into `out` (created; files of an earlier bundle replaced); the files written."""
    source = _policies_dir()
    project = yaml.safe_load((source / "PulumiPolicy.yaml").read_text()) or {}
    out.mkdir(parents=True, exist_ok=True)
    manifest = {
        "description": project.get("description", "regionpair policy pack"),
        "version": version(),
        # The CLI installs a published Python pack into `venv` next to this file; for a local run, create it.
        "runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}},
    }
    texts = {
        "PulumiPolicy.yaml": yaml.safe_dump(manifest, sort_keys=False),
        "requirements.txt": requirements(index_url=index_url, wheel_url=wheel_url),
        "__main__.py": (source / "__main__.py").read_text(),
        ".gitignore": "venv/\n__pycache__/\n",
        "README.md": _readme(),
    }
    written = []
    for name in FILES:
        path = out / name
        path.write_text(texts[name])
        written.append(path)
    return written


def _readme() -> str:
    return f"""# regionpair policy pack {version()}

Built by `python -m regionpair.pack_bundle`; see docs/policy-pack.md of regionpair.

    python -m venv venv && venv/bin/pip install -r requirements.txt   # needed to publish or run it locally
    pulumi policy publish <org>
    pulumi policy enable <org>/regionpair latest --policy-group <group> --config policy-config.json
    pulumi preview --policy-pack . --policy-pack-config policy-config.json   # local run, no publishing
"""


def main(argv: list[str] | None = None) -> int:
    """Command line: build the bundle; one line and exit 2 on a bad argument."""
    parser = argparse.ArgumentParser(
        prog="python -m regionpair.pack_bundle", description="Build the publishable regionpair policy pack."
    )
    parser.add_argument("out", type=Path, help="directory to write the pack into (created)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--index-url", help="your package index holding this regionpair version (extra index)")
    where.add_argument("--wheel-url", help="URL of this version's regionpair wheel (e.g. a release asset)")
    args = parser.parse_args(argv)
    try:
        files = build(args.out, index_url=args.index_url, wheel_url=args.wheel_url)
    except OSError as err:
        print(f"regionpair pack: {args.out}: {err.strerror}; choose a writable directory", file=sys.stderr)
        return 2
    print(f"policy pack regionpair {version()} written to {args.out} ({', '.join(f.name for f in files)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
