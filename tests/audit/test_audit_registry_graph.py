"""The registry pass: ancestors inside the dump first, then the catalog; whole chains,
cycles and missing ancestors; the outputs and the summary page."""

from __future__ import annotations

import json
from pathlib import Path

from audit_fixtures import card, row, table_rows, write_rows
from smallprint.audit import AuditRequest, run_audit


def _by_id(out: Path) -> dict[str, dict]:
    return {r["model_id"]: r for r in table_rows(out / "models.parquet")}


def _registry(tmp_path: Path) -> Path:
    rows = [
        # a fine-tune of a catalogued Llama 3.1 model, labelled correctly
        row("acme/llama-ft", card("license: llama3.1\nbase_model: meta-llama/Llama-3.1-8B-Instruct\n")),
        # its derivative relabels it MIT: the Llama licence reaches it through acme/llama-ft (inside the dump)
        row("beta/mit-ft", card("license: mit\nbase_model: acme/llama-ft\n")),
        # a derivative of a derivative: the chain is two hops through the dump
        row("gamma/deeper", card("license: apache-2.0\nbase_model: beta/mit-ft\n")),
        # a non-commercial base inside the dump, and a commercial-looking child
        row("delta/nc-base", card("license: cc-by-nc-4.0\n")),
        row("delta2/child", card("license: apache-2.0\nbase_model: delta/nc-base\n")),
        # a parent nobody has
        row("eps/orphan", card("license: mit\nbase_model: nobody/never-published\n")),
        # a cycle
        row("zeta/a", card("license: mit\nbase_model: zeta/b\n")),
        row("zeta/b", card("license: mit\nbase_model: zeta/a\n")),
        # no licence at all
        row("eta/bare", "# just prose\n"),
    ]
    return write_rows(tmp_path / "dump.parquet", rows)


def test_chains_through_the_registry_carry_the_base_licence(tmp_path: Path) -> None:
    out = tmp_path / "out"
    outcome = run_audit(AuditRequest([str(_registry(tmp_path))], out, workers=1, progress=False))
    assert outcome.exit_code == 0 and outcome.models == 9
    m = _by_id(out)
    assert "license-conflicts-with-base" in m["beta/mit-ft"]["finding_codes"]
    # two hops: the Llama 3.1 terms are inherited through beta/mit-ft and acme/llama-ft
    assert m["gamma/deeper"]["inherits_naming"] is True
    assert "license-conflicts-with-base" in m["gamma/deeper"]["finding_codes"]
    assert any(t["source"] == "lineage:acme/llama-ft" for t in m["gamma/deeper"]["terms"])
    assert "license-conflicts-with-base" in m["delta2/child"]["finding_codes"]
    assert m["delta2/child"]["non_commercial"] == "true"
    assert "ancestor-unresolved" in m["eps/orphan"]["finding_codes"]
    assert "broken-metadata" in m["zeta/a"]["finding_codes"]
    assert "no-license" in m["eta/bare"]["finding_codes"]
    assert outcome.registry_evaluated >= 4
    assert m["acme/llama-ft"]["verdict_commercial_saas"] in ("conditions", "needs-agreement")


def test_edges_findings_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_audit(AuditRequest([str(_registry(tmp_path))], out, workers=1, progress=False, profiles=["commercial-saas", "internal-research"]))
    edges = {(e["child"], e["parent"]): e for e in table_rows(out / "edges.parquet")}
    assert edges[("beta/mit-ft", "acme/llama-ft")]["resolved"] == "registry"
    assert edges[("beta/mit-ft", "acme/llama-ft")]["parent_license"] == "llama3.1"
    assert edges[("acme/llama-ft", "meta-llama/Llama-3.1-8B-Instruct")]["resolved"] == "catalog"
    assert edges[("eps/orphan", "nobody/never-published")]["resolved"] == "missing"
    assert edges[("zeta/a", "zeta/b")]["in_cycle"] is True
    findings = table_rows(out / "findings.parquet")
    conflict = next(f for f in findings if f["model_id"] == "beta/mit-ft" and f["code"] == "license-conflicts-with-base")
    assert conflict["file"] == "beta/mit-ft/README.md" and conflict["line"] == 2 and "mit" in conflict["quote"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["models"] == 9
    assert summary["lineage"]["models_in_cycles"] == 2
    assert summary["lineage"]["missing_ancestors"] == 1
    assert summary["propagated"]["naming_duty_inherited"] >= 2
    assert {"commercial-saas", "internal-research"} == set(summary["verdicts"])
    assert any(p["pair"] == "llama3.1 -> mit" for p in summary["top_conflict_pairs"])
    page = (out / "summary.html").read_text()
    assert page.count("<svg") >= 6 and "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    models = table_rows(out / "models.parquet")
    assert [r["model_id"] for r in models] == sorted(r["model_id"] for r in models)
    assert {"verdict_commercial_saas", "verdict_internal_research", "derivative_naming", "base_ids", "relation",
            "declared_license", "license", "finding_codes"} <= set(models[0])
