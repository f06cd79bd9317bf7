"""Fixtures for the composer's tests."""

from __future__ import annotations

import asyncio
import inspect
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def presets_dir(tmp_path: Path) -> Path:
    """A copy of the example presets (tests save and delete in it)."""
    folder = tmp_path / "presets"
    shutil.copytree(ROOT / "presets", folder)
    return folder


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests in a fresh event loop (no async plugin is needed for Pilot)."""
    function = pyfuncitem.obj
    if not inspect.iscoroutinefunction(function):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    kwargs = {name: pyfuncitem.funcargs[name] for name in names}
    asyncio.run(function(**kwargs))
    return True
