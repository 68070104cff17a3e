"""Acceptance through the Hub: ancestors read from a stand-in Hub, including ones that are gone,
gated or rate-limited, and the offline cards re-checked with their ancestors served by the Hub."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from casebuild import build_case, case_names

from hub_server import FakeRepo, StandInHub
from smallprint.check import HubAncestorResolver, check_target
from smallprint.kb import default_kb


def readme(front: dict[str, object], title: str) -> bytes:
    return ("---\n" + yaml.safe_dump(front, sort_keys=False) + f"---\n\n# {title}\n\nA model.\n").encode()


def repo(repo_id: str, front: dict[str, object], **kw: object) -> FakeRepo:
    files = {"README.md": readme(front, repo_id.split("/")[1]), "config.json": b'{"model_type": "llama"}'}
    return FakeRepo(repo_id, files, card_data=dict(front), extra_files={"model.safetensors": 16_000_000_000}, **kw)  # type: ignore[arg-type]


def codes(result: object) -> list[str]:
    return sorted({f.code for f in result.findings})  # type: ignore[attr-defined]


def test_hub_ancestor_licence_binds_the_child(hub: StandInHub) -> None:
    hub.add(repo("acme/Support-8B", {"license": "apache-2.0", "base_model": "acme/Llama-3.1-Support-Mid-8B"}))
    hub.add(repo("acme/Llama-3.1-Support-Mid-8B", {"license": "llama3.1", "base_model": "meta-llama/Llama-3.1-8B"}))
    r = check_target("acme/Support-8B", offline=False)
    assert [(n.id, n.resolved_from) for n in r.lineage] == [
        ("acme/Support-8B", "hub"), ("acme/Llama-3.1-Support-Mid-8B", "hub"), ("meta-llama/Llama-3.1-8B", "catalog")]
    assert r.lineage[1].license_id == "llama3.1"
    assert codes(r) == ["license-conflicts-with-base", "naming-requirement"]


def test_missing_ancestor_on_the_hub_is_a_dangling_edge(hub: StandInHub) -> None:
    hub.add(repo("acme/Orphan-7B", {"license": "apache-2.0", "base_model": "acme/Deleted-Base-7B"}))
    r = check_target("acme/Orphan-7B", offline=False)
    dangling = [f for f in r.findings if f.code == "broken-metadata"]
    assert codes(r) == ["broken-metadata"] and "does not exist" in dangling[0].message
    assert r.lineage[1].resolved_from == "missing" and r.lineage[1].license_id is None
    assert dangling[0].evidence[0].start_line >= 1


@pytest.mark.parametrize("how", ["gated_api", "rate_limited"])
def test_unreadable_ancestor_is_unresolved_never_a_conflict(hub: StandInHub, how: str) -> None:
    hub.add(repo("acme/Kid-7B", {"license": "apache-2.0", "base_model": "acme/Locked-Base-7B"}))
    hub.add(repo("acme/Locked-Base-7B", {"license": "llama3.1"}, **{how: True}))
    r = check_target("acme/Kid-7B", offline=False)
    assert "license-conflicts-with-base" not in codes(r)
    assert "ancestor-unresolved" in codes(r) or "gated" in codes(r)
    assert r.lineage[1].license_id is None


def test_gated_ancestor_with_public_card_data_is_resolved(hub: StandInHub) -> None:
    """A gated repo's API answer still carries its card data: the licence is known without the files."""
    hub.add(repo("acme/Kid-8B", {"license": "mit", "base_model": "acme/Llama-3.1-Gated-Base-8B"}))
    hub.add(repo("acme/Llama-3.1-Gated-Base-8B", {"license": "llama3.1", "base_model": "meta-llama/Llama-3.1-8B"}, gated="manual"))
    r = check_target("acme/Kid-8B", offline=False)
    assert r.lineage[1].license_id == "llama3.1"
    assert "license-conflicts-with-base" in codes(r)


def test_cycle_through_the_hub_is_reported_once_and_ends(hub: StandInHub) -> None:
    hub.add(repo("acme/Ping-7B", {"license": "apache-2.0", "base_model": "acme/Pong-7B"}))
    hub.add(repo("acme/Pong-7B", {"license": "apache-2.0", "base_model": "acme/Ping-7B"}))
    r = check_target("acme/Ping-7B", offline=False)
    assert codes(r) == ["broken-metadata"]
    assert "cycle" in next(f.message for f in r.findings if f.code == "broken-metadata")


def _serve_catalog_ancestors(hub: StandInHub, ids: list[str]) -> None:
    """Publish the catalogued ancestors as the Hub shows them: gated where gated, card data public."""
    kb = default_kb()
    todo = list(ids)
    while todo:
        mid = todo.pop()
        cm = kb.model(mid)
        if cm is None or mid in hub.repos:
            continue
        front: dict[str, object] = {"license": cm.license}
        if cm.base_models:
            front["base_model"] = list(cm.base_models)
        hub.add(repo(mid, front, gated="manual" if cm.gated else False))
        todo.extend(cm.base_models)


HUB_SAME_AS_OFFLINE = [n for n in case_names() if "ancestor-unresolved" not in yaml.safe_load(
    (Path(__file__).parent / "cases" / n / "expected.yaml").read_text())["codes"]]


@pytest.mark.parametrize("name", HUB_SAME_AS_OFFLINE)
def test_same_cards_with_ancestors_from_the_hub(name: str, hub: StandInHub, tmp_path: Path) -> None:
    case = build_case(name, tmp_path)
    _serve_catalog_ancestors(hub, list(case.expect.get("parents") or []))
    r = check_target(str(case.target), offline=False, resolver=HubAncestorResolver(offline=False))
    assert codes(r) == sorted(set(case.expect["codes"])), [f"{f.code}: {f.message}" for f in r.findings]
    assert all(n.resolved_from in ("hub", "card", "gguf") for n in r.lineage if n.depth == 1) or not r.lineage[1:]


def _weights_carry_licence(expect: dict[str, Any]) -> bool:
    """Weight headers are not downloaded from the Hub: cases that rely on them read differently there."""
    gguf = expect.get("gguf") or {}
    st = expect.get("st") or {}
    keys = {**(gguf.get("keys") or {}), **(st.get("metadata") or {})}
    return any("license" in k or "base_model" in k for k in keys)


HUB_PUBLISHED = [
    n for n in HUB_SAME_AS_OFFLINE
    if (lambda e: (e.get("layout") or {}).get("hf_cache") and not _weights_carry_licence(e))(
        yaml.safe_load((Path(__file__).parent / "cases" / n / "expected.yaml").read_text()))
]


def _card_data(readme: bytes) -> dict[str, object] | None:
    """The front matter as the Hub's API returns it (None when the Hub could not parse it)."""
    text = readme.decode("utf-8-sig", "replace").replace("\r\n", "\n")
    if not text.startswith("---\n") or "\n---\n" not in text[3:]:
        return None
    try:
        data = yaml.safe_load(text[4 : text.index("\n---\n", 3)])
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


@pytest.mark.parametrize("name", HUB_PUBLISHED)
def test_same_models_published_on_the_hub(name: str, hub: StandInHub, tmp_path: Path) -> None:
    case = build_case(name, tmp_path)
    repo_id = case.expect["layout"]["hf_cache"]
    root = next((case.target / "snapshots").iterdir())
    files = {p.name: p.read_bytes() for p in root.iterdir() if not p.name.endswith((".gguf", ".safetensors", ".bin"))}
    weights = {p.name: p.stat().st_size for p in root.iterdir() if p.name.endswith((".gguf", ".safetensors", ".bin"))}
    card = _card_data(files["README.md"]) if "README.md" in files else None
    hub.add(FakeRepo(repo_id, files, card_data=card, extra_files=weights))
    _serve_catalog_ancestors(hub, list(case.expect.get("parents") or []))
    r = check_target(repo_id, offline=False)
    assert codes(r) == sorted(set(case.expect["codes"])), [f"{f.code}: {f.message}" for f in r.findings]
    assert r.model_id == repo_id and r.lineage[0].resolved_from == "hub"
    if "license" in case.expect:
        assert [m.id for m in r.license.licenses] == case.expect["license"]
