"""Models on the Hugging Face Hub, read through the real `huggingface_hub` client.

Settings (endpoint, token, cache, offline) are read from the environment at call
time and passed explicitly, because the library reads its own copies at import.
Only the card, licence files and small JSON configs are downloaded. Weight files are
never fetched whole: the headers of a few GGUF and safetensors files are read through
HTTP range requests (`remote_file`), for the licence and lineage keys they carry.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from smallprint.errors import InputError, SourceError
from smallprint.model import Evidence, Finding, LicenseClaim, ModelFacts, WeightFile
from smallprint.sources.card_facts import HUB_ID
from smallprint.sources.folder import is_license_file, read_folder
from smallprint.sources.gguf_header import GGUFHeader, read_gguf_header, read_gguf_stream
from smallprint.sources.remote_file import HttpRangeSource, RangeLimits, RemoteFile, RemoteReadError
from smallprint.sources.safetensors_header import (
    MAX_HEADER_BYTES,
    SafetensorsHeader,
    parse_header,
    read_safetensors_header,
)
from smallprint.sources.weights import apply_gguf, apply_safetensors, pickle_finding, weight_format

if TYPE_CHECKING:
    from huggingface_hub.hf_api import ModelInfo

# huggingface_hub and httpx (a third of a second) are imported by the functions that reach
# the Hub or its cache, never with this module: checking a local folder offline needs neither.

DEFAULT_TIMEOUT = 10.0
MAX_LICENSE_FILES = 20
_REVISION = re.compile(r"^[\w.\-/]{1,128}$")
_CONFIG_FILES = ("config.json", "adapter_config.json")
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
        from smallprint import settings as _settings

        s = _settings.current()
        if s.hf_cache is not None:
            cache = s.hf_cache
        else:
            from huggingface_hub import constants

            cache = Path(constants.HF_HUB_CACHE)
        return cls(s.hf_endpoint, s.hf_token, cache, _settings.offline(offline), timeout)


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
    from huggingface_hub import HfApi
    from huggingface_hub.errors import GatedRepoError

    api = HfApi(endpoint=settings.endpoint, token=settings.token)
    try:
        info = api.model_info(ref.repo_id, revision=ref.revision, timeout=settings.timeout)
    except GatedRepoError:
        return _gated_without_info(ref, settings, target)
    except Exception as exc:
        raise to_source_error(exc, ref, settings) from None
    return _read_online(ref, settings, info, target)


def _read_online(ref: HubRef, settings: HubSettings, info: ModelInfo, target: str) -> ModelFacts:
    from huggingface_hub.errors import EntryNotFoundError, GatedRepoError

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
    else:
        deadline = time.monotonic() + max(30.0, 4 * settings.timeout)
        read_weight_headers(facts, HeaderSite(ref, settings, info.sha or ref.revision, snapshot, deadline), info)
    return facts


def _files_to_fetch(names: list[str]) -> list[str]:
    """README.md first, then licence files and the small configs, at the repo root."""
    wanted = [n for n in names if n.lower() == "readme.md"]
    wanted += [n for n in names if "/" not in n and is_license_file(n)][:MAX_LICENSE_FILES]
    wanted += [n for n in names if n in _CONFIG_FILES]
    return wanted


def _download(ref: HubRef, settings: HubSettings, name: str) -> str:
    from huggingface_hub import hf_hub_download

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
    hub_bases = apply_hub_tags(facts, tags, source)
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


# --- weight headers: a few GGUF and safetensors files, read by range ------------------

MAX_GGUF_HEADERS = 2
MAX_SAFETENSORS_HEADERS = 4
GGUF_LIMITS = RangeLimits()
SAFETENSORS_LIMITS = RangeLimits(
    first_bytes=256 * 1024,
    max_request=MAX_HEADER_BYTES + 8,
    max_total=MAX_HEADER_BYTES + 8 + 512 * 1024,
    max_cached=MAX_HEADER_BYTES + 8 + 512 * 1024,
)
_SHARD = re.compile(r"-(\d{3,6})-of-(\d{3,6})$", re.IGNORECASE)
_QUANT = re.compile(
    r"(?<![a-z0-9])(?:ud-)?(?:i?q[1-8](?:_[a-z0-9]{1,4})*|tq[12]_0|f16|f32|bf16|fp16|fp32|fp8|mxfp4(?:_moe)?)"
    r"(?![a-z0-9])",
    re.IGNORECASE,
)
_GGUF_SIDE_FILES = ("mmproj", "imatrix")  # projector or calibration files: read only when nothing else


@dataclass(frozen=True)
class HeaderPick:
    """One weight file whose header is worth reading."""

    name: str
    format: str  # gguf | safetensors
    size: int | None = None


@dataclass(frozen=True)
class HeaderSite:
    """Where a repo's files live: the commit to read them at, and the partial local snapshot."""

    ref: HubRef
    settings: HubSettings
    revision: str | None
    snapshot: Path | None
    deadline: float  # time.monotonic() after which no further remote header read starts


@dataclass
class HeaderOutcome:
    """What reading one header cost and gave, kept in `metadata["hub"]["weight_headers"]`."""

    file: str
    format: str
    via: str  # cache | range
    status: str = "read"  # read | broken | skipped
    reason: str | None = None
    bytes: int = 0
    requests: int = 0
    http_status: int | None = None


def pick_header_files(files: list[tuple[str, int | None]]) -> list[HeaderPick]:
    """A bounded choice of weight files whose headers stand for the whole repo.

    Quantizations of one conversion share their metadata, and only the first shard of a
    split file carries it, so one file per model stem is enough: the first shard, the
    smallest when sizes are known. Root files come before files in subfolders.
    """
    groups: dict[tuple[str, str], HeaderPick] = {}
    for name, size in files:
        kind = weight_format(name)
        if kind not in ("gguf", "safetensors"):
            continue
        stem = name[: -len(".gguf")] if kind == "gguf" else name[: -len(".safetensors")]
        shard = _SHARD.search(stem)
        if shard and int(shard.group(1)) != 1:
            continue
        key = _model_stem(_SHARD.sub("", stem))
        pick = HeaderPick(name, kind, size)
        current = groups.get((kind, key))
        if current is None or _smaller(pick, current):
            groups[(kind, key)] = pick
    picks = sorted(groups.values(), key=_pick_order)
    gguf = [p for p in picks if p.format == "gguf"]
    main = [p for p in gguf if not _is_side_file(p.name)]
    chosen = (main or gguf)[:MAX_GGUF_HEADERS]
    chosen += [p for p in picks if p.format == "safetensors"][:MAX_SAFETENSORS_HEADERS]
    return chosen


def _model_stem(stem: str) -> str:
    """The file name with its quantization or precision labels removed (folders included)."""
    flat = re.sub(r"[-_.]+", "-", _QUANT.sub("", stem.lower()))
    return re.sub(r"-*/-*", "/", flat).strip("-/")


def _smaller(pick: HeaderPick, current: HeaderPick) -> bool:
    """Smallest known size first, then the name, so the listing order does not matter."""

    def key(p: HeaderPick) -> tuple[bool, int, str]:
        return (p.size is None, p.size or 0, p.name)

    return key(pick) < key(current)


def _pick_order(pick: HeaderPick) -> tuple[int, int, str]:
    return (pick.name.count("/"), 1 if _is_side_file(pick.name) else 0, pick.name)


def _is_side_file(name: str) -> bool:
    base = name.rsplit("/", 1)[-1].lower()
    return any(word in base for word in _GGUF_SIDE_FILES)


def read_weight_headers(facts: ModelFacts, site: HeaderSite, info: ModelInfo) -> None:
    """Licence and lineage keys from weight headers, from the cache when there, else by range.

    Remote reads share one deadline, and stop at the first network failure: a Hub that
    timed out once would make every further file wait as long.
    """
    _apply_gguf_summary(facts, info, site.settings)
    siblings = [(s.rfilename, s.size) for s in info.siblings or []]
    outcomes: list[HeaderOutcome] = []
    declared_bases = list(facts.base_models)
    network_down = False
    for pick in pick_header_files(siblings):
        local = _cached_file(site, pick.name)
        if local is not None and str(local) in _headers_read(facts):
            continue  # the snapshot reader already read this cached file
        if local is None and (network_down or time.monotonic() > site.deadline):
            reason = "not tried after a network failure" if network_down else "time for header reads used up"
            outcomes.append(HeaderOutcome(pick.name, pick.format, "range", "skipped", reason))
            continue
        outcome = _read_one(facts, site, pick, local)
        network_down = outcome.status == "skipped" and outcome.http_status is None
        outcomes.append(outcome)
    if declared_bases:
        # A GGUF's general.base_model.* are its *source* model's parents (the converter copies
        # the source card's base_model), so they do not replace what this repo declares.
        facts.base_models[:] = declared_bases
    if outcomes:
        facts.metadata.setdefault("hub", {})["weight_headers"] = [_outcome_dict(o) for o in outcomes]


def _read_one(facts: ModelFacts, site: HeaderSite, pick: HeaderPick, local: Path | None) -> HeaderOutcome:
    outcome = HeaderOutcome(pick.name, pick.format, "cache" if local else "range")
    try:
        if pick.format == "gguf":
            apply_gguf(facts, _gguf_header(site, pick.name, local, outcome), pick.name)
        else:
            apply_safetensors(facts, _safetensors_header(site, pick.name, local, outcome), pick.name)
    except RemoteReadError as exc:
        outcome.status, outcome.reason, outcome.http_status = "skipped", str(exc), exc.status
        if exc.status != 404:  # a listed file missing at the commit has nothing to check
            facts.findings.append(_unread_finding(site, pick.name, str(exc)))
    except SourceError as exc:
        outcome.status, outcome.reason = "broken", str(exc)
        facts.findings.append(
            Finding("broken-metadata", "warning", str(exc), [Evidence(pick.name, 0, 0, pick.name)])
        )
    return outcome


def _gguf_header(site: HeaderSite, name: str, local: Path | None, outcome: HeaderOutcome) -> GGUFHeader:
    if local is not None:
        header = read_gguf_header(local)
        header.path = name
        return header
    remote = _open_remote(site, name, GGUF_LIMITS, outcome)
    try:
        return read_gguf_stream(cast(BinaryIO, remote), remote.size, name)
    finally:
        outcome.bytes, outcome.requests = remote.bytes_fetched, remote.requests


def _safetensors_header(
    site: HeaderSite, name: str, local: Path | None, outcome: HeaderOutcome
) -> SafetensorsHeader:
    if local is not None:
        header = read_safetensors_header(local)
        header.path = name
        return header
    remote = _open_remote(site, name, SAFETENSORS_LIMITS, outcome)
    try:
        prefix = remote.read(8)
        if len(prefix) < 8:
            raise SourceError(f"{name}: not a safetensors file (shorter than 8 bytes)")
        length = int.from_bytes(prefix, "little")
        if length > MAX_HEADER_BYTES:
            raise SourceError(f"{name}: safetensors header of {length} bytes exceeds the limit")
        if 8 + length > remote.size:
            raise SourceError(f"{name}: safetensors header length {length} runs past the end of the file")
        return parse_header(remote.read(length), name)
    finally:
        outcome.bytes, outcome.requests = remote.bytes_fetched, remote.requests


def _open_remote(site: HeaderSite, name: str, limits: RangeLimits, outcome: HeaderOutcome) -> RemoteFile:
    """A range-read view of one repo file at the commit the rest was read at."""
    from huggingface_hub import get_session, hf_hub_url
    from huggingface_hub.utils import build_hf_headers

    settings = site.settings
    url = hf_hub_url(site.ref.repo_id, name, revision=site.revision, endpoint=settings.endpoint)
    headers = build_hf_headers(token=settings.token, library_name="smallprint")
    deadline = min(site.deadline, time.monotonic() + max(20.0, 3 * settings.timeout))
    source = HttpRangeSource(get_session(), url, headers, timeout=settings.timeout, deadline=deadline)
    return RemoteFile(source, limits)


def _cached_file(site: HeaderSite, name: str) -> Path | None:
    """The file in the local snapshot when it was downloaded before (never fetched here)."""
    if site.snapshot is not None and (site.snapshot / name).is_file():
        return site.snapshot / name
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(
        site.ref.repo_id, name, cache_dir=site.settings.cache_dir, revision=site.revision
    )
    return Path(found) if isinstance(found, str) else None


def _headers_read(facts: ModelFacts) -> set[str]:
    return set(facts.metadata.get("gguf", {})) | set(facts.metadata.get("safetensors", {}))


def _unread_finding(site: HeaderSite, name: str, why: str) -> Finding:
    return Finding(
        "weight-header-unread",
        "info",
        f"{site.ref.label}: header of {name} not read ({why}); its licence keys were not checked",
        [Evidence(name, 0, 0, name)],
    )


def _outcome_dict(outcome: HeaderOutcome) -> dict[str, Any]:
    return {
        "file": outcome.file,
        "format": outcome.format,
        "via": outcome.via,
        "status": outcome.status,
        "reason": outcome.reason,
        "bytes": outcome.bytes,
        "requests": outcome.requests,
    }


_GGUF_SUMMARY_SKIP = ("chat_template",)


def _apply_gguf_summary(facts: ModelFacts, info: ModelInfo, settings: HubSettings) -> None:
    """The `gguf` field of the model info (architecture, total parameters, ...): kept as a
    summary; a licence in it, should the Hub carry one, becomes a claim."""
    summary = getattr(info, "gguf", None)
    if not isinstance(summary, dict) or not summary:
        return
    kept = {
        str(k)[:200]: (v[:1000] if isinstance(v, str) else v)
        for k, v in list(summary.items())[:200]
        if k not in _GGUF_SUMMARY_SKIP and (isinstance(v, (str, int, float, bool)) or v is None)
    }
    facts.metadata.setdefault("hub", {})["gguf"] = kept
    source = f"{settings.endpoint}/api/models/{info.id}"
    for key in ("license", "general.license"):
        value = kept.get(key)
        if isinstance(value, str) and value.strip():
            facts.license_claims.append(
                LicenseClaim("hub:gguf.license", value.strip(), Evidence(source, 0, 0, f"gguf.{key}: {value}"))
            )


def apply_hub_tags(facts: ModelFacts, tags: list[str], source: str) -> list[str]:
    """Licence claims (`license:<id>`) and, when nothing stronger said so, base models and
    relation (`base_model:[<relation>:]<id>`) from the tags the Hub computes; returns the bases."""
    for tag in tags:
        if tag.startswith("license:"):
            value = tag.split(":", 1)[1]
            facts.license_claims.append(LicenseClaim("hub:tags", value, Evidence(source, 0, 0, f"tags: {tag}")))
    hub_bases, relation = _lineage_from_tags(tags)
    if not facts.base_models:
        facts.base_models.extend(hub_bases)
    if facts.relation is None and relation:
        facts.relation = relation
    return hub_bases


def apply_card_data(facts: ModelFacts, data: dict[str, Any], source: str) -> None:
    """Card fields as the API reports them (`cardData` of a model info or a listing)."""
    _apply_card_data(facts, data, source)


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
    import httpx2
    from huggingface_hub.errors import (
        HfHubHTTPError,
        LocalEntryNotFoundError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    where = settings.endpoint
    t = ref.label
    if isinstance(exc, RevisionNotFoundError):
        return SourceError(f"{ref.label}: revision {ref.revision!r} not found on the Hub", kind="not-found", target=t)
    if isinstance(exc, RepositoryNotFoundError):
        return SourceError(f"{ref.label}: model not found on the Hub ({where}); a private repo needs HF_TOKEN",
                           kind="not-found", target=t)
    if isinstance(exc, HfHubHTTPError):
        status = exc.response.status_code if exc.response is not None else None
        if status == 429:
            return SourceError(f"{ref.label}: rate limited by the Hub (HTTP 429); retry later or set HF_TOKEN",
                               kind="rate-limited", target=t)
        return SourceError(f"{ref.label}: the Hub answered HTTP {status}", kind="http", target=t)
    if isinstance(exc, httpx2.TimeoutException):
        return SourceError(f"{ref.label}: the Hub did not answer within {settings.timeout:g} s ({where})",
                           kind="timeout", target=t)
    if isinstance(exc, OfflineModeIsEnabled):
        return SourceError(f"{ref.label}: offline mode is on (HF_HUB_OFFLINE); only cached models can be read",
                           kind="offline", target=t)
    if isinstance(exc, (httpx2.TransportError, LocalEntryNotFoundError, OSError)):
        return SourceError(f"{ref.label}: " + UNREACHABLE.format(endpoint=where), kind="unreachable", target=t)
    return SourceError(f"{ref.label}: Hub read failed ({type(exc).__name__}: {exc})", target=t)


# --- offline: the local cache only ----------------------------------------------------


def read_cached(ref: HubRef, settings: HubSettings, target: str) -> ModelFacts:
    """Read a model from the local Hugging Face cache without any network access."""
    snapshot = cached_snapshot(ref, settings.cache_dir)
    if snapshot is None:
        raise SourceError(
            f"{ref.label}: not in the local Hugging Face cache ({settings.cache_dir}) and offline; "
            "read it once online or use the bundled catalog",
            kind="not-cached",
            target=ref.label,
        )
    facts = read_folder(snapshot)
    facts.target, facts.origin = target, "hub"
    facts.model_id = ref.repo_id
    facts.revision = snapshot.name
    facts.metadata["offline"] = True
    return facts


def cached_snapshot(ref: HubRef, cache_dir: Path) -> Path | None:
    """The cached snapshot folder for a ref, found through the README or refs/."""
    from huggingface_hub import try_to_load_from_cache

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
