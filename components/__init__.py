"""Component library of the region pair: one module per capability, all built from one `Pair` declaration."""
