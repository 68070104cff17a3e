"""The whole suite's setting: hermetic, offline-first, and the corpus found one way.

Before anything is imported or collected, every place smallprint (or a library it uses)
could write under the user's home is pointed into one temporary directory: HOME itself,
the XDG cache/data/config homes (the reference-index cache, the SQLite store), and the
Hugging Face cache. At the end of the session the real home is checked: a suite that left
something in `~/.cache/smallprint`, `~/.cache/huggingface` or `~/.local/share/smallprint`
fails. Tests that need other values set them with monkeypatch, as before.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from corpus import CORPUS

_HERMETIC_VARS = ("HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "HF_HOME", "HF_HUB_CACHE")
_WATCHED = (".cache/smallprint", ".cache/huggingface", ".local/share/smallprint")
_OWNED = "SMALLPRINT_TEST_SANDBOX"  # set by the process that made the sandbox (xdist workers inherit it)


def _snapshot(home: Path) -> set[str]:
    out: set[str] = set()
    for sub in _WATCHED:
        root = home / sub
        if root.is_dir():
            out.update(str(p) for p in root.rglob("*"))
    return out


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get(_OWNED):
        return  # an xdist worker: the controller's sandbox is already in the environment
    real_home = Path(os.path.expanduser("~"))
    sandbox = Path(tempfile.mkdtemp(prefix="smallprint-tests-"))
    config._smallprint_sandbox = (sandbox, real_home, _snapshot(real_home))  # type: ignore[attr-defined]
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
    state = getattr(config, "_smallprint_sandbox", None)
    if state is None:
        return
    sandbox, real_home, before = state
    shutil.rmtree(sandbox, ignore_errors=True)
    left = sorted(_snapshot(real_home) - before)
    if left:  # the suite wrote into the user's home: say so and fail the run
        config.pluginmanager.get_plugin("terminalreporter").write_line(  # type: ignore[union-attr]
            f"FAILED hermetic check: the test suite wrote into {real_home}: {left[:5]}", red=True
        )
        config._smallprint_leaked = left  # type: ignore[attr-defined]


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = getattr(session.config, "_smallprint_sandbox", None)
    if state is None:
        return
    _, real_home, before = state
    if _snapshot(real_home) - before and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus; tests that need it skip, with the reason, when it is not there."""
    if CORPUS is None:
        pytest.skip("corpus not available (set SMALLPRINT_CORPUS or put it at ../shared/corpus)")
    return CORPUS
