"""The registry pass and the output files, in DuckDB over the state folder's Parquet parts.

Memory stays flat with the registry's size: records are read from disk by DuckDB, the
only Python-side lists are the ids of models evaluated again with registry ancestors.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from smallprint.audit import graph
from smallprint.audit.evaluate import registry_node
from smallprint.audit.graph import arrow_of
from smallprint.audit.records import State, record_schema

FINDING_JSON = (
    '[{"code": "VARCHAR", "severity": "VARCHAR", "message": "VARCHAR", '
    '"evidence": [{"file": "VARCHAR", "start_line": "BIGINT", "end_line": "BIGINT", "quote": "VARCHAR"}]}]'
)
DUPLICATE = "duplicate-model-id"
MEMORY_LIMIT = os.environ.get("SMALLPRINT_AUDIT_DUCKDB_MEMORY", "1GB")

Evaluate = Callable[[Iterator[pa.RecordBatch], dict[str, Any], Callable[[pa.Table, int], None]], None]
Reread = Callable[[set[str]], Iterator[pa.RecordBatch]]


def _count(con: Any, sql: str) -> int:
    got = con.execute(sql).fetchone()
    return int(got[0]) if got else 0


def _files(paths: list[str]) -> str:
    """A list of file names as a DuckDB literal (table functions in DDL take no parameters)."""
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def _parts(state: State, name: str) -> list[str]:
    return [str(p) for p in state.parts(name)]


def assemble(req: Any, state: State, index: list[pa.Table], outcome: Any, profiles: list[str], progress: Any,
             evaluate: Evaluate, reread: Reread) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads TO {max(1, min(4, os.cpu_count() or 1))}")
    # records of a big registry do not fit in memory as Python objects, nor need to in DuckDB:
    # past this it spills to the state folder
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = {_files([str(state.dir('tmp') / 'duckdb')])[1:-1]}")
    schema = record_schema(profiles)
    idx = pa.concat_tables(index) if index else pa.table({
        "model_id": pa.array([], pa.string()), "key": pa.array([], pa.string()),
        "last_modified": pa.array([], pa.string()), "source": pa.array([], pa.string()), "seq": pa.array([], pa.int64()), "row": pa.array([], pa.int64())})
    con.register("idx", idx)
    con.execute("""
        CREATE TEMP TABLE current AS
        SELECT model_id, key, source, count(*) OVER (PARTITION BY model_id) AS copies,
               list(last_modified) OVER (PARTITION BY model_id) AS dates
        FROM idx
        QUALIFY row_number() OVER (PARTITION BY model_id ORDER BY last_modified DESC NULLS LAST, seq DESC, row DESC) = 1
    """)
    con.unregister("idx")
    records = _parts(state, "records")
    if records:
        con.execute(f"CREATE TEMP VIEW rec AS SELECT * FROM read_parquet({_files(records)}, union_by_name = true)")
    else:
        con.register("empty_records", schema.empty_table())
        con.execute("CREATE TEMP VIEW rec AS SELECT * FROM empty_records")
    con.execute("""
        CREATE TEMP TABLE cur AS
        SELECT r.* FROM current c JOIN (SELECT * FROM rec QUALIFY row_number() OVER (PARTITION BY key) = 1) r
        USING (key)
    """)
    graph.registry_pass(con)
    affected = graph.affected_models(con)
    if affected:
        _registry_round(con, state, affected, profiles, progress, evaluate, reread, outcome)
    reg_parts = _parts(state, "registry")
    con.register("aff", pa.table({"model": list(affected), "sig": list(affected.values())}))
    if reg_parts:
        con.execute(f"""
            CREATE TEMP TABLE again AS
            SELECT r.* EXCLUDE (sig) FROM read_parquet({_files(reg_parts)}, union_by_name = true) r
            JOIN cur c ON c.key = r.key JOIN aff a ON a.model = lower(c.model_id) AND a.sig = r.sig
            QUALIFY row_number() OVER (PARTITION BY r.key) = 1
        """)
    else:
        con.register("again_empty", schema.empty_table())
        con.execute("CREATE TEMP TABLE again AS SELECT * FROM again_empty")
    con.execute("""
        CREATE TEMP TABLE final0 AS
        SELECT * FROM cur WHERE key NOT IN (SELECT key FROM again)
        UNION ALL BY NAME SELECT * FROM again
    """)
    outcome.registry_evaluated = _count(con, "SELECT count(*) FROM again")
    _duplicates(con)
    _write_outputs(con, req.out, profiles)
    from smallprint.audit.summary import write_summary

    outcome.models = _count(con, "SELECT count(*) FROM models")
    outcome.summary = write_summary(con, req.out, profiles, outcome)


def _registry_round(con: Any, state: State, affected: dict[str, str], profiles: list[str], progress: Any,
                    evaluate: Evaluate, reread: Reread, outcome: Any) -> None:
    """Evaluate again, with registry ancestors, the affected models not already done for this ancestry."""
    con.register("aff0", pa.table({"model": list(affected), "sig": list(affected.values())}))
    done = set()
    parts = _parts(state, "registry")
    if parts:
        done = {tuple(r) for r in con.execute(f"SELECT key, sig FROM read_parquet({_files(parts)}, union_by_name = true)").fetchall()}
    todo = {k: s for k, s in con.execute(
        "SELECT c.key, a.sig FROM cur c JOIN aff0 a ON a.model = lower(c.model_id)").fetchall() if (k, s) not in done}
    con.unregister("aff0")
    if not todo:
        return
    wanted = set(graph.ancestor_nodes(con))
    con.register("wanted", pa.table({"node": sorted(wanted)}))
    rows = arrow_of(con, (
        "SELECT model_id, license, declared_license, base_ids, relation, datasets, licence_evidence FROM cur "
        "WHERE lower(model_id) IN (SELECT node FROM wanted)"
    )).to_pylist()
    con.unregister("wanted")
    nodes = {str(r["model_id"]).lower(): registry_node(r) for r in rows}
    progress.restart("registry", len(todo))

    def landed(table: pa.Table, n: int) -> None:
        sigs = [todo.get(k, "") for k in table.column("key").to_pylist()]
        state.write_part("registry", table.append_column("sig", pa.array(sigs, pa.string())))
        progress.advance(n)

    evaluate(reread(set(todo)), nodes, landed)


def _duplicates(con: Any) -> None:
    """A modelId given more than once: the newest row is audited and says so."""
    con.execute(f"""
        CREATE TEMP TABLE models_full AS
        SELECT f.* REPLACE (
            CASE WHEN c.copies > 1 THEN list_sort(list_distinct(list_append(f.finding_codes, '{DUPLICATE}')))
                 ELSE f.finding_codes END AS finding_codes, c.source AS source),
            c.copies AS copies
        FROM final0 f JOIN current c USING (key)
        ORDER BY f.model_id, f.key
    """)


def _write_outputs(con: Any, out: Path, profiles: list[str]) -> None:
    from smallprint.audit.evaluate import KEY_TERMS, term_column, verdict_column

    lic = _licence_table()
    con.register("lic", lic)
    cols = ["model_id", "declared_license", "license_name_declared", "license", "license_name", "license_kind",
            "license_family", "license_sources", "base_ids", "relation", "datasets", "finding_codes"]
    cols += [term_column(k) for k in KEY_TERMS]
    cols += ["inherits_naming", "inherits_noncommercial_data"]
    cols += [verdict_column(p) for p in profiles]
    cols += ["terms", "chain", "last_modified", "author", "downloads", "likes", "origin", "source", "key", "error"]
    con.execute(f"CREATE TEMP TABLE models AS SELECT {', '.join(cols)} FROM models_full ORDER BY model_id")
    _copy(con, "models", out / "models.parquet")
    con.execute(f"""
        CREATE TEMP TABLE findings AS
        WITH f AS (SELECT model_id, unnest(from_json(findings, '{FINDING_JSON}')) AS f FROM models_full)
        SELECT model_id, f.code AS code, f.severity AS severity, f.message AS message,
               f.evidence[1].file AS file, f.evidence[1].start_line AS line, f.evidence[1].quote AS quote
        FROM f
        UNION ALL
        SELECT model_id, '{DUPLICATE}', 'warning',
               'modelId appears ' || copies || ' times in the sources; the newest row (last_modified '
               || coalesce(last_modified, 'unknown') || ') is the one audited',
               NULL, NULL, NULL
        FROM models_full WHERE copies > 1
        ORDER BY model_id, code, message
    """)
    _copy(con, "findings", out / "findings.parquet")
    con.execute("""
        CREATE TEMP TABLE edges AS
        WITH e AS (SELECT model_id, license AS child_license, relation, finding_codes, unnest(base_ids) AS parent FROM models)
        SELECT e.model_id AS child, e.parent, e.relation, e.child_license,
               nl.license AS parent_license, l.family AS parent_family,
               CASE WHEN nl.in_registry THEN 'registry' WHEN nl.license IS NOT NULL THEN 'catalog'
                    WHEN cn.node IS NOT NULL AND cn.resolved_from <> 'missing' THEN 'catalog' ELSE 'missing' END AS resolved,
               list_contains(e.finding_codes, 'license-conflicts-with-base') AS conflict,
               lower(e.model_id) IN (SELECT model FROM cycles) AS in_cycle
        FROM e
        LEFT JOIN node_license nl ON nl.node = lower(e.parent)
        LEFT JOIN (SELECT node, any_value(resolved_from) AS resolved_from FROM chain_nodes GROUP BY node) cn
               ON cn.node = lower(e.parent)
        LEFT JOIN lic l ON l.id = nl.license
        ORDER BY child, parent
    """)
    _copy(con, "edges", out / "edges.parquet")


def _copy(con: Any, table: str, path: Path) -> None:
    tmp = path.with_suffix(".parquet.tmp")
    con.execute(f"COPY {table} TO '{tmp}' (FORMAT parquet, COMPRESSION zstd)")
    os.replace(tmp, path)


def _licence_table() -> pa.Table:
    from smallprint.kb import default_kb

    kb = default_kb()
    entries = [kb.get(i) for i in kb.ids()] if hasattr(kb, "ids") else list(kb)
    ids, fams, kinds = [], [], []
    for e in entries:
        if e is None:
            continue
        ids.append(e.id)
        fams.append(e.family)
        kinds.append(e.kind)
    return pa.table({"id": ids, "family": fams, "kind": kinds})


def summary_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
