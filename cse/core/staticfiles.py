"""Static files in production: hashed names (far-future caching) and pre-compressed copies, served by WhiteNoise."""

from __future__ import annotations

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


def _pattern_text(pattern) -> str:
    return pattern[0] if isinstance(pattern, tuple) else pattern


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """The vendored bundles (Bootstrap Italia, htmx) point at source maps we do not ship: their sourceMappingURL
    comments are left as they are instead of failing collectstatic; every url()/@import is still rewritten."""

    patterns = tuple(
        (glob, tuple(p for p in pats if "sourceMappingURL" not in _pattern_text(p)))
        for glob, pats in ManifestStaticFilesStorage.patterns
    )
