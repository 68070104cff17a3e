"""Front matter composed by libyaml where that is provably safe gives exactly what the
bounded pure-Python loader gives: on real cards, synthetic ones and hostile input."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from smallprint.sources.card import _closing_fence, _opening_fence, normalise_text
from smallprint.sources.yaml_guard import (
    _load_bounded,
    _load_with_libyaml,
    fast_path_safe,
    load_bounded_yaml,
)

CORPUS = Path(os.environ.get("SMALLPRINT_CORPUS") or Path(__file__).resolve().parents[3] / "shared" / "corpus")
if not (CORPUS / "cards").is_dir():
    CORPUS = Path("/work/shared/corpus")


def _front_matter(text: str) -> str | None:
    lines = normalise_text(text).split("\n")
    start = _opening_fence(lines)
    end = _closing_fence(lines, start) if start is not None else None
    return None if start is None or end is None else "\n".join(lines[start + 1 : end])


HOSTILE = [
    "a: &a [x, x]\nb: [*a, *a]\n",  # aliases: the bounded loader counts them
    "a: &a [x]\n" + "".join(f"k{i}: *a\n" for i in range(20)),  # more aliases than allowed
    "a: &a [*a]\n",  # a recursive alias
    "x: " + "[" * 100 + "]" * 100 + "\n",  # nesting beyond the limit
    "x:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 70)),  # block nesting beyond the limit
    "a: 1\na: 2\n",  # duplicate keys
    "a: [1, 2\n",  # unclosed flow
    "\tlicense: mit\n",  # a tab
    "license: mit\x07\n",  # a control character
    "k: !!python/object:os.system ls\n",  # a Python tag
    "k: !custom x\n",  # an unknown tag
    "? [a, b]\n: c\n",  # an unhashable key
    "- a\n- b\n",  # not a mapping
    "license: mit\nwhen: 2024-01-01\nn: 0x1F\nf: .5\nb: yes\n",  # implicit types
    "key: 'unterminated\n",
    "*undefined\n",
    "a: b: c\n",
    "",
    "# only a comment\n",
    "l: \u2028x\n",
    "a: \ufeffb\n",
]


def _same(text: str) -> None:
    assert load_bounded_yaml(text) == _load_bounded(text), text[:200]


def test_corpus_front_matter_is_identical_and_mostly_fast(corpus_cards: list[str]) -> None:
    fast = 0
    for text in corpus_cards:
        fm = _front_matter(text)
        if fm is None:
            continue
        _same(fm)
        fast += fast_path_safe(fm) and _load_with_libyaml(fm) is not None
    assert fast >= 0.8 * len(corpus_cards) - 10


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_front_matter_is_identical(text: str) -> None:
    _same(text)


def test_mutated_front_matter_is_identical(corpus_cards: list[str]) -> None:
    from smallprint.audit.synthetic import synthetic_rows

    rng = random.Random(2)
    texts = [fm for t in corpus_cards if (fm := _front_matter(t))]
    texts += [fm for r in synthetic_rows(300, seed=4) if (fm := _front_matter(r["card"]))]
    alphabet = ["-", ":", " ", "\n", "[", "]", "{", "}", "'", '"', "#", "&a ", "*a", "!", "|", ">", "  ", "?", ",", "%", "@", "`"]
    for text in texts:
        for _ in range(3):
            chars = list(text[:3000])
            for _ in range(rng.randint(1, 4)):
                at = rng.randrange(len(chars) + 1)
                if rng.random() < 0.5 and chars:
                    del chars[min(at, len(chars) - 1)]
                else:
                    chars.insert(at, rng.choice(alphabet))
            _same("".join(chars))


@pytest.fixture
def corpus_cards() -> list[str]:
    readmes = sorted((CORPUS / "cards").glob("*/README.md"))
    if not readmes:
        pytest.skip("corpus not present")
    return [p.read_text(encoding="utf-8", errors="replace") for p in readmes]
