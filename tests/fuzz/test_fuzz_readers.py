"""Fuzz regression: mutated inputs to every reader raise typed errors or read, nothing else.

A seeded, time-boxed run of the mutations of :mod:`fuzz_mutations` over every reader in
:data:`fuzz_corpus.READERS` (the JSON readers for proofs, public signals, verification
keys, receipts, invoices, rate tables, bundles and key files; the binary readers for
.r1cs, .wtns, .zkey, .ptau; the .sym reader), then a hypothesis run of arbitrary JSON
values spliced into the seeds of the JSON readers. The mutation run stops at
:data:`MUTATION_SECONDS` in all (at least :data:`MIN_INPUTS` per reader), the
hypothesis run at its example count, so the file takes well under a minute; the long
campaign is ``tests/fuzz/campaign.py``. The recursion limit is py_ecc's 100,000 during
the run, as in the CLI: a reader whose parser recursed without a bound would crash the
test process. A finding is reproduced by its reader and index (the failure message
gives ``input_for``'s arguments).
"""

from __future__ import annotations

import collections
import json
import time
from pathlib import Path
from typing import Any

import pytest
from fuzz_corpus import READERS, build_corpus, outcome
from fuzz_mutations import JSON_REPLACEMENTS, input_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SEED = 12
#: Wall-clock budget of the mutation run, shared by the readers.
MUTATION_SECONDS = 25.0
#: Inputs every reader gets whatever the time (the first are the same in every run, so the
#: coverage assertions below do not depend on the machine's load).
MIN_INPUTS = 120


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("fuzz-corpus")
    build_corpus(directory)
    return directory


@pytest.mark.parametrize("name", list(READERS))
def test_mutated_inputs_raise_only_typed_errors(
    name: str, corpus: Path, tmp_path: Path, py_ecc_recursion_limit: None
) -> None:
    reader = READERS[name]
    seed = (corpus / reader.seed).read_bytes()
    deadline = time.monotonic() + MUTATION_SECONDS / len(READERS)
    kinds: collections.Counter[str] = collections.Counter()
    messages: set[str] = set()
    findings = []
    index = 0
    while index < MIN_INPUTS or time.monotonic() < deadline:
        result = outcome(reader, input_for(seed, reader.kind, f"{SEED}:{name}", index), tmp_path / "input", corpus)
        kinds[result.kind] += 1
        if result.kind == "untyped":
            findings.append(f"input_for(seed, {reader.kind!r}, '{SEED}:{name}', {index}): {result.detail}")
        elif result.kind == "typed":
            messages.add(result.detail.split(":")[0] + ":" + result.detail.split(": ")[-1][:25])
        index += 1
    assert not findings, "\n\n".join(findings[:3])
    # The mutations reach past the first check: inputs that still read, and many distinct refusals
    # (among the first MIN_INPUTS already, for this seed).
    assert kinds["ok"] > 0 and kinds["typed"] > 0, kinds
    assert len(messages) >= 5, messages


# --- hypothesis: arbitrary JSON values in place of any part of a seed ---------------------------

_interesting = st.sampled_from(JSON_REPLACEMENTS)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(1 << 300), max_value=1 << 300)
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
    | st.from_regex(r"[0-9]{1,90}", fullmatch=True)
    | _interesting
)
json_values = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)
JSON_READERS = [name for name, reader in READERS.items() if reader.kind == "json"]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            paths += _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            paths += _paths(child, (*path, index))
    return paths


def _replaced(document: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(document) if isinstance(document, dict) else list(document)
    copy[path[0]] = _replaced(copy[path[0]], path[1:], new)
    return copy


@pytest.mark.parametrize("name", JSON_READERS)
def test_any_json_value_anywhere_raises_only_typed_errors(name: str, corpus: Path, tmp_path: Path) -> None:
    reader = READERS[name]
    document = json.loads((corpus / reader.seed).read_text())
    paths = _paths(document)

    @settings(
        max_examples=25,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(path=st.sampled_from(paths), value=json_values)
    def check(path: tuple[Any, ...], value: Any) -> None:
        data = json.dumps(_replaced(document, path, value)).encode()
        result = outcome(reader, data, tmp_path / "input", corpus)
        assert result.kind != "untyped", f"{name} at {path} = {value!r:.200}: {result.detail}"

    check()
