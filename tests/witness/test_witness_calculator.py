"""circom's witness generator under wasmtime, Node-free: the checked-in fixture against snarkjs's bytes."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from witness_helpers import (
    ASSERT_INPUT,
    ASSERT_MESSAGE,
    BN254_R,
    CHECKED_R1CS,
    CHECKED_WASM,
    EXPECTED,
    LOG_LINE,
    input_path,
)

from zkreceipt.field import Fr
from zkreceipt.formats import read_r1cs, read_wtns
from zkreceipt.witness import (
    CircuitAssertionError,
    WitnessCalculator,
    WitnessInputError,
    calculate_witness,
    fnv1a_64,
    wtns_calculate,
)


@pytest.fixture(scope="module")
def calculator() -> WitnessCalculator:
    return WitnessCalculator(CHECKED_WASM)


def good_input() -> dict:
    return json.loads(input_path("checked").read_text())


@pytest.mark.parametrize("stem", list(EXPECTED))
def test_wtns_is_byte_identical_to_snarkjs(stem: str, tmp_path: Path) -> None:
    out = tmp_path / "witness.wtns"
    witness = wtns_calculate(CHECKED_WASM, input_path(stem), out)
    assert out.read_bytes() == EXPECTED[stem].read_bytes()
    assert witness.to_wtns_bytes() == EXPECTED[stem].read_bytes()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # a witness holds the private inputs
    assert witness.prime == BN254_R and witness.field_bytes == 32


def test_the_witness_satisfies_the_circuit(calculator: WitnessCalculator) -> None:
    for stem in EXPECTED:
        witness = calculator.calculate(json.loads(input_path(stem).read_text()))
        values = Fr.from_ints(witness.to_ints())
        assert values.to_ints() == read_wtns(EXPECTED[stem]).to_ints()
        read_r1cs(CHECKED_R1CS).r1cs.check_witness(values)


def test_values_are_reduced_mod_r_as_snarkjs_does(calculator: WitnessCalculator) -> None:
    """−1, "−3", r + 5, "0x02" and 4 (a JSON number) become r − 1, r − 3, 5, 2 and 4."""
    wrapped = calculator.calculate(json.loads(input_path("checked.wrapped").read_text())).to_ints()
    same = calculator.calculate(
        {"a": [[BN254_R - 1, 2], [BN254_R - 3, 4], [5, 0]], "k": 9}
    ).to_ints()
    assert wrapped == same
    assert wrapped[4:8] == [BN254_R - 1, 2, BN254_R - 3, 4]  # inputs a[0][0], a[0][1], a[1][0], a[1][1]


def test_the_circuit_log_reaches_the_callback(calculator: WitnessCalculator) -> None:
    lines: list[str] = []
    calculator.calculate(good_input(), on_log=lines.append)
    assert lines == [LOG_LINE]


def test_a_failed_assert_gives_circoms_message_and_the_next_run_is_clean(calculator: WitnessCalculator) -> None:
    with pytest.raises(CircuitAssertionError) as caught:
        calculator.calculate(json.loads(ASSERT_INPUT.read_text()), source="in.json")
    assert str(caught.value) == f"in.json: {ASSERT_MESSAGE}"
    assert "\n" not in str(caught.value)
    # each calculation runs in a fresh instance: the failed one leaves nothing behind
    assert calculator.calculate(good_input()).to_wtns_bytes() == EXPECTED["checked"].read_bytes()


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"a": [[1, 2], [3, 4], [5, 6]], "k": 7, "extra": 1}, "Signal extra not found"),
        ({"k": 7}, "Not all inputs have been set. Only 1 out of 7"),
        ({"a": [[1, 2], [3, 4]], "k": 7}, "Not enough values for input signal a"),
        ({"a": [[1, 2], [3, 4], [5, 6], [7, 8]], "k": 7}, "Too many values for input signal a"),
        ({"a": [1, 2, 3, 4, 5, 6], "k": [7, 8]}, "Too many values for input signal k"),
        ({"a": [], "k": 7}, "Not enough values for input signal a"),
        ({"a.x": 1, "a": [[1, 2], [3, 4], [5, 6]], "k": 7}, "Signal a.x not found"),
        ({"k": 7, "0": 1}, "Signal 0 not found"),  # JavaScript's key order: integer-like keys first
    ],
)
def test_inputs_that_do_not_fit_give_circoms_messages(
    calculator: WitnessCalculator, document: dict, message: str
) -> None:
    with pytest.raises(WitnessInputError) as caught:
        calculator.calculate(document, source="in.json")
    assert str(caught.value) == f"in.json: {message}"


def test_nested_arrays_flatten_in_row_major_order(calculator: WitnessCalculator) -> None:
    nested = calculator.calculate(good_input()).to_ints()
    assert calculator.calculate({"a": [1, 2, 3, 4, 5, 6], "k": 7}).to_ints() == nested
    assert calculator.calculate({"a": [[[1, 2]], [[3], [4, 5]], 6], "k": [7]}).to_ints() == nested


def test_fnv1a_64_known_vectors() -> None:
    # FNV-1a 64 test vectors (Fowler/Noll/Vo), and the UTF-16 code units JavaScript hashes
    assert fnv1a_64("") == 0xCBF29CE484222325
    assert fnv1a_64("a") == 0xAF63DC4C8601EC8C
    assert fnv1a_64("foobar") == 0x85944171F73967E8
    assert fnv1a_64("é") != fnv1a_64("Ã©")  # one code unit, not its two UTF-8 bytes


def test_calculate_witness_takes_a_path_or_a_mapping() -> None:
    by_path = calculate_witness(CHECKED_WASM, input_path("checked"))
    assert by_path == calculate_witness(CHECKED_WASM, good_input())
    assert len(by_path) == read_r1cs(CHECKED_R1CS).r1cs.n_wires
