"""The checked-in circom fixture (see fixtures/README.md) and a hand-written stand-in for odd modules."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHECKED_WASM = FIXTURES / "checked.wasm"
CHECKED_R1CS = FIXTURES / "checked.r1cs"
#: input file stem → the .wtns snarkjs 0.7.6 made for it
EXPECTED = {"checked": FIXTURES / "checked.wtns", "checked.wrapped": FIXTURES / "checked.wrapped.wtns"}
ASSERT_INPUT = FIXTURES / "checked.assert.input.json"
ASSERT_MESSAGE = "Assert Failed. Error in template Square_0 line: 10; Error in template Checked_2 line: 31"
#: the circuit's log line for checked.input.json: log("sum", acc, "k", k)
LOG_LINE = "sum 1392 k 7"
BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617


def input_path(stem: str) -> Path:
    return FIXTURES / f"{stem}.input.json"


def fake_module_wat(
    *,
    version: int = 2,
    n32: int = 8,
    witness_size: int = 2,
    set_input: str = "",
    message_char: str = "(i32.const 0)",
    extra_imports: str = "",
    omit: str = "",
) -> str:
    """A module with circom 2's exports whose behaviour the arguments change (for error paths).

    The shared memory sits at byte 1024; the prime is BN254's r; one input signal of size 1;
    ``getWitness`` leaves the shared memory as it is. ``set_input`` is the body of
    ``setInputSignal``; ``omit`` drops the export of that name.
    """
    prime_words = [(BN254_R >> (32 * j)) & 0xFFFFFFFF for j in range(8)]
    store_prime = "".join(
        f"(i32.store (i32.const {1024 + 4 * j}) (i32.const {word - (1 << 32) if word >= 1 << 31 else word}))"
        for j, word in enumerate(prime_words)
    )
    exports = {
        "getVersion": f'(func (export "getVersion") (result i32) (i32.const {version}))',
        "getFieldNumLen32": f'(func (export "getFieldNumLen32") (result i32) (i32.const {n32}))',
        "getRawPrime": f'(func (export "getRawPrime") {store_prime})',
        "readSharedRWMemory": '(func (export "readSharedRWMemory") (param i32) (result i32)'
        " (i32.load (i32.add (i32.const 1024) (i32.mul (local.get 0) (i32.const 4)))))",
        "writeSharedRWMemory": '(func (export "writeSharedRWMemory") (param i32 i32)'
        " (i32.store (i32.add (i32.const 1024) (i32.mul (local.get 0) (i32.const 4))) (local.get 1)))",
        "init": '(func (export "init") (param i32))',
        "getInputSignalSize": '(func (export "getInputSignalSize") (param i32 i32) (result i32) (i32.const 1))',
        "setInputSignal": f'(func (export "setInputSignal") (param i32 i32 i32) {set_input})',
        "getInputSize": '(func (export "getInputSize") (result i32) (i32.const 1))',
        "getWitnessSize": f'(func (export "getWitnessSize") (result i32) (i32.const {witness_size}))',
        "getWitness": '(func (export "getWitness") (param i32))',
        "getMessageChar": f'(func (export "getMessageChar") (result i32) {message_char})',
    }
    body = "\n".join(text for name, text in exports.items() if name != omit)
    return f"""(module
      (import "runtime" "exceptionHandler" (func $exception (param i32)))
      (import "runtime" "printErrorMessage" (func $printError))
      {extra_imports}
      (memory (export "memory") 1)
      {body})"""
