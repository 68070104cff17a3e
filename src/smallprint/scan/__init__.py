"""scan-code: which models does this code base use? Each reference with its file and line.

Walks a directory (bounded by file count and size), skipping vendored and generated
directories (.git, node_modules, virtual environments, caches) and test fixtures
below the scan root (`tests/fixtures`, `testdata`); a directory given as the root is
always scanned. Python is read with `ast`, configs are parsed, other languages are
matched line by line.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from smallprint.errors import InputError
from smallprint.inputs import decode_text
from smallprint.scan.python_refs import python_references
from smallprint.scan.refs import ModelReference, UnreadableFile, classify
from smallprint.scan.text_refs import (
    env_references,
    json_references,
    line_references,
    toml_references,
    yaml_references,
)
from smallprint.sources.paths import is_dir, is_file, why_not_readable

__all__ = ["ModelReference", "ScanLimits", "ScanReport", "classify", "scan_code", "scan_file"]

SKIP_DIRS: Final = frozenset({
    ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", "site-packages", ".tox", ".nox",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis", ".eggs", "vendor", "_vendor", "third_party",
    "third-party", ".ipynb_checkpoints", ".idea", ".vscode", "dist", "build", ".next", "bower_components",
})
TEST_DIRS: Final = frozenset({"test", "tests", "testing", "__tests__", "spec", "specs"})
FIXTURE_DIRS: Final = frozenset({"fixtures", "fixture", "__fixtures__", "__snapshots__", "cassettes", "snapshots"})
ALWAYS_FIXTURE_DIRS: Final = frozenset({"testdata", "test_data", "test-data"})

Reader = Callable[[str, str], Iterator[ModelReference]]


def _lines_shell(text: str, file: str) -> Iterator[ModelReference]:
    return line_references(text, file, shell=True)


def _lines_code(text: str, file: str) -> Iterator[ModelReference]:
    return line_references(text, file, shell=False)


READERS: Final[dict[str, Reader]] = {
    ".py": python_references, ".pyi": python_references,
    ".yaml": yaml_references, ".yml": yaml_references,
    ".json": json_references, ".toml": toml_references,
    ".env": env_references, ".cfg": env_references, ".ini": env_references,
    ".sh": _lines_shell, ".bash": _lines_shell, ".zsh": _lines_shell, ".ps1": _lines_shell,
    ".js": _lines_code, ".mjs": _lines_code, ".cjs": _lines_code, ".jsx": _lines_code,
    ".ts": _lines_code, ".tsx": _lines_code, ".go": _lines_code, ".rs": _lines_code, ".java": _lines_code,
    ".kt": _lines_code, ".rb": _lines_code, ".php": _lines_code, ".cs": _lines_code, ".swift": _lines_code,
    ".scala": _lines_code, ".c": _lines_code, ".cc": _lines_code, ".cpp": _lines_code, ".h": _lines_code,
}
NAMED_READERS: Final[dict[str, Reader]] = {
    "dockerfile": _lines_shell, "containerfile": _lines_shell, "makefile": _lines_shell,
    "justfile": _lines_shell, "modelfile": _lines_shell, "procfile": _lines_shell,
}
SKIP_FILES: Final = frozenset({"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "uv.lock",
                               "composer.lock", "cargo.lock", "pipfile.lock", "tokenizer.json", "vocab.json"})


@dataclass(frozen=True)
class ScanLimits:
    """Bounds that keep a scan of a huge tree quick and safe."""

    max_files: int = 20_000
    max_file_bytes: int = 1_000_000
    max_references: int = 10_000


@dataclass
class ScanReport:
    """What scan-code found: references in file order, and what it skipped and why."""

    root: str
    references: list[ModelReference] = field(default_factory=list)
    files_scanned: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    truncated: bool = False

    @property
    def unresolved(self) -> list[ModelReference]:
        return [r for r in self.references if r.kind == "unresolved"]

    def models(self) -> dict[str, list[ModelReference]]:
        """Resolved names -> their references, in first-seen order."""
        out: dict[str, list[ModelReference]] = {}
        for r in self.references:
            if r.name is not None and r.kind != "unresolved":
                out.setdefault(r.name, []).append(r)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "smallprint/scan/1",
            "root": self.root,
            "files_scanned": self.files_scanned,
            "truncated": self.truncated,
            "references": [r.to_dict() for r in self.references],
            "models": [
                {"name": name, "kind": refs[0].kind, "provider": refs[0].provider,
                 "locations": [r.location for r in refs]}
                for name, refs in self.models().items()
            ],
            "unresolved": [r.to_dict() for r in self.unresolved],
            "skipped": [{"path": p, "why": w} for p, w in self.skipped],
        }


def _reader_for(path: Path) -> Reader | None:
    name = path.name.lower()
    if name in SKIP_FILES:
        return None
    if name in NAMED_READERS or name.split(".")[0] in NAMED_READERS:
        return NAMED_READERS.get(name) or NAMED_READERS[name.split(".")[0]]
    if name == ".env" or name.startswith(".env."):
        return env_references
    return READERS.get(path.suffix.lower())


def _is_fixture_dir(rel_parts: tuple[str, ...]) -> bool:
    """A fixtures directory inside a test tree (or a testdata directory) below the scan root."""
    low = [p.lower() for p in rel_parts]
    if low and low[-1] in ALWAYS_FIXTURE_DIRS:
        return True
    return bool(low) and low[-1] in FIXTURE_DIRS and any(p in TEST_DIRS for p in low[:-1])


def _skip_dir(root: Path, d: Path) -> str | None:
    if d.name in SKIP_DIRS:
        return "vendored or generated directory"
    if (d / "pyvenv.cfg").is_file():
        return "virtual environment"
    if _is_fixture_dir(d.relative_to(root).parts):
        return "test fixtures"
    return None


def _walk(root: Path, report: ScanReport) -> Iterator[Path]:
    def on_error(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else root
        try:
            label = where.relative_to(root).as_posix()
        except ValueError:
            label = str(where)
        report.skipped.append((label or ".", f"cannot read ({exc.strerror or type(exc).__name__})"))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=on_error):
        here = Path(dirpath)
        keep = []
        for name in sorted(dirnames):
            why = _skip_dir(root, here / name)
            if why:
                report.skipped.append(((here / name).relative_to(root).as_posix(), why))
            else:
                keep.append(name)
        dirnames[:] = keep
        for name in sorted(filenames):
            yield here / name


def scan_file(path: Path, rel: str, limits: ScanLimits = ScanLimits()) -> list[ModelReference]:
    """References in one file (none for a file type smallprint does not read)."""
    reader = _reader_for(path)
    if reader is None:
        return []
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{rel}: not a regular file")
        if st.st_size > limits.max_file_bytes:
            raise InputError(f"{rel}: larger than {limits.max_file_bytes} bytes")
        with open(path, "rb") as f:
            data = f.read(limits.max_file_bytes + 1)
    except OSError as e:
        raise InputError(f"{rel}: cannot read ({e.strerror or type(e).__name__})") from None
    if len(data) > limits.max_file_bytes:
        raise InputError(f"{rel}: larger than {limits.max_file_bytes} bytes")
    if not data.strip():
        return []
    text = decode_text(data, rel)  # one encoding policy; binary content is refused and reported
    try:
        return list(reader(text, rel))
    except UnreadableFile as e:
        raise InputError(f"{rel}: {e}") from None
    except (RecursionError, MemoryError):
        raise InputError(f"{rel}: nested too deeply; not read") from None


def scan_code(root: str | Path, limits: ScanLimits = ScanLimits()) -> ScanReport:
    """Find model references under `root` (a directory, or a single file)."""
    base = Path(root)
    report = ScanReport(root=str(root))
    if is_file(base):
        report.references = scan_file(base, base.name, limits)
        report.files_scanned = 1
        return report
    if not is_dir(base):
        raise InputError(f"{root}: {why_not_readable(base)}")
    for path in _walk(base, report):
        if _reader_for(path) is None or path.is_symlink() or not is_file(path):
            continue
        rel = path.relative_to(base).as_posix()
        if report.files_scanned >= limits.max_files:
            report.truncated = True
            report.skipped.append((rel, f"file limit ({limits.max_files}) reached"))
            break
        try:
            refs = scan_file(path, rel, limits)
        except (InputError, OSError) as e:
            report.skipped.append((rel, str(e).removeprefix(f"{rel}: ")))
            continue
        report.files_scanned += 1
        report.references.extend(refs)
        if len(report.references) >= limits.max_references:
            report.references = report.references[: limits.max_references]
            report.truncated = True
            report.skipped.append(
                (rel, f"reference limit ({limits.max_references}) reached; the files after it were not scanned")
            )
            break
    return report
