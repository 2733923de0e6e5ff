"""Code lists from the law and the national standards (SIUSS, INPS, ANPR, DM), one module per list.

They live in core, the bottom layer, so that every tier and interop can read them without importing the case domain:
pure values and lookups, no models, no personal data.
"""
