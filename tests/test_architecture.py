"""The layers stay apart: the core and the pattern engine are pure (no textual, no boto3, no
rich); the TUI's widgets and screens only display (they import neither ``aws/`` nor boto3: the
app's workers do the I/O and hand them the results); settings load without boto3."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "eventcomposer"
CORE_MODULES = [
    "eventcomposer.core.entries",
    "eventcomposer.core.fields",
    "eventcomposer.core.composer",
    "eventcomposer.core.validation",
    "eventcomposer.core.sizes",
    "eventcomposer.core.presets",
    "eventcomposer.core.templating",
    "eventcomposer.core.batching",
    "eventcomposer.core.cli_formats",
    "eventcomposer.core.files",
    "eventcomposer.core.drafts",
    "eventcomposer.core.rules",
    "eventcomposer.core.schemas",
    "eventcomposer.core.samples",
    "eventcomposer.patterns",
]
FORBIDDEN = ("textual", "boto3", "botocore", "rich", "moto")
#: What a module under these folders may not import (at run time or for type checking).
DISPLAY_ONLY = {
    "tui/widgets": ("eventcomposer.aws", "eventcomposer.sending", "boto3", "botocore"),
    "tui/screens": ("eventcomposer.aws", "eventcomposer.sending", "boto3", "botocore"),
    "core": ("textual", "boto3", "botocore", "rich", "moto", "eventcomposer.aws"),
    "patterns": ("textual", "boto3", "botocore", "rich", "moto", "eventcomposer.aws"),
}


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


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports, anywhere in it (functions and TYPE_CHECKING included)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
    return found


def test_core_imports_neither_interfaces_nor_boto3() -> None:
    loaded = _loaded_after_import(CORE_MODULES)
    assert not loaded & set(FORBIDDEN), f"the core pulled in {sorted(loaded & set(FORBIDDEN))}"


@pytest.mark.parametrize("folder", sorted(DISPLAY_ONLY))
def test_layers_import_only_what_they_may(folder: str) -> None:
    forbidden = DISPLAY_ONLY[folder]
    offences = [
        f"{path.relative_to(PACKAGE)}:{line} imports {module}"
        for path in sorted((PACKAGE / folder).rglob("*.py"))
        for line, module in _imports(path)
        if any(module == f or module.startswith(f"{f}.") for f in forbidden)
    ]
    assert not offences, "\n".join(offences)


@pytest.mark.parametrize("module", ["eventcomposer.aws.settings", "eventcomposer.aws"])
def test_settings_do_not_import_boto3(module: str) -> None:
    """The TUI header reads settings before boto3 is loaded."""
    assert "boto3" not in _loaded_after_import([module])
