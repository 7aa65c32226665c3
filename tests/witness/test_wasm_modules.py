"""Modules that are not well-behaved circom 2 witness generators: typed errors, bounded reads."""

from __future__ import annotations

from pathlib import Path

import pytest
import wasmtime
from witness_helpers import CHECKED_WASM, fake_module_wat

from zkreceipt.witness import (
    CircuitAssertionError,
    WasmModuleError,
    WasmRuntimeMissingError,
    WitnessCalculator,
    WitnessInputError,
)
from zkreceipt.witness import runtime

ONE_INPUT = {"x": 5}


def module(tmp_path: Path, **changes: object) -> Path:
    path = tmp_path / "circuit.wasm"
    path.write_bytes(wasmtime.wat2wasm(fake_module_wat(**changes)))  # type: ignore[arg-type]
    return path


def test_the_stand_in_module_works(tmp_path: Path) -> None:
    witness = WitnessCalculator(module(tmp_path)).calculate(ONE_INPUT)
    assert witness.to_ints() == [5, 5]  # getWitness leaves the last value written in the shared memory


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"omit": "getWitness"}, "not a circom 2 witness generator \\(no exported function getWitness\\)"),
        ({"extra_imports": '(import "env" "memory" (memory 1))'}, "imports env.memory, which circom 2 does not use"),
        ({"extra_imports": '(import "runtime" "log" (func (param i32)))'}, "imports runtime.log"),
    ],
)
def test_modules_without_the_protocol_are_refused_at_load(tmp_path: Path, changes: dict, message: str) -> None:
    with pytest.raises(WasmModuleError, match=message):
        WitnessCalculator(module(tmp_path, **changes))


def test_files_that_are_not_wasm(tmp_path: Path) -> None:
    (tmp_path / "circuit.wasm").write_bytes(b"\0asm garbage")
    with pytest.raises(WasmModuleError, match="not a WebAssembly module wasmtime accepts"):
        WitnessCalculator(tmp_path / "circuit.wasm")
    with pytest.raises(WasmModuleError, match="cannot read the file"):
        WitnessCalculator(tmp_path / "missing.wasm")
    (tmp_path / "plain.wasm").write_bytes(wasmtime.wat2wasm("(module)"))
    with pytest.raises(WasmModuleError, match="no exported function"):
        WitnessCalculator(tmp_path / "plain.wasm")


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"version": 1}, WasmModuleError, "circom version 1 is not supported"),
        ({"n32": 0}, WasmModuleError, "a field of 0 32-bit words is not supported"),
        ({"n32": 1000}, WasmModuleError, "a field of 1000 32-bit words"),
        ({"witness_size": 1 << 30}, WasmModuleError, "a witness size of 1073741824 values is not credible"),
        ({"witness_size": 4096}, WasmModuleError, "not credible"),  # 4096 × 32 bytes > the 64 KiB memory
        ({"set_input": "unreachable"}, WasmModuleError, "stopped|trapped"),
        ({"set_input": "(call $exception (i32.const 4))"}, CircuitAssertionError, "in.json: Assert Failed.$"),
        ({"set_input": "(call $exception (i32.const 99))"}, CircuitAssertionError, "in.json: Unknown error.$"),
        ({"set_input": "(call $exception (i32.const 1))"}, WitnessInputError, "in.json: Signal not found.$"),
    ],
)
def test_misbehaving_modules_give_typed_errors(tmp_path: Path, changes: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        WitnessCalculator(module(tmp_path, **changes)).calculate(ONE_INPUT, source="in.json")


def test_error_messages_from_the_module_are_bounded(tmp_path: Path) -> None:
    """A getMessageChar that never returns 0 cannot hang or flood: each message is cut."""
    path = module(
        tmp_path,
        message_char="(i32.const 65)",
        set_input="(call $printError) (call $printError) (call $exception (i32.const 4))",
    )
    with pytest.raises(CircuitAssertionError) as caught:
        WitnessCalculator(path).calculate(ONE_INPUT)
    text = str(caught.value)
    assert text.startswith("input: Assert Failed. AAAA") and "; AAAA" in text
    assert len(text) < 3 * runtime.MAX_MESSAGE_CHARS


def test_the_memory_cap_holds(tmp_path: Path) -> None:
    """A module that grows its memory past the cap sees memory.grow fail, as circom's code expects."""
    path = module(
        tmp_path,
        set_input="(if (i32.eq (memory.grow (i32.const 100)) (i32.const -1)) (then (call $exception (i32.const 5))))",
    )
    assert WitnessCalculator(path).calculate(ONE_INPUT).to_ints() == [5, 5]  # 6.4 MB is under the default cap
    with pytest.raises(WasmModuleError, match="Not enough memory. \\(memory cap 1048576 bytes\\)"):
        WitnessCalculator(path, max_memory_bytes=1 << 20).calculate(ONE_INPUT)
    with pytest.raises(WasmModuleError, match="cannot instantiate"):  # circom's module starts at 11 pages
        WitnessCalculator(CHECKED_WASM, max_memory_bytes=1 << 16).calculate({})


def test_without_wasmtime_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_wasmtime(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "wasmtime":
            raise ImportError("No module named 'wasmtime'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_wasmtime)
    with pytest.raises(WasmRuntimeMissingError, match="pip install 'zkreceipt\\[circom\\]'"):
        WitnessCalculator(CHECKED_WASM)
