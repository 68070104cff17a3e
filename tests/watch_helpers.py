"""Model folders and licence texts for the watch tests (tests/watch), importable by name."""

from __future__ import annotations

from pathlib import Path

KB_TEXTS = Path(__file__).resolve().parents[1] / "src/smallprint/kb/texts"


def licence_text(name: str) -> str:
    return (KB_TEXTS / name).read_text(encoding="utf-8")


def model_folder(root: Path, name: str, *, license_id: str | None, license_file: str | None = None,
                 base: str | None = None, extra: str = "") -> Path:
    """A downloaded-snapshot-like folder: a card (front matter) and optionally a LICENSE."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    meta = []
    if license_id:
        meta.append(f"license: {license_id}")
    if base:
        meta.append(f"base_model: {base}")
    card = "---\n" + "\n".join(meta) + "\n---\n" + f"# {name}\n\nA model.{extra}\n"
    (folder / "README.md").write_text(card, encoding="utf-8")
    if license_file is not None:
        (folder / "LICENSE").write_text(license_file, encoding="utf-8")
    elif (folder / "LICENSE").exists():
        (folder / "LICENSE").unlink()
    return folder
