"""Helpers of the audit tests: dumps written in the registry schema, and where the corpus is."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from smallprint.audit.synthetic import DUMP_SCHEMA

CORPUS = Path(os.environ.get("SMALLPRINT_CORPUS") or Path(__file__).resolve().parents[2] / "shared" / "corpus")
if not (CORPUS / "cards").is_dir():
    CORPUS = Path("/work/shared/corpus")
WHEN = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)


def card(front: str, body: str = "# model\n\nSome text.\n") -> str:
    return f"---\n{front}---\n{body}"


def row(model_id: str, text: str | None, *, when: dt.datetime = WHEN, tags: list[str] | None = None) -> dict[str, Any]:
    return {"modelId": model_id, "author": model_id.split("/")[0], "last_modified": when, "downloads": 1, "likes": 0,
            "library_name": None, "tags": tags or [], "pipeline_tag": None, "createdAt": when, "card": text}


def write_rows(path: Path, rows: list[dict[str, Any]]) -> Path:
    pq.write_table(pa.Table.from_pylist(rows, schema=DUMP_SCHEMA), path)
    return path


def table_rows(path: Path) -> list[dict[str, Any]]:
    return pq.read_table(path).to_pylist()



def corpus_dir() -> Path:
    """The corpus folder, or skip the test when it is not beside the checkout."""
    import pytest

    if not (CORPUS / "cards" / "index.json").exists():
        pytest.skip("corpus not present")
    return CORPUS
