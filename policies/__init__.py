"""The regionpair CrossGuard policy pack: importable policy objects; `__main__.py` serves them.

Installed as `regionpair.policies`.
"""

if __name__ == "policies":  # imported by the directory's own name, inside this repository
    from regionpair._alias import serve_as

    serve_as(__name__)
