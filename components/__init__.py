"""Component library of the region pair: one module per capability, all built from one `Pair` declaration.

Installed as `regionpair.components`; `regionpair.lib` is its small public API for your own programs.
"""

if __name__ == "components":  # imported by the directory's own name, inside this repository
    from regionpair._alias import serve_as

    serve_as(__name__)
