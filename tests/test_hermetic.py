"""The suite leaves nothing in the user's home: every cache lands in the session sandbox."""

from __future__ import annotations

import os
from pathlib import Path

from smallprint import settings


def test_every_cache_and_home_points_into_the_sandbox() -> None:
    sandbox = Path(os.environ["SMALLPRINT_TEST_SANDBOX"])
    real_home = Path(os.environ["SMALLPRINT_REAL_HOME"])
    s = settings.current()
    assert s.cache_dir.is_relative_to(sandbox)
    assert s.hf_cache is not None and s.hf_cache.is_relative_to(sandbox)
    assert Path(os.path.expanduser("~")).is_relative_to(sandbox)
    assert not s.cache_dir.is_relative_to(real_home) or real_home.is_relative_to(sandbox)


def test_the_reference_index_cache_is_written_into_the_sandbox() -> None:
    from smallprint.diskcache import cache_dir
    from smallprint.kb import KnowledgeBase
    from smallprint.matchers.refindex import load_or_build

    kb = KnowledgeBase.load()
    load_or_build(kb)
    where = cache_dir()
    assert where is not None
    written = list(where.rglob("*"))
    assert written and all(p.is_relative_to(Path(os.environ["SMALLPRINT_TEST_SANDBOX"])) for p in written)
