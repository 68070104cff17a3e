"""The registry's lineage graph in DuckDB: which models need their ancestors from the registry.

Each record carries the chain `check` built from the bundled catalog alone. Here the
whole registry's edges (each model's parents, as its record states them) and the
catalog's edges (as the chains recorded them) are joined into one graph, walked to every
ancestor (cycles stopped, depth capped), each ancestor resolved inside the registry
first and the catalog second. A model whose ancestry resolved that way differs from its
catalog-only chain is evaluated again with the registry as resolver, so inherited terms,
conflicts and naming duties follow whole chains through the registry.
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 12

GRAPH_SQL = f"""
CREATE OR REPLACE TEMP TABLE reg AS
SELECT lower(model_id) AS node, model_id, coalesce(license, CASE WHEN lower(declared_license) IN ('other', 'unknown')
       THEN NULL ELSE declared_license END) AS license, base_ids, relation
FROM cur;

CREATE OR REPLACE TEMP TABLE chain_nodes AS
SELECT DISTINCT lower(c.id) AS node, c.license, c.parents, c.resolved_from
FROM (SELECT unnest(chain) AS c FROM cur);

-- edges: a registry model's parents as its record states them; any other node's as its chain recorded them
CREATE OR REPLACE TEMP TABLE g_edges AS
SELECT DISTINCT node AS child, lower(b) AS parent FROM (SELECT node, unnest(base_ids) AS b FROM reg)
UNION
SELECT DISTINCT n.node AS child, lower(p) AS parent
FROM (SELECT node, unnest(parents) AS p FROM chain_nodes) n
WHERE n.node NOT IN (SELECT node FROM reg);

CREATE OR REPLACE TEMP TABLE closure AS
WITH RECURSIVE walk(model, ancestor, depth, path) AS (
    SELECT child, parent, 1, [child, parent] FROM g_edges WHERE child IN (SELECT node FROM reg)
    UNION ALL
    SELECT w.model, e.parent, w.depth + 1, list_append(w.path, e.parent)
    FROM walk w JOIN g_edges e ON e.child = w.ancestor
    WHERE NOT list_contains(w.path, e.parent) AND w.depth < {MAX_DEPTH}
)
SELECT model, ancestor, min(depth) AS depth FROM walk GROUP BY model, ancestor;

-- an ancestor's licence: the registry's record first, the catalog chain second
CREATE OR REPLACE TEMP TABLE node_license AS
SELECT node, license, true AS in_registry FROM reg
UNION ALL
SELECT node, any_value(license), false FROM chain_nodes WHERE node NOT IN (SELECT node FROM reg) GROUP BY node;

CREATE OR REPLACE TEMP TABLE reg_view AS
SELECT c.model, c.ancestor, nl.license, coalesce(nl.in_registry, false) AS in_registry
FROM closure c LEFT JOIN node_license nl ON nl.node = c.ancestor;

CREATE OR REPLACE TEMP TABLE cat_view AS
SELECT DISTINCT lower(r.model_id) AS model, lower(x.id) AS ancestor, x.license
FROM (SELECT model_id, unnest(chain) AS x FROM cur) r;

CREATE OR REPLACE TEMP TABLE affected AS
WITH touched AS (SELECT DISTINCT model FROM reg_view WHERE in_registry),
diff AS (
    (SELECT model, ancestor, license FROM reg_view EXCEPT SELECT model, ancestor, license FROM cat_view)
    UNION
    (SELECT model, ancestor, license FROM cat_view EXCEPT SELECT model, ancestor, license FROM reg_view)
)
SELECT DISTINCT d.model FROM diff d JOIN touched t USING (model);

-- what a re-evaluation depends on: every registry node of the model's ancestry, as recorded
CREATE OR REPLACE TEMP TABLE signatures AS
SELECT v.model, md5(string_agg(v.ancestor || '=' || coalesce(r.license, '') || '<' || coalesce(array_to_string(r.base_ids, ','), '')
                                || '~' || coalesce(r.relation, ''), '|' ORDER BY v.ancestor)) AS sig
FROM reg_view v JOIN reg r ON r.node = v.ancestor
WHERE v.model IN (SELECT model FROM affected)
GROUP BY v.model;

CREATE OR REPLACE TEMP TABLE cycles AS
WITH RECURSIVE walk(start, node, path) AS (
    SELECT child, parent, [child, parent] FROM g_edges WHERE child IN (SELECT node FROM reg)
    UNION ALL
    SELECT w.start, e.parent, list_append(w.path, e.parent)
    FROM walk w JOIN g_edges e ON e.child = w.node
    WHERE NOT list_contains(w.path, e.parent) AND len(w.path) < {MAX_DEPTH}
)
SELECT DISTINCT start AS model FROM walk w JOIN g_edges e ON e.child = w.node AND e.parent = w.start;
"""


def registry_pass(con: Any) -> None:
    """Run the graph queries over the `cur` table (one record per current model)."""
    con.execute(GRAPH_SQL)


def affected_models(con: Any) -> dict[str, str]:
    """Lower-case model id -> signature of its registry ancestry, for models to evaluate again."""
    return dict(con.execute("SELECT model, sig FROM signatures").fetchall())


def ancestor_nodes(con: Any) -> list[str]:
    """Lower-case ids of the registry models that stand as ancestors of affected models."""
    rows = con.execute(
        "SELECT DISTINCT ancestor FROM reg_view WHERE in_registry AND model IN (SELECT model FROM affected)"
    ).fetchall()
    return [r[0] for r in rows]


def arrow_of(con: Any, sql: str) -> Any:
    """A query's rows as a pyarrow Table (`to_arrow_table` since DuckDB 1.4, `arrow` before)."""
    rel = con.sql(sql)
    fetch = getattr(rel, "to_arrow_table", None) or rel.arrow
    return fetch()
