"""The primary's root carries the secondary's manifest as JSON text (`Peer.manifest_json`): read and edit it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def peer_manifest(props: dict[str, Any]) -> dict[str, Any]:
    """The decoded `peerManifest` of a root's recorded props."""
    return json.loads(props["peerManifest"])


def edit_peer(props: dict[str, Any], change: Callable[[dict[str, Any]], Any]) -> None:
    """Apply `change` to the decoded `peerManifest` of `props` and store it back as the program does, as text."""
    manifest = peer_manifest(props)
    change(manifest)
    props["peerManifest"] = json.dumps(manifest, sort_keys=True)
