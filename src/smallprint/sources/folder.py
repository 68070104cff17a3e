"""A model on disk: a downloaded snapshot folder or a repo in the Hugging Face cache.

The walk is bounded (depth, file count, no followed directory links) so symlink
loops, huge trees and unreadable files give findings, never a hang or a crash.
A file link is read only when it resolves inside the snapshot, or inside the HF
cache entry's own `blobs/` folder (how the cache stores every file): a card or
licence linked to `/proc/self/environ` or `/etc/passwd` must never reach a report.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smallprint.errors import InputError, SmallprintError
from smallprint.inputs import decode_text
from smallprint.model import Evidence, Finding, LicenseClaim, ModelFacts, WeightFile
from smallprint.sources.card import read_card
from smallprint.sources.card_facts import HUB_ID, apply_card
from smallprint.sources.gguf_header import read_gguf_header
from smallprint.sources.paths import is_dir, why_not_readable
from smallprint.sources.safetensors_header import read_safetensors_header
from smallprint.sources.weights import apply_gguf, apply_safetensors, pickle_finding, weight_format

MAX_DEPTH = 6
MAX_FILES = 10_000
MAX_LICENSE_BYTES = 512 * 1024  # the identification limit (smallprint.inputs.MAX_TEXT_BYTES)
MAX_JSON_BYTES = 5 * 1024 * 1024
MAX_HEADERS = 32
MAX_MODELS = 100_000
_MODEL_MARKERS = ("readme.md", "config.json", "adapter_config.json", "model_index.json")
_CACHE_REPO = re.compile(r"^models--(?P<org>[^/]+?)--(?P<name>[^/]+)$")
_LICENSE_PREFIXES = ("license", "licence", "copying", "notice", "use_policy", "use-policy")
_LICENSE_SUFFIXES = ("", ".md", ".txt", ".rst", ".markdown")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class SnapshotLocation:
    """Where the files are, and what the HF cache layout says about them."""

    root: Path
    model_id: str | None
    revision: str | None
    blobs: Path | None = None  # the cache entry's blobs/ folder, where snapshot links may point


def locate_snapshot(path: Path) -> SnapshotLocation:
    """Resolve a cache repo dir (`models--org--name`) or snapshot dir; other dirs as is."""
    repo = _CACHE_REPO.match(path.name)
    if repo and (path / "snapshots").is_dir():
        revision = _pick_snapshot(path)
        model_id = f"{repo.group('org')}/{repo.group('name')}"
        return SnapshotLocation(path / "snapshots" / revision, model_id, revision, _blobs(path))
    parent = path.parent
    if parent.name == "snapshots":
        repo = _CACHE_REPO.match(parent.parent.name)
        if repo:
            return SnapshotLocation(
                path, f"{repo.group('org')}/{repo.group('name')}", path.name, _blobs(parent.parent)
            )
    return SnapshotLocation(path, None, None)


def _blobs(repo_dir: Path) -> Path | None:
    """The cache entry's real blobs/ folder; a blobs/ that is itself a link is not trusted."""
    blobs = repo_dir / "blobs"
    try:
        if blobs.is_symlink() or not blobs.is_dir():
            return None
        real = Path(os.path.realpath(blobs))
        if real.parent != Path(os.path.realpath(repo_dir)):
            return None
        return real
    except OSError:
        return None


def _pick_snapshot(repo_dir: Path) -> str:
    """The snapshot refs/main points at, else the only or newest snapshot."""
    ref = repo_dir / "refs" / "main"
    try:
        if ref.is_file() and not ref.is_symlink():  # a link to /dev/zero must not be read
            with ref.open("rb") as f:
                sha = f.read(128).decode("utf-8", errors="replace").strip()[:64]
            if _COMMIT.match(sha) and (repo_dir / "snapshots" / sha).is_dir():
                return sha
    except OSError:
        pass
    try:
        snapshots = [
            p for p in (repo_dir / "snapshots").iterdir() if p.is_dir() and not p.is_symlink()
        ][:1000]
    except OSError as e:
        raise InputError(f"{repo_dir}: Hugging Face cache entry cannot be read ({e.strerror or e})") from None
    if not snapshots:
        raise InputError(f"{repo_dir}: Hugging Face cache entry has no snapshot")
    return max(snapshots, key=_mtime).name


def _mtime(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except OSError:
        return 0.0


def is_model_folder(path: Path) -> bool:
    """A folder that holds one model: a card, a config, weights, or an HF cache entry."""
    if _CACHE_REPO.match(path.name) and is_dir(path / "snapshots"):
        return True
    try:
        with os.scandir(path) as entries:
            for count, entry in enumerate(entries):
                name = entry.name.lower()
                if count > 5000:
                    break
                if not _is_file(entry):
                    continue  # a sub-folder called "license-classifier" is another model, not a licence
                if name in _MODEL_MARKERS or weight_format(name) is not None or is_license_file(name):
                    return True
    except OSError:
        return False
    return False


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()  # follows links: HF cache snapshots link to blobs
    except OSError:
        return False


_STRONG_MARKERS = ("readme.md", "adapter_config.json")
_SNAPSHOT_MARKERS = ("config.json", "adapter_config.json", "model_index.json", "params.json")


def _top_names(path: Path) -> list[tuple[str, bool]]:
    """(lower-case name, is a regular file or a link to one) of a folder's entries, bounded."""
    out: list[tuple[str, bool]] = []
    try:
        with os.scandir(path) as entries:
            for count, entry in enumerate(entries):
                if count > 5000:
                    break
                out.append((entry.name.lower(), _is_file(entry)))
    except OSError:
        pass
    return out


def _is_member_model(path: Path) -> bool:
    """A sub-folder that is a whole model of its own: a card, an adapter, or a config with weights."""
    names = _top_names(path)
    files = {n for n, f in names if f}
    if files & set(_STRONG_MARKERS):
        return True
    return "config.json" in files and any(weight_format(n) is not None for n in files)


def collection_members(path: Path) -> list[Path] | None:
    """The models of a folder that holds several models *and* loose files of its own.

    A folder with a README.md (or a loose .gguf) next to model sub-folders looked like
    one model, so its sub-folders were never checked. When the top has no config of
    its own (a transformers, diffusers or PEFT snapshot does) and at least one
    sub-folder is a whole model, the folder is a collection: each model sub-folder,
    and each loose GGUF or safetensors file, is a target of its own. None otherwise.
    """
    if _CACHE_REPO.match(path.name):
        return None
    top = _top_names(path)
    files = {n for n, f in top if f}
    if files & set(_SNAPSHOT_MARKERS):
        return None
    subs = find_model_folders(path)
    members = [s for s in subs if _is_member_model(s) or _CACHE_REPO.match(s.name)]
    if not members:
        return None
    loose = sorted(
        path / e.name
        for e in _scandir(path)
        if _is_file(e) and weight_format(e.name) in ("gguf", "safetensors")
    )
    return [*loose, *subs]


def _scandir(path: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(path) as entries:
            return [e for _, e in zip(range(5001), entries, strict=False)]
    except OSError:
        return []


def find_model_folders(root: Path, *, max_depth: int = 3, limit: int = MAX_MODELS) -> list[Path]:
    """Model folders under root, not descending into one once found (no followed links)."""
    found: list[Path] = []
    pending = [(root, 0)]
    while pending and len(found) < limit:
        folder, depth = pending.pop()
        if folder != root and is_model_folder(folder):
            found.append(folder)
            continue
        if depth >= max_depth:
            continue
        try:
            with os.scandir(folder) as entries:
                children = sorted(Path(e.path) for e in entries if _is_real_dir(e))
        except OSError:
            continue
        pending.extend((child, depth + 1) for child in reversed(children) if not child.name.startswith("."))
    return sorted(found)


def _is_real_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def is_license_file(name: str) -> bool:
    """LICENSE*, LICENCE*, COPYING*, NOTICE*, USE_POLICY* and *LICENSE*.md style names."""
    lower = name.lower()
    stem, dot, ext = lower.rpartition(".")
    suffix = f".{ext}" if dot and len(ext) <= 8 else ""
    if suffix not in _LICENSE_SUFFIXES:
        return False
    base = stem if suffix else lower
    return base.startswith(_LICENSE_PREFIXES) or any(
        word in base for word in ("license", "licence", "use_policy", "use-policy")
    )


def _inside(real: str, folder: str) -> bool:
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def walk_files(root: Path, blobs: Path | None = None) -> tuple[list[tuple[Path, int]], list[Finding]]:
    """Regular files under root, bounded in depth and count.

    A file link is followed only when it resolves inside root or inside `blobs` (the
    HF cache's store); any other link is not read and becomes a `link-outside-snapshot`
    finding that names the link, never what it points at."""
    files: list[tuple[Path, int]] = []
    findings: list[Finding] = []
    root_depth = len(root.parts)
    root_real = os.path.realpath(root)
    allowed = [root_real] + ([os.path.realpath(blobs)] if blobs is not None else [])

    def on_error(exc: OSError) -> None:
        findings.append(_unreadable(str(exc.filename or root), exc.strerror or str(exc)))

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=False):
        depth = len(Path(dirpath).parts) - root_depth
        if depth >= MAX_DEPTH:
            dirnames[:] = []
        kept = []
        for d in sorted(dirnames):
            if d.startswith(".git"):
                continue
            sub = Path(dirpath) / d
            if os.path.islink(sub):  # never walked; say so when it leads out of the snapshot
                if not any(_inside(os.path.realpath(sub), a) for a in allowed):
                    findings.append(_outside(sub, root, "folder"))
                continue
            kept.append(d)
        dirnames[:] = kept
        for name in sorted(filenames):
            path = Path(dirpath) / name
            try:
                if os.path.islink(path) and not any(_inside(os.path.realpath(path), a) for a in allowed):
                    findings.append(_outside(path, root, "file"))
                    continue
                info = path.stat()  # follows a file symlink (HF cache blobs); loops raise
            except (OSError, ValueError) as exc:
                why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                findings.append(_unreadable(str(path), why))
                continue
            if stat.S_ISREG(info.st_mode):
                files.append((path, info.st_size))
            if len(files) >= MAX_FILES:
                findings.append(_unreadable(str(root), f"more than {MAX_FILES} files; the rest were not read"))
                return files, findings
    return files, findings


def read_folder(path: Path) -> ModelFacts:
    """Read everything a snapshot folder says about its model."""
    if not is_dir(path):
        raise InputError(f"{path}: not a directory ({why_not_readable(path)})")
    where = locate_snapshot(path)
    facts = ModelFacts(target=str(path), model_id=where.model_id, origin="folder", revision=where.revision)
    files, findings = walk_files(where.root, where.blobs)
    facts.findings.extend(findings)
    top = {p.name.lower(): p for p, _ in files if p.parent == where.root}
    readme = top.get("readme.md")
    if readme is not None:
        try:
            apply_card(facts, read_card(readme))
        except InputError as exc:
            facts.findings.append(_unreadable(str(readme), str(exc)))
    for file, _size in files:
        if is_license_file(file.name) and len(file.relative_to(where.root).parts) <= 2:
            _add_license_file(facts, file, where.root)
    _apply_config(facts, top.get("config.json"))
    _apply_adapter(facts, top.get("adapter_config.json"))
    _add_weights(facts, files, where.root)
    spelled = folder_model_name(where.root)
    if facts.model_id is None and spelled and not _card_names_model(facts):
        facts.name = spelled  # the Hub id the snapshot was downloaded as beats a prose heading
    return facts


def _card_names_model(facts: ModelFacts) -> bool:
    """Whether the card's front matter names the model explicitly (`model_name`), not just a heading."""
    data = facts.card_data if isinstance(facts.card_data, dict) else {}
    return bool(data.get("model_name"))


_GENERIC_NAME = re.compile(
    r"^(?:[0-9a-f]{40}|checkpoint[-_]?\d*|model|models|snapshot|snapshots|output|outputs|final|main|tmp|temp|"
    r"merged|export|weights|hf|\.)$",
    re.I,
)


def folder_model_name(root: Path) -> str | None:
    """The Hub id a downloaded snapshot's folder spells when nothing else names it:
    `org--name` or `models--org--name` (how `huggingface-cli download` and the HF cache lay
    snapshots out). Generic names ("checkpoint-500", a commit hash) name nothing."""
    base = root.resolve().name
    base = base.removeprefix("models--")
    if "--" in base:
        org, _, rest = base.partition("--")
        if org and rest and not _GENERIC_NAME.match(rest):
            return f"{org}/{rest}"
    return None  # a bare folder name ("my-lora", "out") is too weak to hold a model to a naming rule


def _add_license_file(facts: ModelFacts, file: Path, root: Path) -> None:
    label = file.relative_to(root).as_posix()
    try:
        if file.stat().st_size > MAX_LICENSE_BYTES:
            facts.findings.append(_unreadable(str(file), f"licence file larger than {MAX_LICENSE_BYTES} bytes"))
            return
        data = file.read_bytes()
    except OSError as exc:
        facts.findings.append(_unreadable(str(file), exc.strerror or str(exc)))
        return
    try:
        text = decode_text(data, label)  # the one encoding policy: UTF-8 (BOM or not), UTF-16 with BOM
    except InputError as exc:
        facts.findings.append(_unreadable(str(file), f"licence file not read: {str(exc).removeprefix(label + ': ')}"))
        return
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    quote = next((line.strip() for line in lines if line.strip()), "")
    evidence = Evidence(str(file), 1, max(1, len(lines)), quote[:500])
    facts.license_claims.append(LicenseClaim(f"file:{label}", text, evidence))


def _read_json(file: Path | None, facts: ModelFacts) -> dict[str, Any] | None:
    if file is None:
        return None
    try:
        if file.stat().st_size > MAX_JSON_BYTES:
            raise ValueError("file too large")
        data = json.loads(decode_text(file.read_bytes(), file.name))
    except (OSError, ValueError, RecursionError, InputError) as exc:
        facts.findings.append(
            Finding(
                "broken-metadata",
                "warning",
                f"{file}: not readable JSON ({exc})",
                [Evidence(str(file), 1, 1, "")],
            )
        )
        return None
    return data if isinstance(data, dict) else None


def _apply_config(facts: ModelFacts, file: Path | None) -> None:
    data = _read_json(file, facts)
    if data is None:
        return
    architectures = data.get("architectures")
    facts.metadata["config"] = {
        "architectures": [a for a in architectures if isinstance(a, str)] if isinstance(architectures, list) else [],
        "model_type": data.get("model_type") if isinstance(data.get("model_type"), str) else None,
        "name_or_path": data.get("_name_or_path") if isinstance(data.get("_name_or_path"), str) else None,
    }


def _apply_adapter(facts: ModelFacts, file: Path | None) -> None:
    data = _read_json(file, facts)
    if data is None:
        return
    base = data.get("base_model_name_or_path")
    peft_type = data.get("peft_type")
    facts.metadata["adapter"] = {
        "base_model_name_or_path": base if isinstance(base, str) else None,
        "peft_type": peft_type if isinstance(peft_type, str) else None,
        "file": str(file),
    }
    if isinstance(base, str) and HUB_ID.match(base.strip()) and base.strip() not in facts.base_models:
        facts.base_models.append(base.strip())
    if facts.relation is None:
        facts.relation = "adapter"


def _add_weights(facts: ModelFacts, files: list[tuple[Path, int]], root: Path) -> None:
    headers_read = 0
    for file, size in files:
        kind = weight_format(file.name)
        if kind is None:
            continue
        facts.weight_files.append(WeightFile(str(file), kind, size))
        if kind not in ("gguf", "safetensors") or headers_read >= MAX_HEADERS:
            continue
        headers_read += 1
        try:
            if kind == "gguf":
                apply_gguf(facts, read_gguf_header(file), str(file))
            else:
                apply_safetensors(facts, read_safetensors_header(file), str(file))
        except SmallprintError as exc:
            facts.findings.append(
                Finding("broken-metadata", "warning", str(exc), [Evidence(str(file), 0, 0, file.name)])
            )
    finding = pickle_finding(facts.weight_files)
    if finding:
        facts.findings.append(finding)


def _outside(link: Path, root: Path, what: str) -> Finding:
    """A link that leaves the snapshot: named by its place in the snapshot only (where it
    points may itself be sensitive, and its content is never read)."""
    try:
        label = link.relative_to(root).as_posix()
    except ValueError:
        label = link.name
    return Finding(
        "link-outside-snapshot",
        "warning",
        f"{label}: a symbolic link to a {what} outside the snapshot (and outside the Hugging Face "
        "cache's blobs/); not read",
        [Evidence(str(link), 0, 0, label)],
    )


def _unreadable(file: str, why: str) -> Finding:
    return Finding("broken-metadata", "warning", f"{file}: {why}", [Evidence(file, 0, 0, "")])
