"""Weight files: their format by name, and the facts their headers declare.

Pickle formats are named, never opened: unpickling runs code, and pickle scanners
are bypassed routinely, so smallprint reports them without certifying anything.
"""

from __future__ import annotations

import re
from typing import Any

from smallprint.model import Evidence, Finding, LicenseClaim, ModelFacts, WeightFile
from smallprint.sources.gguf_header import GGUFHeader
from smallprint.sources.safetensors_header import SafetensorsHeader

_FORMATS = {
    ".safetensors": "safetensors",
    ".gguf": "gguf",
    ".bin": "pickle",
    ".pt": "pickle",
    ".pth": "pickle",
    ".ckpt": "pickle",
    ".pkl": "pickle",
    ".pickle": "pickle",
    ".joblib": "pickle",
    ".onnx": "onnx",
    ".onnx_data": "onnx",
    ".h5": "other",
    ".keras": "other",
    ".msgpack": "other",
    ".tflite": "other",
    ".mlmodel": "other",
    ".nemo": "other",
    ".ggml": "other",
    ".llamafile": "other",
    ".pte": "other",
}
_HF_URL = re.compile(r"^https?://(?:www\.)?huggingface\.co/([\w.-]+/[\w.-]+)/?$", re.IGNORECASE)
MAX_LICENSE_VALUE = 512 * 1024
GGUF_LICENSE_KEYS = ("general.license", "general.license.name", "general.license.link")


def weight_format(filename: str) -> str | None:
    """The weight format a file name implies, or None for non-weight files."""
    lower = filename.lower()
    if lower == "saved_model.pb":
        return "other"
    for suffix, kind in _FORMATS.items():
        if lower.endswith(suffix):
            return kind
    return None


def hub_id_from_url(url: str) -> str | None:
    """`https://huggingface.co/org/name` -> `org/name`."""
    match = _HF_URL.match(url.strip())
    return match.group(1) if match else None


def _header_evidence(file: str, key: str, value: Any) -> Evidence:
    return Evidence(file, 0, 0, f"{key} = {value}")


def apply_gguf(facts: ModelFacts, header: GGUFHeader, file: str) -> None:
    """Licence keys become claims; general.base_model.N and source keys become lineage."""
    meta = header.metadata
    for key in GGUF_LICENSE_KEYS:
        value = meta.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        parts = _license_list(value) if key == "general.license" else [value.strip()]
        for part in parts:
            facts.license_claims.append(LicenseClaim(f"gguf:{key}", part, _header_evidence(file, key, value)))
    parents = _gguf_parents(meta)
    idents = [
        i
        for p in parents
        if (i := hub_id_from_url(str(p.get("repo_url", ""))) or hub_id_from_url(str(p.get("url", ""))))
    ]
    # A converter copies the *source* model's parents into the header: they are this
    # file's lineage only when nothing else (card, adapter config) names a base.
    if facts.base_models:
        facts.metadata.setdefault("gguf_parents", {})[file] = idents
    else:
        for ident in idents:
            if ident not in facts.base_models:
                facts.base_models.append(ident)
    source = next(
        (hub_id_from_url(str(meta[k])) for k in ("general.source.repo_url", "general.source.url") if k in meta),
        None,
    )
    gguf_meta = facts.metadata.setdefault("gguf", {})
    gguf_meta[file] = {
        "version": header.version,
        "architecture": header.architecture,
        "tensor_count": header.tensor_count,
        "parameter_count": header.parameter_count,
        "general": {k: v for k, v in meta.items() if k.startswith("general.")},
        "base_models": parents,
        "source_model": source,
    }
    if facts.name is None and isinstance(meta.get("general.name"), str):
        facts.name = meta["general.name"]
    # a header is untrusted: a key of the wrong type (general.tags as a number) is ignored
    for tag in _strings(meta.get("general.tags")):
        if tag not in facts.tags:
            facts.tags.append(tag)
    for dataset in _strings(meta.get("general.datasets")):
        if dataset not in facts.datasets:
            facts.datasets.append(dataset)


def _strings(value: Any) -> list[str]:
    """A header value meant as a list of strings: the strings of a list, or one string."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


def _license_list(value: str) -> list[str]:
    """The converter joins a card's licence list with ","; split it back when it is one."""
    parts = [p.strip() for p in value.split(",")]
    if len(parts) > 1 and all(p and " " not in p for p in parts):
        return parts
    return [value.strip()]


def _gguf_parents(meta: dict[str, Any]) -> list[dict[str, Any]]:
    """general.base_model.N.* grouped by N, in order."""
    count = meta.get("general.base_model.count")
    limit = count if isinstance(count, int) and 0 <= count <= 64 else 64
    parents: list[dict[str, Any]] = []
    for index in range(limit):
        prefix = f"general.base_model.{index}."
        entry = {k[len(prefix) :]: v for k, v in meta.items() if k.startswith(prefix)}
        if entry:
            parents.append(entry)
    return parents


def apply_safetensors(facts: ModelFacts, header: SafetensorsHeader, file: str) -> None:
    """A `license` key in __metadata__ (a convention, not a standard) becomes a claim."""
    for key, value in header.metadata.items():
        # `license` by convention; `modelspec.license` (Stability's ModelSpec, kohya-style trainers)
        if key.lower().rsplit(".", 1)[-1] in ("license", "licence", "license_name", "license_link") and value.strip():
            if len(value) > MAX_LICENSE_VALUE:  # a licence text, not a name: beyond what is identified
                facts.findings.append(Finding(
                    "broken-metadata", "warning",
                    f"{file}: __metadata__.{key[:80]} holds {len(value):,} characters, more than the "
                    f"{MAX_LICENSE_VALUE:,} read as a licence; not read",
                    [Evidence(file, 0, 0, f"__metadata__.{key[:80]}")],
                ))
                continue
            facts.license_claims.append(
                LicenseClaim(
                    f"safetensors:__metadata__.{key}",
                    value.strip(),
                    _header_evidence(file, f"__metadata__.{key}", value),
                )
            )
    facts.metadata.setdefault("safetensors", {})[file] = {
        "metadata": header.metadata,
        "tensor_count": header.tensor_count,
        "dtypes": header.dtypes,
        "parameter_count": header.parameter_count,
    }


def pickle_finding(files: list[WeightFile]) -> Finding | None:
    """One `pickle-weights` finding naming every pickle-format weight file."""
    pickles = [w for w in files if w.format == "pickle"]
    if not pickles:
        return None
    names = ", ".join(w.path.rsplit("/", 1)[-1] for w in pickles[:5])
    more = f" and {len(pickles) - 5} more" if len(pickles) > 5 else ""
    return Finding(
        code="pickle-weights",
        severity="warning",
        message=(
            f"{len(pickles)} pickle-format weight file(s) ({names}{more}): loading them can run "
            "arbitrary code; smallprint never unpickles them and does not certify them safe "
            "(pickle scanners are routinely bypassed); prefer safetensors or GGUF weights"
        ),
        evidence=[Evidence(w.path, 0, 0, w.path.rsplit("/", 1)[-1]) for w in pickles[:50]],
    )
