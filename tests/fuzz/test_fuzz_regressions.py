"""Every crasher the fuzz runs found, kept as a plain case of its target (they must stay fixed)."""

from __future__ import annotations

import json
import struct

import pytest

from fuzz import targets

CRASHERS = [
    # the front-matter loader raised on control characters instead of reporting them
    ("front-matter", "---\nlicense: mit\ntags: [a\x01b]\n---\n# x\n"),
    ("front-matter", "---\nlicense: \x00\n---\n"),
    ("front-matter", "---\nlicense: \x9b\n---\n"),
    # a 0x literal has no digit limit in PyYAML; str() of it raised later in the JSON report
    ("front-matter", "---\nlicense: 0x" + "f" * 5000 + "\n---\n"),
    # profile/inventory loaders: a 5,000-digit number and an impossible date were internal errors
    ("profile", "monthly_active_users: " + "9" * 5000),
    ("inventory", "products:\n- name: a\n  expires: 2026-13-45\n"),
    ("policy", "exceptions:\n- model: x\n  reason: y\n  expires: 2026-02-30\n"),
    ("policy", "fail_on: [1, 2]\n"),
    ("profile", "? !!binary AAAA\n: 1\n"),
    # wrong-typed GGUF keys (general.tags as a number)
    ("gguf", b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 12) + b"general.tags"
     + struct.pack("<I", 4) + struct.pack("<I", 7)),
    # NaN in a GGUF float made the JSON report invalid
    ("gguf", b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 9) + b"general.x"
     + struct.pack("<I", 6) + struct.pack("<f", float("nan"))),
    # a safetensors shape of forty huge dimensions: a parameter count too long to print
    ("safetensors", (lambda raw: struct.pack("<Q", len(raw)) + raw)(
        json.dumps({"w": {"dtype": "F32", "shape": [2**62] * 40, "data_offsets": [0, 0]}}).encode())),
    # BOMs: strings, numbers and lists where objects belong; a lone surrogate as a name
    ("bom", json.dumps({"bomFormat": "CycloneDX", "components": [{"type": "machine-learning-model",
                                                                    "name": "\ud800", "licenses": "mit"}]})),
    ("bom", json.dumps({"@context": "https://spdx.org/rdf/3.0.1/x", "@graph": [{"type": "Relationship",
                                                                               "from": ["m"], "to": 3}]})),
    # scan-code: an alias bomb, and JSON values written with escapes (quadratic line search)
    ("scan-code", ("c.yaml", b"a: &a [x,x,x,x,x,x,x,x,x]\n" + b"".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n".encode()
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)))),
    ("scan-code", ("c.json", ("[" + ",".join(['{"model": "acme\\u002fm' + str(i) + '"}' for i in range(3000)]) + "]")
                   .replace(",", ",\n").encode())),
]


@pytest.mark.parametrize(("name", "value"), CRASHERS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CRASHERS)])
def test_fuzz_crasher_stays_fixed(name: str, value: object) -> None:
    target = next(t for t in targets.TARGETS if t.name == name)
    target.run(value)
