"""Read, write and evaluate Model Openness Tool (MOT) YAML files.

Two modes:

- `mot_compatible=True` reproduces the tool's published evaluator: licence strings are
  matched exactly (case-sensitive) against its lists, a component-specific licence wins
  over the type-specific global licence, which wins over the distribution licence; a
  component counts when its licence is FSF libre, on the open-data list or OSI
  approved; a research paper may stand in for the technical report; the progress of a
  class is 0 until every higher class is complete.
- the default mode first normalises each licence name (the knowledge base, then the
  SPDX list: "Apache 2.0" is Apache-2.0), refuses licences the knowledge base knows to
  restrict use, and lists every place where its result differs from the tool's, and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from smallprint.errors import InputError
from smallprint.evaluators.openness import mof
from smallprint.model import Evidence

MAX_BYTES = 2_000_000
GLOBAL_TYPES = ("distribution", "code", "data", "document")
CLOSED_KINDS = frozenset({"restricted-model", "non-commercial", "research-only", "proprietary", "use-policy"})
UNLICENSED_WORDS = frozenset({"unlicensed", "none", "n/a", "no license", "no licence", "not licensed"})


# --- the file ------------------------------------------------------------------------


@dataclass
class MotComponentEntry:
    """One component as a MOT file lists it; `license` None means the key is absent or null."""

    name: str
    license: str | None = None
    license_path: str | None = None
    component_path: str | None = None
    description: str | None = None
    line: int | None = None


@dataclass
class MotRelease:
    """The `release` block of a MOT file, plus where it came from."""

    name: str
    components: list[MotComponentEntry] = field(default_factory=list)
    global_licenses: dict[str, str | None] = field(default_factory=dict)
    global_paths: dict[str, str | None] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)  # version, date, type, producer, ...
    path: str | None = None
    license_after_components: bool = False  # the tool's importer then never stores the global licences


def _scalar(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, (dict, list)):
        return None
    return str(v)


def _component_lines(text: str) -> dict[str, int]:
    """1-based line of each `name:` inside the components list, for evidence."""
    out: dict[str, int] = {}
    for i, line in enumerate(text.splitlines(), 1):
        m = re.match(r"^\s*(?:-\s*)?name:\s*['\"]?(.*?)['\"]?\s*$", line)
        if m and m.group(1) and mof.component_by_name(m.group(1)) is not None:
            out.setdefault(m.group(1), i)
    return out


def parse_mot(text: str, source: str | None = None) -> MotRelease:
    """Parse MOT YAML text; raises InputError with one line when it is not a MOT file."""
    where = source or "<input>"
    from smallprint.sources.yaml_guard import YamlProblem, load_bounded_yaml

    loaded = load_bounded_yaml(text, max_bytes=MAX_BYTES)  # untrusted input: depth, alias and size limits
    if isinstance(loaded, YamlProblem):
        raise InputError(f"{where}: not valid YAML (line {loaded.line + 1}): {loaded.message.removeprefix('invalid YAML: ')}")
    data = loaded.data
    if not isinstance(data, dict) or not isinstance(data.get("release"), dict):
        raise InputError(f"{where}: not a Model Openness Tool file (no 'release' mapping)")
    rel = data["release"]
    comps_raw = rel.get("components") or []
    if not isinstance(comps_raw, list):
        raise InputError(f"{where}: 'release.components' must be a list")
    lines = _component_lines(text)
    comps: list[MotComponentEntry] = []
    for c in comps_raw:
        if not isinstance(c, dict) or not _scalar(c.get("name")):
            raise InputError(f"{where}: every component needs a 'name'")
        name = str(c["name"])
        comps.append(
            MotComponentEntry(
                name=name,
                license=_scalar(c.get("license")),
                license_path=_scalar(c.get("license_path")),
                component_path=_scalar(c.get("component_path")),
                description=_scalar(c.get("description")),
                line=lines.get(name),
            )
        )
    glob_names: dict[str, str | None] = {}
    glob_paths: dict[str, str | None] = {}
    lic = rel.get("license")
    if isinstance(lic, dict):
        for key, val in lic.items():
            if isinstance(val, dict):
                glob_names[str(key)] = _scalar(val.get("name"))
                glob_paths[str(key)] = _scalar(val.get("path"))
    fields = {k: v for k, v in rel.items() if k not in ("components", "license", "name")}
    keys = list(rel)
    return MotRelease(
        name=str(rel.get("name") or ""),
        components=comps,
        global_licenses=glob_names,
        global_paths=glob_paths,
        fields=fields,
        path=source,
        license_after_components=("license" in rel and "components" in rel
                                  and keys.index("license") > keys.index("components")),
    )


def read_mot_file(path: str | Path) -> MotRelease:
    from smallprint.sources.config_file import read_user_text
    from smallprint.sources.paths import is_dir

    p = Path(path)
    if is_dir(p):
        raise InputError(f"{p}: is a directory, expected a MOT YAML file")
    # FIFOs, devices, size, encoding: the one reader of user files; then parsed here
    return parse_mot(read_user_text(p, "MOT file", max_bytes=MAX_BYTES), str(p))


def release_to_dict(release: MotRelease) -> dict[str, Any]:
    """The MOT file structure (schema `mof_schema.json`) for a release."""
    rel: dict[str, Any] = {"name": release.name}
    for key in ("version", "date", "type", "architecture", "treatment", "origin", "producer", "contact",
                "repository", "huggingface"):
        if key in release.fields:
            rel[key] = release.fields[key]
    rel.setdefault("producer", "")
    lic: dict[str, Any] = {}
    for key, name in release.global_licenses.items():
        lic[key] = {"name": name, "path": release.global_paths.get(key) or ""}
    rel["license"] = lic
    comps = []
    for c in release.components:
        comp = mof.component_by_name(c.name)
        d: dict[str, Any] = {"name": c.name, "description": c.description or (comp.description if comp else "")}
        if c.license is not None:
            d["license"] = c.license
        if c.license_path:
            d["license_path"] = c.license_path
        if c.component_path:
            d["component_path"] = c.component_path
        comps.append(d)
    rel["components"] = comps
    return {
        "framework": {"name": "Model Openness Framework", "version": "1.0", "date": "2024-12-15"},
        "release": rel,
    }


def to_mot_yaml(release: MotRelease) -> str:
    return yaml.safe_dump(release_to_dict(release), sort_keys=False, allow_unicode=True)


def write_mot_file(release: MotRelease, path: str | Path) -> None:
    Path(path).write_text(to_mot_yaml(release), encoding="utf-8")


# --- licence resolution ----------------------------------------------------------------


@dataclass(frozen=True)
class LicenseVerdict:
    """How one licence string was judged: the id evaluated, open or not, and why."""

    written: str
    evaluated_as: str | None
    open: bool
    reason: str


def _loose_key(s: str) -> str:
    s = s.lower()
    s = re.sub(r"\b(the|license|licence|version|v)\b", " ", s)
    return re.sub(r"[^a-z0-9.+]", "", s)


@lru_cache(maxsize=4)
def _loose_names(table: mof.LicenseTable) -> dict[str, frozenset[str]]:
    """Loose spelling -> ids of the tool's ~660 licences: built once per table, not per model
    (two regex passes per name made it a quarter of a `check`)."""
    loose: dict[str, set[str]] = {}
    for lid, lic in table.licenses.items():
        for s in (lid, lic.name):
            loose.setdefault(_loose_key(s), set()).add(lid)
    return {k: frozenset(v) for k, v in loose.items()}


class LicenseNormaliser:
    """Maps a licence name as people write it to the SPDX id of the tool's list."""

    def __init__(self, table: mof.LicenseTable, kb: Any = None):
        self.table = table
        self.kb = kb
        self._loose = _loose_names(table)

    def _kb_entry(self, name: str) -> Any:
        if self.kb is None:
            return None
        return self.kb.lookup(name)

    def judge(self, name: str) -> LicenseVerdict:
        whole = self._judge_one(name.strip())
        if whole.evaluated_as is not None:
            return whole
        parts = [p for p in re.split(r"\s+(?:AND|OR|and|or)\s+|\s*[,;/]\s*|\s*&\s*", name.strip()) if p]
        if len(parts) < 2:
            return whole
        verdicts = [self._judge_one(p) for p in parts]
        if any(v.evaluated_as is None for v in verdicts):
            return whole
        ok = all(v.open for v in verdicts)
        reason = "; ".join(f"{v.written}: {v.reason}" for v in verdicts)
        ids = " AND ".join(v.evaluated_as or v.written for v in verdicts)
        return LicenseVerdict(name, ids, ok, f"several licences, counted open only if all are: {reason}")

    def _judge_one(self, name: str) -> LicenseVerdict:
        t = self.table
        entry = self._kb_entry(name)
        if entry is not None and entry.kind in CLOSED_KINDS:
            return LicenseVerdict(name, entry.id, False, f"knowledge base: {entry.id} is a {entry.kind} licence")
        if t.get(name):
            return LicenseVerdict(name, name, t.is_open(name), self._why(name))
        if entry is not None and entry.spdx_id and t.get(entry.spdx_id):
            sid = entry.spdx_id
            return LicenseVerdict(name, sid, t.is_open(sid), f"knowledge base: {entry.id} is SPDX {sid}; {self._why(sid)}")
        canon = t.canonical_id(name)
        if canon is None:
            hits = self._loose.get(_loose_key(name), frozenset())
            canon = next(iter(hits)) if len(hits) == 1 else None
        if canon is not None:
            return LicenseVerdict(name, canon, t.is_open(canon), f"SPDX list: written for {canon}; {self._why(canon)}")
        if entry is not None:
            return LicenseVerdict(name, entry.id, False, f"knowledge base: {entry.id} ({entry.kind}) is on no open list")
        return LicenseVerdict(name, None, False, "not a licence on the SPDX list or in the knowledge base")

    def _why(self, lid: str) -> str:
        t = self.table
        if t.is_osi_approved(lid):
            return f"{lid} is OSI approved"
        if t.is_fsf_libre(lid):
            return f"{lid} is FSF libre"
        if t.is_open_data(lid):
            return f"{lid} is an open-data licence"
        return f"{lid} is neither OSI approved, FSF libre nor an open-data licence"


def exact_verdict(table: mof.LicenseTable, name: str) -> LicenseVerdict:
    """The tool's judgement: the exact string, nothing normalised."""
    is_open = table.is_open(name)
    reason = "open on the tool's lists" if is_open else "not on the tool's lists as written"
    return LicenseVerdict(name, name, is_open, reason)


# --- evaluation --------------------------------------------------------------------


@dataclass
class ComponentResult:
    """One of the 17 components: present or not, its licence, and whether it counts."""

    id: int
    name: str
    mof_class: int
    required: bool
    content_type: str
    status: str  # open | not-open | unlicensed | missing
    license: str | None = None
    license_source: str | None = None  # component | global:<type> | None
    evaluated_as: str | None = None
    type_appropriate: bool | None = None
    reason: str | None = None
    inferred: bool = False
    source: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    listed_as: str | None = None  # the name the file used for it

    @property
    def present(self) -> bool:
        return self.status != "missing"

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "class": self.mof_class,
            "required": self.required,
            "content_type": self.content_type,
            "status": self.status,
            "license": self.license,
            "license_source": self.license_source,
            "evaluated_as": self.evaluated_as,
            "type_appropriate": self.type_appropriate,
            "reason": self.reason,
            "inferred": self.inferred,
            "source": self.source,
        }
        if self.evidence:
            d["evidence"] = [e.to_dict() for e in self.evidence]
        return d


@dataclass(frozen=True)
class Difference:
    """Where the default mode's reading differs from the tool's, and why."""

    what: str  # a component name, "class" or "progress.<n>"
    tool: Any
    smallprint: Any
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"what": self.what, "tool": self.tool, "smallprint": self.smallprint, "reason": self.reason}


@dataclass
class MofAssessment:
    """A MOF classification: class 0..3, per-class progress (percent) and the components."""

    mof_class: int
    progress: dict[str, float]
    components: list[ComponentResult]
    mode: str  # mot-compatible | normalised
    name: str | None = None
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return mof.CLASS_LABELS[self.mof_class]

    def component(self, name: str) -> ComponentResult:
        for c in self.components:
            if c.name == name:
                return c
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "class": self.mof_class,
            "label": self.label,
            "progress": dict(self.progress),
            "mode": self.mode,
            "components": [c.to_dict() for c in self.components],
        }
        if self.name is not None:
            d["name"] = self.name
        if self.mode != "mot-compatible":
            d["differences"] = [x.to_dict() for x in self.differences]
        if self.notes:
            d["notes"] = list(self.notes)
        return d


@dataclass(frozen=True)
class _Listed:
    """A component the release lists, with the licence it resolves to."""

    license: str | None
    source: str | None
    entry: MotComponentEntry


def _resolve(entries: dict[int, MotComponentEntry], release: MotRelease, cid: int,
             *, mot_compatible: bool) -> _Listed:
    """Component licence, else the global licence for its content type, else distribution."""
    e = entries[cid]
    if e.license is not None:
        lic = e.license
        if lic == "" or lic == "unlicensed" or (not mot_compatible and lic.strip().lower() in UNLICENSED_WORDS):
            return _Listed(None, "component", e)
        return _Listed(lic, "component", e)
    if mot_compatible and release.license_after_components:
        return _Listed(None, None, e)
    ctype = mof.component(cid).content_type
    for key in (ctype, "distribution"):
        name = release.global_licenses.get(key)
        if name:
            if name == "unlicensed" or (not mot_compatible and name.strip().lower() in UNLICENSED_WORDS):
                return _Listed(None, f"global:{key}", e)
            return _Listed(name, f"global:{key}", e)
    return _Listed(None, None, e)


def _listed_components(release: MotRelease, *, mot_compatible: bool, notes: list[str]) -> dict[int, MotComponentEntry]:
    out: dict[int, MotComponentEntry] = {}
    for e in release.components:
        comp = mof.component_by_name(e.name)
        if comp is None and not mot_compatible:
            comp = mof.component_by_loose_name(e.name)
            if comp is not None:
                notes.append(f"component {e.name!r} read as {comp.name!r} (the tool matches names exactly)")
        if comp is None and mot_compatible:
            # The tool's name lookup finds no match and falls back to the first component of its
            # settings, so the entry (and its licence) is filed under that component.
            comp = mof.components()[0]
            notes.append(f"component {e.name!r} is not one of the 17 MOF components: the tool files it "
                         f"under {comp.name!r} (its name lookup falls back to the first component)")
        if comp is None:
            notes.append(f"component {e.name!r} is not one of the 17 MOF components: ignored")
            continue
        out[comp.id] = e  # a repeated component: the last entry wins, as in the tool
    return out


def evaluate_release(release: MotRelease, *, mot_compatible: bool = False, kb: Any = None) -> MofAssessment:
    """Evaluate a parsed MOT release; the default mode also lists differences from the tool."""
    table = mof.license_table()
    tool = _evaluate(release, mot_compatible=True, judge=lambda s: exact_verdict(table, s))
    if mot_compatible:
        return tool
    if kb is None:
        kb = _default_kb()
    norm = LicenseNormaliser(table, kb)
    ours = _evaluate(release, mot_compatible=False, judge=norm.judge)
    ours.differences = _differences(tool, ours)
    return ours


def _default_kb() -> Any:
    from smallprint.kb import default_kb

    return default_kb()


def _evaluate(release: MotRelease, *, mot_compatible: bool, judge: Any) -> MofAssessment:
    notes: list[str] = []
    entries = _listed_components(release, mot_compatible=mot_compatible, notes=notes)
    if release.license_after_components and release.global_licenses:
        notes.append("the global 'license' block follows 'components': the tool's importer ignores it"
                     + ("" if mot_compatible else "; smallprint applies it"))
    table = mof.license_table()
    results: list[ComponentResult] = []
    for comp in mof.components():
        if comp.id not in entries:
            results.append(ComponentResult(comp.id, comp.name, comp.mof_class, comp.required, comp.content_type,
                                           "missing", reason="not listed"))
            continue
        listed = _resolve(entries, release, comp.id, mot_compatible=mot_compatible)
        ev = []
        if listed.entry.line is not None:
            ev.append(Evidence(release.path, listed.entry.line, listed.entry.line, f"name: {listed.entry.name}"))
        if listed.license is None:
            results.append(ComponentResult(comp.id, comp.name, comp.mof_class, comp.required, comp.content_type,
                                           "unlicensed", None, listed.source, reason="no licence given",
                                           evidence=ev, listed_as=listed.entry.name))
            continue
        v: LicenseVerdict = judge(listed.license)
        target = v.evaluated_as or listed.license
        results.append(
            ComponentResult(
                comp.id, comp.name, comp.mof_class, comp.required, comp.content_type,
                "open" if v.open else "not-open", listed.license, listed.source, v.evaluated_as,
                table.is_type_appropriate(target, comp.content_type), v.reason, evidence=ev,
                listed_as=listed.entry.name,
            )
        )
    progress = compute_progress({r.id: r.status for r in results}, mot_compatible=mot_compatible)
    return MofAssessment(
        mof_class=classify(progress),
        progress={str(k): v for k, v in progress.items()},
        components=results,
        mode="mot-compatible" if mot_compatible else "normalised",
        name=release.name or None,
        notes=notes,
    )


def _php_index(items: list[int], cid: int) -> int | None:
    return items.index(cid) if cid in items else None


def _included_lists(status: dict[int, str], *, mot_compatible: bool = True) -> dict[int, list[int]]:
    """Per class, the open required components of that class and the higher ones, in the tool's order.

    The tool lets a research paper stand in for the technical report: when the report is not found
    in the class III list, a listed paper is added to the class II and III lists. Its test treats a
    report found at position 0 as not found (PHP's `!array_search`), so a report that is the only
    open class III component also lets an open paper count in addition to it (mot_compatible only;
    otherwise the paper counts only in place of an absent or closed report).
    """
    lists: dict[int, list[int]] = {}
    acc: list[int] = []
    for mof_class in (3, 2, 1):
        acc = acc + mof.required(mof_class)
        lists[mof_class] = [cid for cid in acc if status.get(cid) == "open"]
    report_absent = (not _php_index(lists[3], mof.TECHNICAL_REPORT) if mot_compatible
                     else mof.TECHNICAL_REPORT not in lists[3])
    if report_absent and status.get(mof.RESEARCH_PAPER) == "open":
        lists[3].append(mof.RESEARCH_PAPER)
        lists[2].append(mof.RESEARCH_PAPER)
    return lists


def compute_progress(status: dict[int, str], *, mot_compatible: bool = True) -> dict[int, float]:
    """Per-class progress as the tool computes it: 0 until every higher class is complete."""
    lists = _included_lists(status, mot_compatible=mot_compatible)
    out: dict[int, float] = {}
    for mof_class in (1, 2, 3):
        total = 0
        included = 0
        i = 3
        while i >= mof_class:
            total += len(mof.required(i))
            included = len(lists[i])
            if included < total:
                break
            i -= 1
        if i > mof_class:
            out[mof_class] = 0
            continue
        # class I needs one component fewer when the paper replaces the report (same PHP position test)
        if mof_class == 1 and _paper_replaces_report(lists[1], mot_compatible=mot_compatible):
            total -= 1
        out[mof_class] = min(100.0, included / total * 100)
    return out


def _paper_replaces_report(included: list[int], *, mot_compatible: bool) -> bool:
    if mot_compatible:  # PHP position tests: index 0 reads as "not found"
        return not _php_index(included, mof.TECHNICAL_REPORT) and bool(_php_index(included, mof.RESEARCH_PAPER))
    return mof.TECHNICAL_REPORT not in included and mof.RESEARCH_PAPER in included


def classify(progress: dict[int, float]) -> int:
    """The lowest-numbered (most open) class whose progress is 100."""
    done = 0
    for mof_class in (3, 2, 1):
        if progress[mof_class] == 100.0:
            done = mof_class
    return done


def _component_reason(t: ComponentResult, o: ComponentResult) -> str:
    """Why the tool and smallprint read one component differently."""
    if not t.present:
        return f"listed as {o.listed_as!r}: the tool matches component names exactly and does not count it"
    if not o.present:
        if t.listed_as is not None and t.listed_as != t.name:
            return (f"the tool files {t.listed_as!r}, which is not a MOF component name, under {t.name} "
                    "(its name lookup falls back to the first component); smallprint does not")
        return "smallprint does not count this entry"
    if t.license_source != o.license_source:
        return (f"the tool finds no licence for it ({t.license_source or 'the global block follows components'}); "
                f"smallprint uses the {o.license_source} licence {o.license!r}: {o.reason}")
    if o.status == "unlicensed":
        return f"{t.license!r} is read by smallprint as no licence; the tool looks it up as a licence id"
    return (f"licence {o.license!r}: the tool matches it exactly against its lists ({t.status}); "
            f"smallprint: {o.reason}")


def _differences(tool: MofAssessment, ours: MofAssessment) -> list[Difference]:
    out: list[Difference] = []
    for t, o in zip(tool.components, ours.components, strict=True):
        if t.status != o.status:
            out.append(Difference(o.name, t.status, o.status, _component_reason(t, o)))
    why = ("follows from the component differences above" if out else
           "the tool also counts the research paper when the technical report is the only open class III "
           "component (a position test in its code); smallprint counts the paper only in place of the report")
    if tool.mof_class != ours.mof_class:
        out.append(Difference("class", tool.mof_class, ours.mof_class, why))
    for k in ("1", "2", "3"):
        if tool.progress[k] != ours.progress[k]:
            out.append(Difference(f"progress.{k}", tool.progress[k], ours.progress[k], why))
    return out


def evaluate_mot_file(path: str | Path, *, mot_compatible: bool = False, kb: Any = None) -> MofAssessment:
    """Evaluate one MOT YAML file (see the module docstring for the two modes)."""
    return evaluate_release(read_mot_file(path), mot_compatible=mot_compatible, kb=kb)
