"""Hypothesis strategies for hostile input: the shapes attackers and broken tools produce.

Shared by the short fuzz run in the test suite and the long run in benchmarks/fuzz_readers.py.
"""

from __future__ import annotations

import json
import struct
from typing import Any

from hypothesis import strategies as st

HOSTILE_SNIPPETS = (
    "[/x]", "[INST] hi [/INST]", "FLUX.1 [dev] Model", "[bold red]x[/]", "[link=javascript:alert(1)]x[/link]",
    ":smile:", ":cross_mark:", "<script>alert(1)</script>", "<svg onload=alert(1)>", "<img src=x onerror=1>",
    "&lt;", "&#60;", "](javascript:alert(1))", "[x](http://evil)", "![i](http://evil/i.png)", "`", "```",
    "|", "\\|", "*", "_", "~~", "# heading", "\n---\n", "---", "...", "\x00", "\x01", "\x1b[31m", "\x1b]0;t\x07",
    "\x7f", "\x85", "\x9b", "\u2028", "\u202e", "\u2066", "\ufeff", "\ud7ff", "\U0001f600", "%s", "{0}", "{}",
    "${HOME}", "$(id)", "'; DROP TABLE x; --", "../../etc/passwd", "/proc/self/environ", "C:\\Windows",
    "a" * 300, "9" * 5000, "0x" + "f" * 600, "-1", "1e999", "nan", "NaN", "Infinity", "true", "null", "~",
    "!!binary AAAA", "!!python/object:os.system", "&a [*a]", "*a", "<<: *a", "? x", "- - - -",
    "meta-llama/Llama-3.1-8B", "llama3.1", "apache-2.0", "other", "mit OR gpl-3.0", "LicenseRef-x",
    "https://huggingface.co/org/name", "gpt-4o", "org/name@main",
)
"""Pieces that broke or could break a reader or a renderer: markup, HTML, control
characters, YAML tags and aliases, huge numbers, path tricks, licence and model names."""


def hostile_text(max_size: int = 200) -> st.SearchStrategy[str]:
    """Short strings mixing hostile snippets with arbitrary Unicode (surrogates excluded:
    they cannot come out of a decoder, only out of JSON escapes, which have their own case)."""
    piece = st.one_of(
        st.sampled_from(HOSTILE_SNIPPETS),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
    )
    return st.lists(piece, max_size=8).map("".join).map(lambda s: s[:max_size])


def json_surrogate_text() -> st.SearchStrategy[str]:
    """Strings as JSON can carry them: lone surrogates included."""
    return st.one_of(hostile_text(), st.sampled_from(["\ud800", "a\udfffb", "\udc80x"]))


json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), json_surrogate_text(),
)
json_values: st.SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.one_of(st.sampled_from(["type", "name", "id", "licenses", "license", "expression",
                                                   "purl", "group", "version", "properties", "value",
                                                   "pedigree", "ancestors", "modelCard", "spdxId", "to",
                                                   "from", "relationshipType", "@graph", "components"]),
                                  hostile_text(30)),
                        children, max_size=5),
    ),
    max_leaves=25,
)

YAML_KEYS = (
    "license", "license_name", "license_link", "license_details", "base_model", "base_model_relation",
    "datasets", "tags", "new_version", "library_name", "pipeline_tag", "model_name", "language", "gated",
    "extra_gated_prompt", "model-index", "widget", "inference", "licence", "pipline_tag",
    # profile / policy / inventory keys
    "name", "commercial", "deployment", "monthly_active_users", "annual_revenue_usd", "regions", "activities",
    "fields", "derivative_name", "keep_derivatives_proprietary", "default_profile", "allow", "deny",
    "exceptions", "model", "reason", "expires", "fail_on", "policy", "profile", "schema", "products", "models",
    "id", "kind", "locations",
)
YAML_SCALARS = (
    "mit", "apache-2.0", "other", "llama3.1", "true", "no", "~", "null", "0x" + "f" * 400, "9" * 4400,
    "1e400", ".nan", "2026-13-45", "2027-06-30", "12:30:45", '"\\q"', '"\\x00"', '"\\ud800"', "!!binary AAAA",
    "!!python/name:os.system", "!!set {a, b}", "!!omap [a: 1]", "&a x", "*a", "*b", "[*a, *a]", "{a: *a}",
    "'[/x] <script>'", "|\n  block\n  text", ">-\n  folded", "- a\n- b", "[a, [b, [c]]]", "{x: {y: {z: 1}}}",
    "commercial-saas", "EU", "EY", "saas", "inference", "acme/*", "'*'", "2000000", "50M", "-5",
)


@st.composite
def yaml_documents(draw: st.DrawFn) -> str:
    """YAML-shaped text: known keys with odd values, tags, aliases, nesting, junk lines."""
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        key = draw(st.one_of(st.sampled_from(YAML_KEYS), st.sampled_from(["? !!binary AAAA", "[a, b]", "'k'"])))
        value = draw(st.one_of(st.sampled_from(YAML_SCALARS), hostile_text(40)))
        if "\n" in value:
            value = "\n".join("  " + v for v in value.split("\n")).lstrip()
        lines.append(f"{key}: {value}")
    if draw(st.booleans()):
        depth = draw(st.integers(1, 120))
        lines.append("deep: " + "[" * depth + "]" * depth)
    if draw(st.booleans()):
        lines.insert(0, draw(hostile_text(60)))
    return "\n".join(lines)


@st.composite
def cards(draw: st.DrawFn) -> str:
    """A model card: maybe a BOM, maybe front matter (closed or not), a hostile body."""
    head = draw(st.sampled_from(["", "\ufeff", "\n\n", "  "]))
    fence = draw(st.sampled_from(["---", "--- ", "---\t", "***"]))
    close = draw(st.sampled_from(["---", "...", "", "--- x"]))
    fm = draw(yaml_documents())
    body = draw(hostile_text(400))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return newline.join([head + fence, fm, close, "# " + draw(hostile_text(40)), body])


# --- GGUF -------------------------------------------------------------------------------

_GGUF_FIXED = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
GGUF_KEYS = (
    "general.architecture", "general.name", "general.license", "general.license.name", "general.license.link",
    "general.tags", "general.datasets", "general.base_model.count", "general.base_model.0.name",
    "general.base_model.0.repo_url", "general.base_model.0.url", "general.source.repo_url", "general.source.url",
    "tokenizer.ggml.tokens", "llama.context_length", "general.quantization_version",
)


def _gguf_value(draw: st.DrawFn, vtype: int, order: str, depth: int = 0) -> bytes:
    if vtype in _GGUF_FIXED:
        code = _GGUF_FIXED[vtype]
        size = struct.calcsize(code)
        raw = draw(st.binary(min_size=size, max_size=size))
        return raw
    if vtype == 8:
        s = draw(hostile_text(80)).encode("utf-8", "surrogatepass")
        return struct.pack(order + "Q", len(s)) + s
    etype = draw(st.sampled_from([0, 4, 5, 6, 8, 9, 10, 12])) if depth < 2 else 8
    n = draw(st.integers(0, 6))
    out = struct.pack(order + "IQ", etype, n)
    for _ in range(n):
        out += _gguf_value(draw, etype, order, depth + 1)
    return out


@st.composite
def gguf_files(draw: st.DrawFn) -> bytes:
    """A GGUF header built by the format's rules with hostile keys, types and values, then
    sometimes cut short, bit-flipped, or given absurd counts."""
    order = draw(st.sampled_from(["<", ">"]))
    version = draw(st.sampled_from([2, 3, 3, 1, 4]))
    kvs = []
    for _ in range(draw(st.integers(0, 10))):
        key = draw(st.one_of(st.sampled_from(GGUF_KEYS), hostile_text(30))).encode("utf-8", "surrogatepass")
        vtype = draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 8, 9, 9, 10, 11, 12, 13, 255]))
        body = _gguf_value(draw, vtype, order) if vtype <= 12 else b""
        kvs.append(struct.pack(order + "Q", len(key)) + key + struct.pack(order + "I", vtype) + body)
    tensors = b""
    n_tensors = draw(st.integers(0, 3))
    for _ in range(n_tensors):
        name = draw(hostile_text(20)).encode("utf-8", "surrogatepass")
        dims = draw(st.lists(st.integers(0, 2**63), max_size=draw(st.sampled_from([1, 4, 9]))))
        tensors += struct.pack(order + "Q", len(name)) + name + struct.pack(order + "I", len(dims))
        tensors += b"".join(struct.pack(order + "Q", d) for d in dims) + struct.pack(order + "IQ", 0, 0)
    kv_count = len(kvs) if draw(st.integers(0, 9)) else draw(st.sampled_from([2**64 - 1, 70_000, 2**32]))
    data = b"GGUF" + struct.pack(order + "IQQ", version, n_tensors, kv_count) + b"".join(kvs) + tensors
    mutation = draw(st.sampled_from(["none", "none", "truncate", "flip", "magic"]))
    if mutation == "truncate" and data:
        data = data[: draw(st.integers(0, len(data)))]
    elif mutation == "flip" and data:
        i = draw(st.integers(0, len(data) - 1))
        data = data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1 :]
    elif mutation == "magic":
        data = draw(st.sampled_from([b"GGUF", b"GGML", b"", b"\x00"])) + data[4:]
    return data


# --- safetensors -----------------------------------------------------------------------


@st.composite
def safetensors_files(draw: st.DrawFn) -> bytes:
    """An 8-byte length and a JSON header with hostile tensors and __metadata__."""
    header: dict[str, Any] = {}
    if draw(st.booleans()):
        header["__metadata__"] = draw(st.one_of(
            st.dictionaries(st.sampled_from(["license", "modelspec.license", "format", "x"]) | hostile_text(20),
                            st.one_of(hostile_text(100), json_values), max_size=4),
            json_values,
        ))
    for _ in range(draw(st.integers(0, 4))):
        header[draw(hostile_text(20))] = draw(st.one_of(
            st.fixed_dictionaries({
                "dtype": st.sampled_from(["F16", "BF16", "F32", "I8"]) | hostile_text(10),
                "shape": st.lists(st.integers(-1, 2**64), max_size=draw(st.sampled_from([2, 40]))),
                "data_offsets": st.lists(st.integers(-1, 2**64), min_size=2, max_size=2),
            }),
            json_values,
        ))
    raw = json.dumps(header).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 5)) == 0:
        raw = draw(st.binary(max_size=200))
    length = len(raw) if draw(st.integers(0, 6)) else draw(st.sampled_from([0, 2**63, len(raw) + 5, 2**64 - 1]))
    return struct.pack("<Q", length) + raw


# --- BOMs -------------------------------------------------------------------------------


@st.composite
def boms(draw: st.DrawFn) -> str:
    """A CycloneDX or SPDX 3 document whose parts are each sometimes replaced by junk."""

    def maybe(value: Any) -> Any:
        return draw(json_values) if draw(st.integers(0, 4)) == 0 else value

    if draw(st.booleans()):
        comps = []
        for _ in range(draw(st.integers(0, 3))):
            comps.append(maybe({
                "type": maybe("machine-learning-model"),
                "name": maybe(draw(hostile_text(40))),
                "group": maybe(draw(st.one_of(st.none(), hostile_text(20)))),
                "purl": maybe("pkg:huggingface/" + draw(hostile_text(30))),
                "version": maybe(draw(hostile_text(10))),
                "licenses": maybe([maybe({"license": maybe({"id": maybe(draw(hostile_text(20)))})}),
                                   maybe({"expression": maybe(draw(hostile_text(30)))})]),
                "pedigree": maybe({"ancestors": maybe([maybe({"type": "machine-learning-model",
                                                              "name": maybe(draw(hostile_text(20))),
                                                              "properties": maybe([maybe({"name": "smallprint:depth",
                                                                                          "value": maybe("1")})])})])}),
                "properties": maybe([maybe({"name": "smallprint:base_model_relation", "value": maybe("finetune")})]),
                "modelCard": maybe({"modelParameters": maybe({"datasets": maybe([maybe({"ref": maybe("dataset:x")})])})}),
            }))
        doc: Any = {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": maybe(comps)}
    else:
        graph = [maybe({"type": "SpdxDocument", "rootElement": maybe(["m1", maybe("m2")])})]
        for i in (1, 2):
            graph.append(maybe({"type": maybe("ai_AIPackage"), "spdxId": maybe(f"m{i}"),
                                "name": maybe(draw(hostile_text(30))), "software_packageVersion": maybe("1")}))
        graph.append(maybe({"type": "simplelicensing_LicenseExpression", "spdxId": "l1",
                            "simplelicensing_licenseExpression": maybe(draw(hostile_text(30)))}))
        graph.append(maybe({"type": "Relationship", "from": maybe("m1"), "relationshipType":
                            maybe(draw(st.sampled_from(["hasDeclaredLicense", "descendantOf", "trainedOn"]))),
                            "to": maybe(["l1", maybe("m2")])}))
        doc = {"@context": maybe("https://spdx.org/rdf/3.0.1/spdx-context.jsonld"), "@graph": maybe(graph)}
    return json.dumps(doc, ensure_ascii=draw(st.booleans()))


# --- code for scan-code -------------------------------------------------------------------

CODE_TEMPLATES = (
    'from transformers import AutoModel\nAutoModel.from_pretrained("{v}")\n',
    'hf_hub_download(repo_id="{v}", filename="{v}.gguf")\n',
    'pipeline("text-generation", model={v!r})\n',
    "model: {v}\nbase_model: [{v}]\n",
    '{{"model": "{v}", "x": [{{"model_name": "{v}"}}]}}\n',
    'model = "{v}"\n[tool]\nrepo_id = "{v}"\n',
    "MODEL_NAME={v}\nexport OPENAI_MODEL={v}\n",
    "ollama pull {v}\nhuggingface-cli download {v}\n",
    'const model = "{v}";\nclient.chat({{ model: "{v}" }})\n',
)
CODE_SUFFIXES = (".py", ".yaml", ".json", ".toml", ".env", ".sh", ".ts", ".yml", ".cfg", "Dockerfile")


@st.composite
def code_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """(file name, content) for scan-code: templates with hostile values, YAML bombs, binary."""
    suffix = draw(st.sampled_from(CODE_SUFFIXES))
    name = suffix if suffix == "Dockerfile" else "f" + suffix
    kind = draw(st.sampled_from(["template", "template", "random", "bomb", "deep", "binary"]))
    if kind == "template":
        text = draw(st.sampled_from(CODE_TEMPLATES)).format(v=draw(hostile_text(60)))
    elif kind == "random":
        text = draw(hostile_text(400))
    elif kind == "bomb":
        text = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
            f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
    elif kind == "deep":
        n = draw(st.integers(50, 3000))
        text = draw(st.sampled_from(["[" * n + "]" * n, "{'a':" * n + "1" + "}" * n, "x = " + "(" * n + ")" * n]))
    else:
        return name, draw(st.binary(max_size=300))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    return name, text.encode(encoding, "surrogatepass") if encoding != "latin-1" else text.encode("latin-1", "replace")
