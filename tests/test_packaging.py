"""The wheel ships every package: pyproject's explicit package list matches the source tree."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _source_packages() -> set[str]:
    packages = {
        ".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "zkreceipt").rglob("__init__.py")
    }
    packages |= {"zkreceipt.circuits"} if (ROOT / "circuits" / "__init__.py").exists() else set()
    return packages


def test_every_package_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    assert _source_packages() == listed
    assert config["package-data"]["zkreceipt"] == ["py.typed"]
    assert (ROOT / "zkreceipt" / "py.typed").exists()
