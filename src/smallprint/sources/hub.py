"""Models on the Hugging Face Hub, read through the real `huggingface_hub` client.

Settings (endpoint, token, cache, offline) are read from the environment at call
time and passed explicitly, because the library reads its own copies at import.
Only the card, licence files and small JSON configs are downloaded; weight files
are listed from the repository's file list, never fetched.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
from huggingface_hub import HfApi, constants, hf_hub_download, try_to_load_from_cache
from huggingface_hub.errors import (
    EntryNotFoundError,
    GatedRepoError,
    HfHubHTTPError,
    LocalEntryNotFoundError,
    OfflineModeIsEnabled,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.hf_api import ModelInfo

from smallprint.errors import InputError, SourceError
from smallprint.model import Evidence, Finding, LicenseClaim, ModelFacts, WeightFile
from smallprint.sources.card_facts import HUB_ID
from smallprint.sources.folder import is_license_file, read_folder
from smallprint.sources.weights import pickle_finding, weight_format

DEFAULT_TIMEOUT = 10.0
MAX_LICENSE_FILES = 20
_REVISION = re.compile(r"^[\w.\-/]{1,128}$")
_CONFIG_FILES = ("config.json", "adapter_config.json")
_TRUE = {"1", "on", "yes", "true"}
UNREACHABLE = "Hub unreachable ({endpoint}); use HF_HUB_OFFLINE=1 or the bundled catalog"


@dataclass(frozen=True)
class HubRef:
    """`org/name` plus an optional revision (branch, tag or commit)."""

    repo_id: str
    revision: str | None = None

    @property
    def label(self) -> str:
        return f"{self.repo_id}@{self.revision}" if self.revision else self.repo_id


@dataclass(frozen=True)
class HubSettings:
    """Where and how to reach the Hub, read from the environment when a read starts."""

    endpoint: str
    token: str | None
    cache_dir: Path
    offline: bool
    timeout: float

    @classmethod
    def from_env(cls, offline: bool | None = None, timeout: float = DEFAULT_TIMEOUT) -> HubSettings:
        env = os.environ
        endpoint = (env.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")
        token = env.get("HF_TOKEN") or env.get("HUGGING_FACE_HUB_TOKEN") or None
        if env.get("HF_HUB_CACHE"):
            cache = Path(env["HF_HUB_CACHE"]).expanduser()
        elif env.get("HF_HOME"):
            cache = Path(env["HF_HOME"]).expanduser() / "hub"
        else:
            cache = Path(constants.HF_HUB_CACHE)
        if offline is None:
            flags = (env.get("HF_HUB_OFFLINE", ""), env.get("TRANSFORMERS_OFFLINE", ""))
            offline = any(f.strip().lower() in _TRUE for f in flags)
        return cls(endpoint, token, cache, offline, timeout)


def parse_hub_ref(target: str) -> HubRef:
    """Split `org/name[@revision]`; anything else raises InputError."""
    repo_id, _, revision = target.strip().partition("@")
    if not HUB_ID.match(repo_id) or ".." in repo_id:
        raise InputError(f"{target}: not a Hugging Face model id (expected org/name[@revision])")
    if revision and (not _REVISION.match(revision) or ".." in revision):
        raise InputError(f"{target}: invalid revision {revision!r}")
    return HubRef(repo_id, revision or None)


def read_hub(target: str, *, offline: bool | None = None, timeout: float = DEFAULT_TIMEOUT) -> ModelFacts:
    """Read a Hub model: online through the API, offline from the local cache only."""
    ref = parse_hub_ref(target)
    settings = HubSettings.from_env(offline, timeout)
    if settings.offline:
        return read_cached(ref, settings, target)
    api = HfApi(endpoint=settings.endpoint, token=settings.token)
    try:
        info = api.model_info(ref.repo_id, revision=ref.revision, timeout=settings.timeout)
    except GatedRepoError:
        return _gated_without_info(ref, settings, target)
    except Exception as exc:
        raise to_source_error(exc, ref, settings) from None
    return _read_online(ref, settings, info, target)


def _read_online(ref: HubRef, settings: HubSettings, info: ModelInfo, target: str) -> ModelFacts:
    names = [s.rfilename for s in info.siblings or []]
    snapshot: Path | None = None
    gated_files = False
    for name in _files_to_fetch(names):
        try:
            local = _download(ref, settings, name)
        except GatedRepoError:
            gated_files = True
            break
        except EntryNotFoundError:
            continue
        except Exception as exc:
            raise to_source_error(exc, ref, settings) from None
        snapshot = snapshot or _snapshot_root(Path(local), name)
    facts = read_folder(snapshot) if snapshot else ModelFacts(target, info.id, "hub")
    facts.target, facts.origin = target, "hub"
    facts.model_id = info.id or ref.repo_id
    facts.revision = info.sha or facts.revision
    _apply_info(facts, info, settings, card_read=facts.card_path is not None)
    if gated_files:
        facts.findings.append(_gated_finding(ref, settings, "files could not be downloaded"))
    return facts


def _files_to_fetch(names: list[str]) -> list[str]:
    """README.md first, then licence files and the small configs, at the repo root."""
    wanted = [n for n in names if n.lower() == "readme.md"]
    wanted += [n for n in names if "/" not in n and is_license_file(n)][:MAX_LICENSE_FILES]
    wanted += [n for n in names if n in _CONFIG_FILES]
    return wanted


def _download(ref: HubRef, settings: HubSettings, name: str) -> str:
    return hf_hub_download(
        ref.repo_id,
        name,
        revision=ref.revision,
        cache_dir=settings.cache_dir,
        endpoint=settings.endpoint,
        token=settings.token,
        etag_timeout=settings.timeout,
    )


def _snapshot_root(local: Path, name: str) -> Path:
    root = local
    for _ in Path(name).parts:
        root = root.parent
    return root


def _apply_info(facts: ModelFacts, info: ModelInfo, settings: HubSettings, *, card_read: bool) -> None:
    """What the API says: gating, Hub-computed tags, file list, and the card data if no card was read."""
    source = f"{settings.endpoint}/api/models/{info.id}"
    facts.gated = info.gated if info.gated else False
    tags = list(info.tags or [])
    for tag in tags:
        if tag.startswith("license:"):
            value = tag.split(":", 1)[1]
            facts.license_claims.append(LicenseClaim("hub:tags", value, Evidence(source, 0, 0, f"tags: {tag}")))
    hub_bases, relation = _lineage_from_tags(tags)
    if not facts.base_models:
        facts.base_models.extend(hub_bases)
    if facts.relation is None and relation:
        facts.relation = relation
    card_data = info.card_data.to_dict() if info.card_data is not None else {}
    if not card_read and card_data:
        _apply_card_data(facts, card_data, source)
    siblings = info.siblings or []
    facts.weight_files = [
        WeightFile(s.rfilename, kind, s.size)
        for s in siblings
        if (kind := weight_format(s.rfilename)) is not None
    ]
    facts.findings = [f for f in facts.findings if f.code != "pickle-weights"]
    finding = pickle_finding(facts.weight_files)
    if finding:
        facts.findings.append(finding)
    facts.metadata["hub"] = {
        "endpoint": settings.endpoint,
        "sha": info.sha,
        "gated": info.gated,
        "private": info.private,
        "tags": tags,
        "base_models": hub_bases,
        "library_name": info.library_name,
        "pipeline_tag": info.pipeline_tag,
        "created_at": info.created_at.isoformat() if info.created_at else None,
        "last_modified": info.last_modified.isoformat() if info.last_modified else None,
        "siblings": [s.rfilename for s in siblings][:10_000],
    }


def _lineage_from_tags(tags: list[str]) -> tuple[list[str], str | None]:
    """`base_model:<id>` and `base_model:<relation>:<id>` tags computed by the Hub."""
    bases: list[str] = []
    relation: str | None = None
    for tag in tags:
        if not tag.startswith("base_model:"):
            continue
        rest = tag.split(":", 1)[1]
        kind, sep, ident = rest.partition(":")
        if sep and kind in ("adapter", "merge", "quantized", "finetune"):
            relation = relation or kind
        else:
            ident = rest
        if HUB_ID.match(ident) and ident not in bases:
            bases.append(ident)
    return bases, relation


def _apply_card_data(facts: ModelFacts, data: dict[str, Any], source: str) -> None:
    """Card fields as the API reports them (used when README.md itself was not readable)."""
    facts.card_data = data
    licenses = data.get("license")
    for value in licenses if isinstance(licenses, list) else [licenses]:
        if isinstance(value, str) and value:
            facts.license_claims.append(
                LicenseClaim("card:license", value, Evidence(source, 0, 0, f"cardData.license: {value}"))
            )
    for key in ("license_name", "license_link"):
        value = data.get(key)
        if isinstance(value, str) and value:
            facts.license_claims.append(
                LicenseClaim(f"card:{key}", value, Evidence(source, 0, 0, f"cardData.{key}: {value}"))
            )
    bases = data.get("base_model")
    for base in bases if isinstance(bases, list) else [bases]:
        if isinstance(base, str) and base and base not in facts.base_models:
            facts.base_models.append(base)
    relation = data.get("base_model_relation")
    if isinstance(relation, str) and relation:
        facts.relation = relation.lower()
    datasets = data.get("datasets")
    for dataset in datasets if isinstance(datasets, list) else [datasets]:
        if isinstance(dataset, str) and dataset not in facts.datasets:
            facts.datasets.append(dataset)
    gate = {k: v for k, v in data.items() if k.startswith("extra_gated_")}
    if gate:
        facts.metadata["card_gate"] = gate


def _gated_without_info(ref: HubRef, settings: HubSettings, target: str) -> ModelFacts:
    facts = ModelFacts(target, ref.repo_id, "hub", revision=ref.revision, gated=True)
    facts.findings.append(_gated_finding(ref, settings, "the Hub refused the model info"))
    return facts


def _gated_finding(ref: HubRef, settings: HubSettings, what: str) -> Finding:
    return Finding(
        "gated",
        "info",
        f"{ref.label} is gated on the Hub: {what}; accept its licence on the Hub and set HF_TOKEN to read its files",
        [Evidence(f"{settings.endpoint}/{ref.repo_id}", 0, 0, "401/403 GatedRepo")],
    )


def to_source_error(exc: BaseException, ref: HubRef, settings: HubSettings) -> SourceError:
    """One clear line for each way the Hub can fail."""
    where = settings.endpoint
    if isinstance(exc, RevisionNotFoundError):
        return SourceError(f"{ref.label}: revision {ref.revision!r} not found on the Hub")
    if isinstance(exc, RepositoryNotFoundError):
        return SourceError(f"{ref.label}: model not found on the Hub ({where}); a private repo needs HF_TOKEN")
    if isinstance(exc, HfHubHTTPError):
        status = exc.response.status_code if exc.response is not None else None
        if status == 429:
            return SourceError(f"{ref.label}: rate limited by the Hub (HTTP 429); retry later or set HF_TOKEN")
        return SourceError(f"{ref.label}: the Hub answered HTTP {status}")
    if isinstance(exc, httpx2.TimeoutException):
        return SourceError(f"{ref.label}: the Hub did not answer within {settings.timeout:g} s ({where})")
    if isinstance(exc, OfflineModeIsEnabled):
        return SourceError(f"{ref.label}: offline mode is on (HF_HUB_OFFLINE); only cached models can be read")
    if isinstance(exc, (httpx2.TransportError, LocalEntryNotFoundError, OSError)):
        return SourceError(f"{ref.label}: " + UNREACHABLE.format(endpoint=where))
    return SourceError(f"{ref.label}: Hub read failed ({type(exc).__name__}: {exc})")


# --- offline: the local cache only ----------------------------------------------------


def read_cached(ref: HubRef, settings: HubSettings, target: str) -> ModelFacts:
    """Read a model from the local Hugging Face cache without any network access."""
    snapshot = cached_snapshot(ref, settings.cache_dir)
    if snapshot is None:
        raise SourceError(
            f"{ref.label}: not in the local Hugging Face cache ({settings.cache_dir}) and offline; "
            "read it once online or use the bundled catalog"
        )
    facts = read_folder(snapshot)
    facts.target, facts.origin = target, "hub"
    facts.model_id = ref.repo_id
    facts.revision = snapshot.name
    facts.metadata["offline"] = True
    return facts


def cached_snapshot(ref: HubRef, cache_dir: Path) -> Path | None:
    """The cached snapshot folder for a ref, found through the README or refs/."""
    found = try_to_load_from_cache(ref.repo_id, "README.md", cache_dir=cache_dir, revision=ref.revision)
    if isinstance(found, str):
        return Path(found).parent
    repo_dir = cache_dir / f"models--{ref.repo_id.replace('/', '--')}"
    revision = ref.revision or "main"
    candidate = repo_dir / "snapshots" / revision
    if re.fullmatch(r"[0-9a-f]{40}", revision) and candidate.is_dir():
        return candidate
    try:
        sha = (repo_dir / "refs" / revision).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    snapshot = repo_dir / "snapshots" / sha
    return snapshot if re.fullmatch(r"[0-9a-f]{40}", sha) and snapshot.is_dir() else None
