"""The whole suite's setting: hermetic, offline-first, and the corpus found one way.

Before anything is imported or collected, every place smallprint (or a library it uses)
could write under the user's home is pointed into one temporary directory: HOME itself,
the XDG cache/data/config homes (the reference-index cache, the SQLite store), and the
Hugging Face cache (tests/test_hermetic.py proves every cache lands there). Tests that need
other values set them with monkeypatch, as before.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from corpus import CORPUS

_OWNED = "SMALLPRINT_TEST_SANDBOX"  # set by the process that made the sandbox (xdist workers inherit it)


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get(_OWNED):
        return  # an xdist worker: the controller's sandbox is already in the environment
    real_home = Path(os.path.expanduser("~"))
    sandbox = Path(tempfile.mkdtemp(prefix="smallprint-tests-"))
    config._smallprint_sandbox = sandbox  # type: ignore[attr-defined]
    os.environ[_OWNED] = str(sandbox)
    os.environ["SMALLPRINT_REAL_HOME"] = str(real_home)
    os.environ["HOME"] = str(sandbox / "home")
    os.environ["XDG_CACHE_HOME"] = str(sandbox / "cache")
    os.environ["XDG_DATA_HOME"] = str(sandbox / "data")
    os.environ["XDG_CONFIG_HOME"] = str(sandbox / "config")
    os.environ["HF_HOME"] = str(sandbox / "hf-home")
    os.environ["HF_HUB_CACHE"] = str(sandbox / "hf-home" / "hub")
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "SMALLPRINT_KB_PATH", "SMALLPRINT_CACHE_DIR", "SMALLPRINT_DB"):
        os.environ.pop(name, None)
    (sandbox / "home").mkdir()


def pytest_unconfigure(config: pytest.Config) -> None:
    sandbox = getattr(config, "_smallprint_sandbox", None)
    if sandbox is not None:
        shutil.rmtree(sandbox, ignore_errors=True)


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus; tests that need it skip, with the reason, when it is not there."""
    if CORPUS is None:
        pytest.skip("corpus not available (set SMALLPRINT_CORPUS or put it at ../shared/corpus)")
    return CORPUS
