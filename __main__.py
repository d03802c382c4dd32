"""The region pair program: load the pair declaration, build this stack's half, export its parity manifest."""

from regionpair.components.program import build_half, load_declaration

pair = load_declaration()
build_half(pair)
