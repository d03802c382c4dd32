"""The regionpair CrossGuard policy pack: importable policy objects; `__main__.py` serves them."""
