"""The core stays pure: no textual, no boto3, no rich; settings load without boto3."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE_MODULES = [
    "eventcomposer.core.entries",
    "eventcomposer.core.validation",
    "eventcomposer.core.sizes",
    "eventcomposer.core.presets",
    "eventcomposer.core.templating",
    "eventcomposer.core.batching",
    "eventcomposer.core.cli_formats",
    "eventcomposer.core.files",
    "eventcomposer.core.drafts",
    "eventcomposer.core.rules",
    "eventcomposer.patterns",
]
FORBIDDEN = ("textual", "boto3", "botocore", "rich", "moto")


def _loaded_after_import(modules: list[str]) -> set[str]:
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print('\\n'.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_core_imports_neither_interfaces_nor_boto3() -> None:
    loaded = _loaded_after_import(CORE_MODULES)
    assert not loaded & set(FORBIDDEN), f"the core pulled in {sorted(loaded & set(FORBIDDEN))}"


@pytest.mark.parametrize("module", ["eventcomposer.aws.settings", "eventcomposer.aws"])
def test_settings_do_not_import_boto3(module: str) -> None:
    """The TUI header reads settings before boto3 is loaded."""
    assert "boto3" not in _loaded_after_import([module])
