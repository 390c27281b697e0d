"""The catalog data file: the departments and items `LoadCatalog` reads (domain.md's starting catalog)."""
from __future__ import annotations

from pathlib import Path

import yaml

CATALOG_FILE = Path(__file__).parent / "data" / "catalog.yaml"


def read_catalog(path: Path = CATALOG_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))
