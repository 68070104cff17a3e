"""scan-code on a small code base: every kind of reference, with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from smallprint.errors import InputError
from smallprint.scan import ScanLimits, classify, scan_code
from smallprint.scan.python_refs import python_references
from smallprint.scan.refs import UnreadableFile

FIXTURE = Path(__file__).parent / "fixtures_code"


@pytest.fixture(scope="module")
def found() -> dict[tuple[str, int], tuple[str | None, str]]:
    report = scan_code(FIXTURE)
    return {(r.file, r.line): (r.name, r.kind) for r in report.references}


@pytest.mark.parametrize(
    ("file", "line", "name", "kind"),
    [
        ("app/chat.py", 16, "meta-llama/Llama-3.1-8B-Instruct", "hub"),  # module constant resolved
        ("app/chat.py", 18, "distilbert/distilbert-base-uncased-finetuned-sst-2-english", "hub"),  # pipeline(task, model=)
        ("app/chat.py", 23, "llama3.1:8b", "ollama"),
        ("app/chat.py", 25, "gpt-4o", "api"),
        ("app/chat.py", 26, "claude-3-5-sonnet-20241022", "api"),
        ("app/embed.py", 9, "sentence-transformers/all-MiniLM-L6-v2", "hub"),
        ("app/embed.py", 11, "google/gemma-2-2b-it", "hub"),  # snapshot_download
        ("app/embed.py", 12, "Qwen/Qwen2.5-7B-Instruct", "hub"),  # vLLM LLM(model=os.environ.get(.., default))
        ("app/embed.py", 13, "stabilityai/stable-diffusion-xl-base-1.0", "hub"),  # diffusers, f-string of a constant
        ("config/settings.yaml", 3, "mistralai/Mistral-7B-v0.1", "hub"),  # base_model:
        ("config/settings.yaml", 7, "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "hub"),  # model: {name: ...}
        ("config/settings.yaml", 9, "gemini-1.5-pro", "api"),
        ("config/models.json", 3, "mistral-large-latest", "api"),
        ("config/models.json", 4, "meta-llama/Llama-3.2-11B-Vision-Instruct", "hub"),
        ("config/llm.toml", 2, "openai/gpt-4o-mini", "api"),
        ("scripts/setup.sh", 3, "qwen2.5:7b", "ollama"),
        ("scripts/setup.sh", 4, "black-forest-labs/FLUX.1-schnell", "hub"),
        ("scripts/setup.sh", 5, "models/llama-3.2-3b-instruct-q4_k_m.gguf", "gguf"),
        ("web/client.ts", 3, "claude-3-haiku-20240307", "api"),
        ("Dockerfile", 2, "nomic-embed-text", "ollama"),
        (".env.example", 1, "intfloat/multilingual-e5-large", "hub"),
    ],
)
def test_reference_found_with_file_and_line(found, file, line, name, kind):
    assert found.get((file, line)) == (name, kind)


def test_hf_hub_download_attaches_the_gguf_file_to_its_repository():
    on_line = [r for r in scan_code(FIXTURE / "app").references if r.file == "embed.py" and r.line == 10]
    assert [(r.name, r.kind, r.filename) for r in on_line] == [
        ("TheBloke/Mistral-7B-Instruct-v0.2-GGUF", "hub", "mistral-7b-instruct-v0.2.Q4_K_M.gguf")
    ]


def test_variables_are_reported_unresolved_with_their_expression():
    report = scan_code(FIXTURE)
    exprs = {(r.file, r.line, r.expression) for r in report.unresolved}
    assert ("app/chat.py", 17, "model_path") in exprs
    assert ("config/settings.yaml", 10, "${FALLBACK_MODEL}") in exprs


def test_comments_docstrings_fixtures_and_vendored_code_are_ignored():
    report = scan_code(FIXTURE)
    names = {r.name for r in report.references}
    assert not {"comment/not-a-ref", "docstring/not-a-ref", "commented/out", "commented-out:1b", "gpt-4",
                "fixture/should-be-skipped", "gpt-4-vendored"} & names
    assert ("tests/fixtures", "test fixtures") in report.skipped
    assert ("node_modules", "vendored or generated directory") in report.skipped


def test_a_fixtures_directory_given_as_root_is_scanned():
    report = scan_code(FIXTURE / "tests" / "fixtures")
    assert [r.name for r in report.references] == ["fixture/should-be-skipped"]


def test_non_model_keyword_strings_are_not_references():
    src = 'db.query(model="User")\nfoo(model=self.model)\nx = "just text.gguf here"\n'
    assert list(python_references(src, "x.py")) == []


def test_local_paths_and_canonical_ids():
    src = 'from_pretrained("./checkpoints/run1")\nAutoModel.from_pretrained("gpt2")\n'
    refs = list(python_references(src, "x.py"))
    assert [(r.name, r.kind) for r in refs] == [("./checkpoints/run1", "local"), ("gpt2", "hub")]


def test_subprocess_ollama_pull_is_found():
    refs = list(python_references('subprocess.run(["ollama", "pull", "phi3:mini"])\n', "x.py"))
    assert [(r.name, r.kind) for r in refs] == [("phi3:mini", "ollama")]


def test_broken_python_is_reported_with_its_line_not_silently_empty(tmp_path):
    with pytest.raises(UnreadableFile, match="syntax error at line 1"):
        list(python_references("def broken(:\n", "x.py"))
    (tmp_path / "ok.py").write_text('from_pretrained("acme/model")\n')
    (tmp_path / "broken.py").write_text("def broken(:\n")
    (tmp_path / "blob.py").write_bytes(b"\x00\x01\x02 from_pretrained('acme/x')")
    report = scan_code(tmp_path)
    assert [r.name for r in report.references] == ["acme/model"]
    assert dict(report.skipped) == {
        "broken.py": "Python syntax error at line 1; not read",
        "blob.py": "binary file, not a text",
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gpt-4o", ("api", "openai")),
        ("o3-mini", ("api", "openai")),
        ("claude-sonnet-4-20250514", ("api", "anthropic")),
        ("gemini-2.0-flash", ("api", "google")),
        ("command-r-plus", ("api", "cohere")),
        ("anthropic/claude-3-opus-20240229", ("api", "anthropic")),
        ("meta-llama/Llama-3.1-8B", ("hub", None)),
        ("llama3.1:70b", ("ollama", "ollama")),
        ("model.Q4_K_M.gguf", ("gguf", None)),
        ("hello world", None),
    ],
)
def test_classify_names(name, expected):
    assert classify(name) == expected


def test_limits_bound_the_scan(tmp_path: Path):
    for i in range(5):
        (tmp_path / f"m{i}.py").write_text(f'AutoModel.from_pretrained("org/m{i}")\n', encoding="utf-8")
    (tmp_path / "big.py").write_text("x = 1\n" * 400, encoding="utf-8")
    report = scan_code(tmp_path, ScanLimits(max_files=3, max_file_bytes=1000))
    assert report.truncated and report.files_scanned == 3
    assert ("big.py", "larger than 1000 bytes") in report.skipped


def test_missing_root_is_an_input_error(tmp_path: Path):
    with pytest.raises(InputError, match="no such file"):
        scan_code(tmp_path / "nope")
