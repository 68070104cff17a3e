"""What changed between two snapshots of a model: change findings with before-and-after
evidence. Pure functions over snapshot bodies (see `snapshot.reading_of`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from smallprint.evaluators.policy import VERDICTS

MAX_PASSAGES = 40

CODES = (
    "license-changed",  # the licence id, version or text changed: with the changed clauses
    "term-changed",  # one term's value changed (e.g. no-training-other-models true -> false)
    "base-moved",  # an ancestor's revision, new_version or licence changed: re-validate what was built on it
    "lineage-changed",  # an ancestor was added or removed
    "verdict-changed",  # the verdict under a watched profile changed
    "gated-changed",
    "new-version",  # the model now points to a newer model (card `new_version`)
    "gone",  # 404: the model or folder no longer exists
    "back",  # a model that was gone is there again
    "renamed",  # the Hub answers for the id under another name
    "kb-reading-changed",  # a knowledge-base update changed the reading of unchanged texts
    "revision-moved",  # the commit moved and nothing that matters changed
)
INFO_ONLY = {"revision-moved", "back"}


@dataclass
class SnapshotView:
    """A snapshot as the comparison needs it (from the store, or made on the fly by `smallprint diff`)."""

    target: str
    status: str  # ok | gone | error
    kb_version: str
    body: dict[str, Any]
    revision: str | None = None
    taken_at: datetime | None = None
    snapshot_id: int | None = None
    run_id: int | None = None
    error: str | None = None

    @property
    def label(self) -> str:
        rev = (self.revision or "")[:12]
        when = self.taken_at.strftime("%Y-%m-%d %H:%M") if self.taken_at else ""
        parts = [p for p in (f"#{self.snapshot_id}" if self.snapshot_id else "", rev, when) if p]
        return " ".join(parts) or self.target


@dataclass
class Change:
    """One change, with what it was and what it is, and the evidence of each side."""

    code: str
    severity: str  # error | warning | info
    target: str
    message: str
    before: Any = None
    after: Any = None
    evidence: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # "before"/"after"
    subject: str | None = None  # the term, ancestor, profile or licence it is about
    descendants: list[str] = field(default_factory=list)  # base-moved: watched models built on it
    clauses: dict[str, Any] | None = None  # license-changed: terms that differ and changed passages
    cause: str | None = None  # "knowledge-base" when the texts did not change

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity,
            "target": self.target,
            "message": self.message,
            "before": self.before,
            "after": self.after,
            "evidence": self.evidence,
        }
        if self.subject is not None:
            d["subject"] = self.subject
        if self.code == "base-moved":
            d["descendants"] = list(self.descendants)
        if self.clauses is not None:
            d["clauses"] = self.clauses
        if self.cause is not None:
            d["cause"] = self.cause
        return d


TextOf = Callable[[str], str | None]


def _norm(value: Any) -> str:
    if isinstance(value, list):
        value = sorted(str(v).lower() for v in value)
    return json.dumps(value, sort_keys=True, default=str)


def _fmt(value: Any) -> str:
    if value is None:
        return "(not stated)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(map(str, value)) or "(none)"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def compare(before: SnapshotView, after: SnapshotView, text_of: TextOf | None = None) -> list[Change]:
    """The changes from `before` to `after` (both of one model); [] when nothing changed."""
    t = after.target
    if before.status == "gone" and after.status != "gone":
        return [Change("back", "info", t, f"{t} is there again", before="gone", after=after.status)]
    if after.status == "gone":
        if before.status == "gone":
            return []
        return [
            Change(
                "gone",
                "error",
                t,
                f"{t} is gone ({after.error or 'not found'}): whatever was built on it can no longer be re-checked",
                before=before.revision or "present",
                after="gone",
                evidence={"after": [{"file": None, "start_line": 0, "end_line": 0, "quote": after.error or "not found"}]},
            )
        ]
    if before.status != "ok" or after.status != "ok":
        return []
    b, a = before.body, after.body
    out: list[Change] = []
    out += _renamed(t, b, a)
    out += _licenses(t, b, a, text_of)
    out += _terms(t, b, a)
    out += _lineage(t, b, a)
    out += _verdicts(t, b, a)
    if (b.get("gated") or "false") != (a.get("gated") or "false"):
        out.append(
            Change(
                "gated-changed",
                "warning",
                t,
                f"{t}: gating changed from {b.get('gated') or 'false'} to {a.get('gated') or 'false'}"
                + (" (access now needs an accepted agreement)" if (a.get("gated") or "false") != "false" else ""),
                before=b.get("gated") or "false",
                after=a.get("gated") or "false",
            )
        )
    if b.get("new_version") != a.get("new_version") and a.get("new_version"):
        out.append(
            Change(
                "new-version",
                "warning",
                t,
                f"{t} now points to a newer model: {a.get('new_version')}",
                before=b.get("new_version"),
                after=a.get("new_version"),
                subject=a.get("new_version"),
            )
        )
    texts_same = _texts_same(before, after)
    if out and texts_same and before.kb_version != after.kb_version:
        for c in out:
            if c.code in ("license-changed", "term-changed", "verdict-changed"):
                c.cause = "knowledge-base"
        out.insert(
            0,
            Change(
                "kb-reading-changed",
                "warning",
                t,
                f"{t}: the texts did not change, but the knowledge-base update ({before.kb_version} -> "
                f"{after.kb_version}) changed how they read: see the changes below",
                before=before.kb_version,
                after=after.kb_version,
            ),
        )
    if not out and (before.revision or "") != (after.revision or "") and before.revision and after.revision:
        out.append(
            Change(
                "revision-moved",
                "info",
                t,
                f"{t}: new commit {after.revision[:12]} (was {before.revision[:12]}); licence, terms, lineage and verdicts unchanged",
                before=before.revision,
                after=after.revision,
            )
        )
    return out


def _texts_same(before: SnapshotView, after: SnapshotView) -> bool:
    """The model's own texts are unchanged: same card, same licence files (same commit when known)."""
    b, a = before.body, after.body
    if before.revision and after.revision and before.revision != after.revision:
        same_card = b.get("card_sha256") == a.get("card_sha256")
        return same_card and b.get("license_files") == a.get("license_files")
    return b.get("card_sha256") == a.get("card_sha256") and b.get("license_files") == a.get("license_files")


def _renamed(t: str, b: dict[str, Any], a: dict[str, Any]) -> list[Change]:
    old, new = b.get("model_id"), a.get("model_id")
    if old and new and "/" in str(old) and "/" in str(new) and str(old).lower() != str(new).lower():
        return [
            Change(
                "renamed",
                "warning",
                t,
                f"{t}: the model is now published as {new} (was {old}); update references and the watch",
                before=old,
                after=new,
                subject=new,
            )
        ]
    return []


def _license_key(lic: dict[str, Any]) -> str:
    return str(lic.get("id"))


def _files(body: dict[str, Any]) -> dict[str, str]:
    """Licence files by name (a Hub cache path differs per commit; the name does not)."""
    out: dict[str, str] = {}
    for f in body.get("license_files") or []:
        name = str(f.get("file") or "").replace("\\", "/").rsplit("/", 1)[-1]
        out.setdefault(name, str(f.get("sha256")))
    return out


def _licenses(t: str, b: dict[str, Any], a: dict[str, Any], text_of: TextOf | None) -> list[Change]:
    bl, al = b.get("licenses") or [], a.get("licenses") or []
    b_ids = [_license_key(x) for x in bl]
    a_ids = [_license_key(x) for x in al]
    bv = {x.get("id"): x.get("version") for x in bl}
    av = {x.get("id"): x.get("version") for x in al}
    bf, af = _files(b), _files(a)
    edited = sorted(n for n in set(bf) | set(af) if bf.get(n) != af.get(n))
    if b_ids == a_ids and bv == av and not edited:
        return []
    b_text = next((x.get("text_sha256") for x in bl if x.get("text_sha256")), None)
    a_text = next((x.get("text_sha256") for x in al if x.get("text_sha256")), None)
    if not (b_text and a_text and b_text != a_text):
        pair = next(((bf[n], af[n]) for n in edited if n in bf and n in af), None)
        if pair is not None:
            b_text, a_text = pair
    if b_ids != a_ids:
        what = f"licence changed from {', '.join(b_ids) or 'unknown'} to {', '.join(a_ids) or 'unknown'}"
    elif bv != av:
        what = "licence version changed"
    else:
        what = f"the licence text was edited ({', '.join(edited)}; still read as {', '.join(a_ids) or 'unknown'})"
    clauses = _clauses(b_ids, a_ids, b_text, a_text, text_of)
    evidence = {
        "before": [{"file": f.get("file"), "text_sha256": f.get("sha256")} for f in b.get("license_files") or []]
        + [{"file": x.get("file"), "license": x.get("id"), "text_sha256": x.get("text_sha256")} for x in bl],
        "after": [{"file": f.get("file"), "text_sha256": f.get("sha256")} for f in a.get("license_files") or []]
        + [{"file": x.get("file"), "license": x.get("id"), "text_sha256": x.get("text_sha256")} for x in al],
    }
    return [
        Change(
            "license-changed",
            "error" if b_ids != a_ids else "warning",
            t,
            f"{t}: {what}",
            before=[{"id": x.get("id"), "name": x.get("name"), "version": x.get("version")} for x in bl],
            after=[{"id": x.get("id"), "name": x.get("name"), "version": x.get("version")} for x in al],
            evidence=evidence,
            subject=a_ids[0] if a_ids else None,
            clauses=clauses,
        )
    ]


def _clauses(
    b_ids: list[str], a_ids: list[str], b_text: str | None, a_text: str | None, text_of: TextOf | None
) -> dict[str, Any] | None:
    """The changed clauses as `smallprint diff` shows them: stored texts when both are known,
    else the bundled reference texts of the two licences."""
    from smallprint.errors import SmallprintError
    from smallprint.pipeline import licences as api

    try:
        old = text_of(b_text) if (text_of and b_text) else None
        new = text_of(a_text) if (text_of and a_text) else None
        if old is not None and new is not None:
            d = api.diff_sides(api.text_side("before", old), api.text_side("after", new))
        elif b_ids and a_ids and b_ids[0] != a_ids[0]:
            d = api.diff(b_ids[0], a_ids[0])
        else:
            return None
    except SmallprintError:
        return None
    data = d.to_dict()
    data.pop("schema", None)
    passages = data.get("passages") or []
    if len(passages) > MAX_PASSAGES:
        data["passages"] = passages[:MAX_PASSAGES]
        data["passages_omitted"] = len(passages) - MAX_PASSAGES
    return data


def _term_groups(body: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for term in body.get("terms") or []:
        out.setdefault(str(term.get("key")), []).append(term)
    return out


def _terms(t: str, b: dict[str, Any], a: dict[str, Any]) -> list[Change]:
    bg, ag = _term_groups(b), _term_groups(a)
    out: list[Change] = []
    for key in sorted(set(bg) | set(ag)):
        bv = sorted({_norm(x.get("value")) for x in bg.get(key, [])})
        av = sorted({_norm(x.get("value")) for x in ag.get(key, [])})
        if bv == av:
            continue
        before = _values(bg.get(key, []))
        after = _values(ag.get(key, []))
        out.append(
            Change(
                "term-changed",
                "warning",
                t,
                f"{t}: {key} changed from {_fmt(before)} to {_fmt(after)}",
                before=before,
                after=after,
                evidence={
                    "before": [e for x in bg.get(key, []) for e in x.get("evidence") or []][:5],
                    "after": [e for x in ag.get(key, []) for e in x.get("evidence") or []][:5],
                },
                subject=key,
            )
        )
    return out


def _values(terms: list[dict[str, Any]]) -> Any:
    vals = []
    for x in terms:
        v = x.get("value")
        if v not in vals:
            vals.append(v)
    if not vals:
        return None
    return vals[0] if len(vals) == 1 else vals


def _lineage_map(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Ancestors by id (the model itself, at depth 0, is compared by its own licence)."""
    return {str(n.get("id")).lower(): n for n in body.get("lineage") or [] if (n.get("depth") or 0) > 0}


def _lineage(t: str, b: dict[str, Any], a: dict[str, Any]) -> list[Change]:
    bm, am = _lineage_map(b), _lineage_map(a)
    out: list[Change] = []
    for key in sorted(set(bm) | set(am)):
        x, y = bm.get(key), am.get(key)
        if x is None or y is None:
            node = y or x or {}
            out.append(
                Change(
                    "lineage-changed",
                    "warning",
                    t,
                    f"{t}: ancestor {node.get('id')} was {'added' if x is None else 'removed'}",
                    before=None if x is None else _node(x),
                    after=None if y is None else _node(y),
                    subject=str(node.get("id")),
                )
            )
            continue
        moved = []
        if x.get("revision") and y.get("revision") and x.get("revision") != y.get("revision"):
            moved.append(f"revision {str(x['revision'])[:12]} -> {str(y['revision'])[:12]}")
        if x.get("new_version") != y.get("new_version") and (x.get("new_version") or y.get("new_version")):
            moved.append(f"new_version {x.get('new_version') or '(none)'} -> {y.get('new_version') or '(none)'}")
        if x.get("license") != y.get("license"):
            moved.append(f"licence {x.get('license') or 'unknown'} -> {y.get('license') or 'unknown'}")
        if moved:
            out.append(
                Change(
                    "base-moved",
                    "warning",
                    t,
                    f"{t}: its base {y.get('id')} moved ({'; '.join(moved)}): re-validate what was built on {y.get('id')}",
                    before=_node(x),
                    after=_node(y),
                    subject=str(y.get("id")),
                )
            )
    return out


def _node(n: dict[str, Any]) -> dict[str, Any]:
    return {k: n.get(k) for k in ("id", "revision", "license", "relation", "depth", "new_version")}


def _verdicts(t: str, b: dict[str, Any], a: dict[str, Any]) -> list[Change]:
    bv, av = b.get("verdicts") or {}, a.get("verdicts") or {}
    out: list[Change] = []
    for profile in sorted(set(bv) & set(av)):
        x, y = bv[profile] or {}, av[profile] or {}
        old, new = x.get("verdict"), y.get("verdict")
        if old == new:
            continue
        stricter = _rank(new) > _rank(old)
        out.append(
            Change(
                "verdict-changed",
                "error" if stricter else "warning",
                t,
                f"{t}: under {profile} the verdict went from {old} to {new}",
                before=old,
                after=new,
                evidence={
                    "before": [_reason(r) for r in x.get("reasons") or []][:5],
                    "after": [_reason(r) for r in y.get("reasons") or []][:5],
                },
                subject=profile,
            )
        )
    return out


def _reason(r: dict[str, Any]) -> dict[str, Any]:
    return {"message": r.get("message"), "term": r.get("term"), "evidence": (r.get("evidence") or [])[:2]}


def _rank(level: Any) -> int:
    return VERDICTS.index(level) if level in VERDICTS else VERDICTS.index("unclear")


def with_descendants(changes: Iterable[Change], lineages: dict[str, list[str]]) -> None:
    """Fill each base-moved change with the watched models that descend from the moved base.

    `lineages`: watched target -> ancestor ids (lower-case) of its latest snapshot."""
    for c in changes:
        if c.code != "base-moved" or not c.subject:
            continue
        base = c.subject.lower()
        c.descendants = sorted(t for t, ancestors in lineages.items() if base in ancestors)
        if c.descendants:
            c.message += f"; watched models built on it: {', '.join(c.descendants)}"


def worst(changes: Iterable[Change]) -> str | None:
    order = {"info": 0, "warning": 1, "error": 2}
    ranked = sorted((order.get(c.severity, 0), c.severity) for c in changes)
    return ranked[-1][1] if ranked else None
