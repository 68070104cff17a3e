"""summary.json and summary.html: what the registry looks like, with static SVG charts.

The charts are horizontal bar charts written as SVG by hand: a few rectangles and labels
need no plotting library (matplotlib would add tens of MB for this), and the page stays
self-contained and readable without network or script.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from smallprint.audit.evaluate import verdict_column

SCHEMA = "smallprint/audit-summary/1"
TOP = 20


def _rows(con: Any, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def collect(con: Any, profiles: list[str], outcome: Any) -> dict[str, Any]:
    one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    total = int(one("SELECT count(*) FROM models"))
    s: dict[str, Any] = {
        "schema": SCHEMA,
        "models": total,
        "evaluated_this_run": outcome.evaluated,
        "reused_from_earlier_runs": outcome.reused,
        "evaluated_with_registry_ancestors": outcome.registry_evaluated,
        "errors": list(outcome.errors),
        "rows_with_errors": int(one("SELECT count(*) FROM models WHERE error IS NOT NULL")),
        "duplicated_model_ids": int(one("SELECT count(*) FROM models_full WHERE copies > 1")),
    }
    s["by_license"] = _rows(con, f"""
        SELECT coalesce(license, CASE WHEN declared_license IS NULL THEN '(none declared)' ELSE '(unresolved)' END) AS license,
               count(*) AS models FROM models GROUP BY 1 ORDER BY models DESC, license LIMIT {TOP}""")
    s["by_family"] = _rows(con, f"""
        SELECT coalesce(license_family, '(none)') AS family, count(*) AS models FROM models
        GROUP BY 1 ORDER BY models DESC, family LIMIT {TOP}""")
    s["by_kind"] = _rows(con, """
        SELECT coalesce(license_kind, '(none)') AS kind, count(*) AS models FROM models GROUP BY 1 ORDER BY models DESC, kind""")
    s["declared_other"] = {
        "models": int(one("SELECT count(*) FROM models WHERE lower(declared_license) = 'other'")),
        "resolved": int(one("SELECT count(*) FROM models WHERE lower(declared_license) = 'other' AND license IS NOT NULL")),
        "top_names": _rows(con, f"""
            SELECT coalesce(license_name_declared, '(no license_name)') AS license_name, any_value(license) AS resolved_as,
                   count(*) AS models
            FROM models WHERE lower(declared_license) = 'other' GROUP BY 1 ORDER BY models DESC, license_name LIMIT {TOP}"""),
    }
    s["conflict_rate_by_base_family"] = _rows(con, f"""
        SELECT coalesce(parent_family, '(unresolved)') AS base_family, count(DISTINCT child) AS derivatives,
               count(DISTINCT child) FILTER (WHERE conflict) AS conflicts,
               round(count(DISTINCT child) FILTER (WHERE conflict) / count(DISTINCT child), 4) AS rate
        FROM edges GROUP BY 1 ORDER BY derivatives DESC, base_family LIMIT {TOP}""")
    s["conflict_rate_by_relation"] = _rows(con, """
        SELECT coalesce(relation, '(none)') AS relation, count(*) AS models,
               count(*) FILTER (WHERE list_contains(finding_codes, 'license-conflicts-with-base')) AS conflicts,
               round(count(*) FILTER (WHERE list_contains(finding_codes, 'license-conflicts-with-base')) / count(*), 4) AS rate
        FROM models WHERE len(base_ids) > 0 GROUP BY 1 ORDER BY models DESC, relation""")
    s["top_conflict_pairs"] = _rows(con, f"""
        SELECT coalesce(parent_license, '(unresolved)') || ' -> ' || coalesce(child_license, '(none)') AS pair,
               count(DISTINCT child) AS models
        FROM edges WHERE conflict GROUP BY 1 ORDER BY models DESC, pair LIMIT {TOP}""")
    s["top_conflicting_bases"] = _rows(con, f"""
        SELECT parent AS base, any_value(parent_license) AS base_license, count(DISTINCT child) AS conflicting_derivatives
        FROM edges WHERE conflict GROUP BY 1 ORDER BY conflicting_derivatives DESC, base LIMIT {TOP}""")
    s["propagated"] = {
        "naming_duty_inherited": int(one("SELECT count(*) FROM models WHERE inherits_naming")),
        "naming_requirement_unmet": int(one("SELECT count(*) FROM models WHERE list_contains(finding_codes, 'naming-requirement')")),
        "noncommercial_data_inherited": int(one("SELECT count(*) FROM models WHERE inherits_noncommercial_data")),
        "noncommercial_inherited": int(one("""SELECT count(*) FROM models
            WHERE len(list_filter(terms, lambda t: t.key = 'non-commercial' AND t.value = 'true' AND starts_with(t.source, 'lineage:'))) > 0""")),
        "use_restrictions_flow_down_inherited": int(one("""SELECT count(*) FROM models
            WHERE len(list_filter(terms, lambda t: t.key = 'use-restrictions-flow-down' AND starts_with(t.source, 'lineage:'))) > 0""")),
        "user_threshold_inherited": int(one("""SELECT count(*) FROM models
            WHERE len(list_filter(terms, lambda t: t.key = 'user-threshold' AND starts_with(t.source, 'lineage:'))) > 0""")),
    }
    s["lineage"] = {
        "models_with_bases": int(one("SELECT count(*) FROM models WHERE len(base_ids) > 0")),
        "edges": int(one("SELECT count(*) FROM edges")),
        "edges_in_registry": int(one("SELECT count(*) FROM edges WHERE resolved = 'registry'")),
        "edges_to_catalog": int(one("SELECT count(*) FROM edges WHERE resolved = 'catalog'")),
        "missing_ancestors": int(one("SELECT count(DISTINCT lower(parent)) FROM edges WHERE resolved = 'missing'")),
        "models_in_cycles": int(one("SELECT count(*) FROM cycles")),
        "top_missing": _rows(con, f"""
            SELECT parent, count(*) AS children FROM edges WHERE resolved = 'missing'
            GROUP BY 1 ORDER BY children DESC, parent LIMIT {TOP}"""),
    }
    s["finding_codes"] = _rows(con, """
        SELECT code, count(DISTINCT model_id) AS models FROM findings GROUP BY 1 ORDER BY models DESC, code""")
    s["verdicts"] = {
        p: _rows(con, f"""SELECT coalesce({verdict_column(p)}, '(none)') AS verdict, count(*) AS models
                         FROM models GROUP BY 1 ORDER BY models DESC, verdict""")
        for p in profiles
    }
    return s


def write_summary(con: Any, out: Path, profiles: list[str], outcome: Any) -> dict[str, Any]:
    s = collect(con, profiles, outcome)
    (out / "summary.json").write_text(json.dumps(s, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    (out / "summary.html").write_text(render_html(s), encoding="utf-8")
    return s


# -- HTML and SVG ----------------------------------------------------------------


def bar_chart(title: str, items: list[tuple[str, float]], *, percent: bool = False, note: str = "") -> str:
    """A horizontal bar chart as inline SVG."""
    e = html.escape
    if not items:
        return f"<figure><figcaption>{e(title)}</figcaption><p class=empty>none</p></figure>"
    label_w, bar_w, row_h = 330, 360, 20
    height = row_h * len(items) + 10
    top = max(v for _, v in items) or 1
    rows = []
    for i, (label, value) in enumerate(items):
        y = 5 + i * row_h
        w = 0 if top == 0 else bar_w * value / top
        shown = f"{value:.1%}" if percent else f"{int(value):,}"
        short = label if len(label) <= 48 else label[:45] + "..."
        rows.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{e(short)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="#4a7bb7"><title>{e(label)}: {shown}</title></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 14}">{shown}</text>'
        )
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 90}" height="{height}" '
           f'role="img" aria-label="{e(title)}" font-family="sans-serif" font-size="12">{"".join(rows)}</svg>')
    extra = f"<p class=note>{e(note)}</p>" if note else ""
    return f"<figure><figcaption>{e(title)}</figcaption>{svg}{extra}</figure>"


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p class=empty>none</p>"
    e = html.escape
    head = "".join(f"<th>{e(str(k))}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in r.values()) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(s: dict[str, Any]) -> str:
    e = html.escape
    p = s["propagated"]
    lin = s["lineage"]
    other = s["declared_other"]
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>smallprint audit</title><style>",
        "body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}figure{margin:1.5em 0}"
        "figcaption{font-weight:bold;margin-bottom:.4em}table{border-collapse:collapse;font-size:13px}"
        "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}.note,.empty{color:#666;font-size:12px}",
        "</style></head><body>",
        f"<h1>Registry audit: {s['models']:,} models</h1>",
        f"<p>{s['evaluated_this_run']:,} evaluated this run, {s['reused_from_earlier_runs']:,} reused from earlier runs, "
        f"{s['evaluated_with_registry_ancestors']:,} evaluated again with ancestors from the registry; "
        f"{s['rows_with_errors']:,} rows with errors; {s['duplicated_model_ids']:,} duplicated modelIds.</p>",
    ]
    if s["errors"]:
        parts.append("<h2>Source errors</h2><ul>" + "".join(f"<li>{e(x)}</li>" for x in s["errors"]) + "</ul>")
    parts.append("<h2>Licences</h2>")
    parts.append(bar_chart("Models by licence", [(r["license"], r["models"]) for r in s["by_license"]]))
    parts.append(bar_chart("Models by licence family", [(r["family"], r["models"]) for r in s["by_family"]]))
    parts.append(bar_chart(
        f"Licences declared as 'other' ({other['models']:,} models, {other['resolved']:,} resolved from license_name/link)",
        [(f"{r['license_name']} -> {r['resolved_as'] or 'unresolved'}", r["models"]) for r in other["top_names"]]))
    parts.append("<h2>Conflicts with base models</h2>")
    parts.append(bar_chart("Conflict rate by base licence family",
                           [(f"{r['base_family']} ({r['derivatives']:,})", float(r["rate"] or 0)) for r in s["conflict_rate_by_base_family"]],
                           percent=True, note="share of derivatives whose declared licence conflicts with what binds their base"))
    parts.append(bar_chart("Conflict rate by relation",
                           [(f"{r['relation']} ({r['models']:,})", float(r["rate"] or 0)) for r in s["conflict_rate_by_relation"]],
                           percent=True))
    parts.append(bar_chart("Top base -> derivative licence conflict pairs", [(r["pair"], r["models"]) for r in s["top_conflict_pairs"]]))
    parts.append("<h3>Bases with the most conflicting derivatives</h3>" + _table(s["top_conflicting_bases"]))
    parts.append("<h2>Restrictions that propagate</h2>")
    parts.append(bar_chart("Models carrying an inherited obligation", [
        ("naming duty inherited (e.g. 'Llama' prefix)", p["naming_duty_inherited"]),
        ("naming requirement not met", p["naming_requirement_unmet"]),
        ("non-commercial inherited (any)", p["noncommercial_inherited"]),
        ("non-commercial training data", p["noncommercial_data_inherited"]),
        ("use restrictions flow down", p["use_restrictions_flow_down_inherited"]),
        ("user threshold inherited", p["user_threshold_inherited"]),
    ]))
    parts.append("<h2>Lineage</h2>")
    parts.append(f"<p>{lin['models_with_bases']:,} models name a base; {lin['edges']:,} edges, {lin['edges_in_registry']:,} "
                 f"resolved inside the registry, {lin['edges_to_catalog']:,} through the bundled catalog; "
                 f"{lin['missing_ancestors']:,} ancestors found nowhere; {lin['models_in_cycles']:,} models in base_model cycles.</p>")
    parts.append("<h3>Most-named missing ancestors</h3>" + _table(lin["top_missing"]))
    parts.append("<h2>Findings</h2>")
    parts.append(bar_chart("Models by finding code", [(r["code"], r["models"]) for r in s["finding_codes"]]))
    for prof, rows in s["verdicts"].items():
        parts.append(bar_chart(f"Verdicts under {prof}", [(r["verdict"], r["models"]) for r in rows]))
    parts.append("<p class=note>models.parquet, edges.parquet and findings.parquet beside this page hold every row.</p>")
    parts.append("</body></html>\n")
    return "".join(parts)
