"""circom's witness-generator WebAssembly under wasmtime: the module, its runtime imports, bulk transfers.

A circom 2 ``circuit.wasm`` exports its memory and the witness protocol (``getVersion``,
``getFieldNumLen32``, ``getRawPrime``, ``read/writeSharedRWMemory``, ``init``,
``getInputSignalSize``, ``setInputSignal``, ``getInputSize``, ``getWitnessSize``,
``getWitness``, ``getMessageChar``) and imports four ``runtime`` functions, provided here as
circom's ``witness_calculator.js`` provides them:

* ``exceptionHandler(code)``: stop with circom's message for ``code`` (4: "Assert Failed.")
  followed by the lines ``printErrorMessage`` collected ("Error in template T line: n");
* ``printErrorMessage()``: append the module's current message to the error text;
* ``writeBufferMessage()`` / ``showSharedRWMemory()``: build the circuit's ``log(...)``
  lines (a message, or the field element in the shared memory); a lone "\\n" ends a line.

Field elements cross through the shared read/write memory as ``n32`` little-endian 32-bit
words. Calling those exports word by word from Python costs ~10 µs a call, so a small helper
module (:data:`_BULK_WAT`), linked to the circuit's exports, loops inside WebAssembly: it
sets all values of one input signal, and reads the witness in chunks into its own memory.

Bounds: the store's memories are capped (``max_memory_bytes``); messages, counts and the
field size read from the module are checked before anything is allocated from them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import WasmModuleError, WasmRuntimeMissingError

#: Largest circuit.wasm read (circom's wasm for a million-constraint circuit is ~100 MB).
MAX_WASM_BYTES = 1 << 30
#: Default cap on the WebAssembly memory a witness computation may use (wasm32's own limit).
DEFAULT_MAX_MEMORY_BYTES = 4 << 30
#: Witness values read per helper call (the helper's memory holds one chunk).
READ_CHUNK_WIRES = 1 << 15
#: Longest message taken from ``getMessageChar`` and longest error text or log line kept.
MAX_MESSAGE_CHARS = 4096
MAX_TEXT_CHARS = 1 << 16
#: Largest field circom targets: 32-bit words per element.
MAX_FIELD_WORDS = 16
WASM_PAGE_BYTES = 1 << 16

#: circom's exceptionHandler codes (circom 2.2's generated witness_calculator.js).
EXCEPTION_MESSAGES = {
    1: "Signal not found.",
    2: "Too many signals set.",
    3: "Signal already set.",
    4: "Assert Failed.",
    5: "Not enough memory.",
    6: "Input signal array access exceeds the size.",
    7: "Out of bounds array access.",
}

_I32 = "i32"
#: The circuit exports the protocol needs: name → (parameter types, result types).
REQUIRED_EXPORTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "getVersion": ((), (_I32,)),
    "getFieldNumLen32": ((), (_I32,)),
    "getRawPrime": ((), ()),
    "readSharedRWMemory": ((_I32,), (_I32,)),
    "writeSharedRWMemory": ((_I32, _I32), ()),
    "init": ((_I32,), ()),
    "getInputSignalSize": ((_I32, _I32), (_I32,)),
    "setInputSignal": ((_I32, _I32, _I32), ()),
    "getInputSize": ((), (_I32,)),
    "getWitnessSize": ((), (_I32,)),
    "getWitness": ((_I32,), ()),
    "getMessageChar": ((), (_I32,)),
}
#: The runtime imports a circom 2 module may ask for: name → parameter types (no results).
RUNTIME_IMPORTS: dict[str, tuple[str, ...]] = {
    "exceptionHandler": (_I32,),
    "printErrorMessage": (),
    "writeBufferMessage": (),
    "showSharedRWMemory": (),
}

#: Loops that would cost a Python→wasm call per word: set one signal's values; read witness values.
_BULK_WAT = """
(module
  (import "circuit" "writeSharedRWMemory" (func $write (param i32 i32)))
  (import "circuit" "setInputSignal" (func $set (param i32 i32 i32)))
  (import "circuit" "getWitness" (func $getWitness (param i32)))
  (import "circuit" "readSharedRWMemory" (func $read (param i32) (result i32)))
  (memory (export "buffer") 1)
  ;; values[i] (n32 words each, from offset 0) → shared memory, then setInputSignal(h, i)
  (func (export "setInputValues") (param $hmsb i32) (param $hlsb i32) (param $count i32) (param $n32 i32)
    (local $i i32) (local $j i32) (local $at i32)
    (block $done (loop $values
      (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
      (local.set $j (i32.const 0))
      (block $copied (loop $words
        (br_if $copied (i32.ge_u (local.get $j) (local.get $n32)))
        (call $write (local.get $j) (i32.load (local.get $at)))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $words)))
      (call $set (local.get $hmsb) (local.get $hlsb) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $values))))
  ;; witness[first + i] for i < count (n32 words each) → offset 0 onwards
  (func (export "readWitness") (param $first i32) (param $count i32) (param $n32 i32)
    (local $i i32) (local $j i32) (local $at i32)
    (block $done (loop $wires
      (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
      (call $getWitness (i32.add (local.get $first) (local.get $i)))
      (local.set $j (i32.const 0))
      (block $copied (loop $words
        (br_if $copied (i32.ge_u (local.get $j) (local.get $n32)))
        (i32.store (local.get $at) (call $read (local.get $j)))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $words)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $wires)))))
"""


class CircomException(Exception):
    """The module called ``exceptionHandler(code)``; ``message`` is circom's text and error lines."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _wasmtime() -> Any:
    try:
        import wasmtime
    except ImportError:
        raise WasmRuntimeMissingError(
            "running circom's witness generator needs wasmtime: pip install 'zkreceipt[circom]'"
        ) from None
    return wasmtime


_ENGINES: dict[bool, Any] = {}


def _engine(cache: bool) -> Any:
    """One engine per cache setting; with ``cache`` compiled modules are kept in wasmtime's
    user cache (~/.cache/wasmtime), so a circuit compiles once, not on every run."""
    if cache not in _ENGINES:
        wasmtime = _wasmtime()
        config = wasmtime.Config()
        if cache:
            try:
                config.cache = True
            except wasmtime.WasmtimeError:
                config = wasmtime.Config()  # no usable cache directory: compile every time
        _ENGINES[cache] = wasmtime.Engine(config)
    return _ENGINES[cache]


def _type_names(types: Any) -> tuple[str, ...]:
    return tuple(str(t) for t in types)


@dataclass(frozen=True)
class WasmModule:
    """A compiled circom 2 witness generator (``path`` names it in errors)."""

    path: str
    engine: Any = field(repr=False)
    module: Any = field(repr=False)
    bulk: Any = field(repr=False)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, cache: bool = True) -> WasmModule:
        """Compile ``path``; WasmModuleError unless it is a circom 2 witness generator."""
        wasmtime = _wasmtime()
        source = os.fspath(path)
        try:
            size = Path(source).stat().st_size
            if size > MAX_WASM_BYTES:
                raise WasmModuleError(f"{source}: {size} bytes is larger than the {MAX_WASM_BYTES}-byte limit")
            data = Path(source).read_bytes()
        except OSError as exc:
            raise WasmModuleError(f"{source}: cannot read the file ({exc.strerror})") from None
        engine = _engine(cache)
        try:
            module = wasmtime.Module(engine, data)
        except wasmtime.WasmtimeError as exc:
            raise WasmModuleError(f"{source}: not a WebAssembly module wasmtime accepts ({_first_line(exc)})") from None
        _check_interface(source, module)
        return cls(source, engine, module, wasmtime.Module(engine, _BULK_WAT))


def _check_interface(source: str, module: Any) -> None:
    exports = {e.name: e.type for e in module.exports}
    if "getVersion" not in exports and "getFrLen" in exports:
        raise WasmModuleError(f"{source}: a circom 1 witness generator; only circom 2 is supported")
    for name, (params, results) in REQUIRED_EXPORTS.items():
        kind = exports.get(name)
        if kind is None or not hasattr(kind, "params"):
            raise WasmModuleError(f"{source}: not a circom 2 witness generator (no exported function {name})")
        if (_type_names(kind.params), _type_names(kind.results)) != (params, results):
            raise WasmModuleError(f"{source}: export {name} has an unexpected signature")
    if "memory" not in exports or hasattr(exports["memory"], "params"):
        raise WasmModuleError(f"{source}: not a circom 2 witness generator (no exported memory)")
    for item in module.imports:
        params = RUNTIME_IMPORTS.get(item.name) if item.module == "runtime" else None
        kind = item.type
        if params is None or not hasattr(kind, "params") or (_type_names(kind.params), _type_names(kind.results)) != (
            params,
            (),
        ):
            raise WasmModuleError(f"{source}: imports {item.module}.{item.name}, which circom 2 does not use")


def _first_line(error: BaseException) -> str:
    """The reason in wasmtime's message: the line after "Caused by:" if any (a trap), else the first."""
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    if "Caused by:" in lines[:-1]:
        return lines[lines.index("Caused by:") + 1]
    return lines[0] if lines else type(error).__name__


def _wasm_errors() -> tuple[type[BaseException], ...]:
    wasmtime = _wasmtime()
    return (wasmtime.WasmtimeError, wasmtime.Trap)


class WasmInstance:
    """One fresh instance of a witness generator: its exports, its messages, the bulk helper.

    ``on_log`` receives each line the circuit's ``log(...)`` prints.
    """

    def __init__(self, wasm: WasmModule, max_memory_bytes: int, on_log: Callable[[str], None] | None) -> None:
        wasmtime = _wasmtime()
        self.path = wasm.path
        self.store = wasmtime.Store(wasm.engine)
        self.store.set_limits(memory_size=max_memory_bytes)
        self._on_log = on_log
        self._errors = ""
        self._line = ""
        handlers: dict[str, Callable[..., None]] = {
            "exceptionHandler": self._exception,
            "printErrorMessage": self._print_error,
            "writeBufferMessage": self._write_buffer,
            "showSharedRWMemory": self._show_shared_memory,
        }
        imports = []
        for item in wasm.module.imports:
            kind = wasmtime.FuncType([wasmtime.ValType.i32()] * len(RUNTIME_IMPORTS[item.name]), [])
            imports.append(wasmtime.Func(self.store, kind, handlers[item.name]))
        try:
            instance = wasmtime.Instance(self.store, wasm.module, imports)
        except _wasm_errors() as exc:
            raise WasmModuleError(f"{self.path}: cannot instantiate the module ({_first_line(exc)})") from None
        self.exports = instance.exports(self.store)
        self.memory = self.exports["memory"]
        bulk_imports = [self.exports[n] for n in ("writeSharedRWMemory", "setInputSignal", "getWitness")]
        bulk = wasmtime.Instance(self.store, wasm.bulk, [*bulk_imports, self.exports["readSharedRWMemory"]])
        self._bulk = bulk.exports(self.store)
        self._buffer = self._bulk["buffer"]

    # --- calls --------------------------------------------------------------------------

    def call(self, name: str, *args: int) -> int:
        """Call an export; a trap becomes WasmModuleError (circom's own stops raise CircomException)."""
        try:
            result = self.exports[name](self.store, *args)
        except _wasm_errors() as exc:
            raise WasmModuleError(f"{self.path}: the witness generator stopped in {name}: {_first_line(exc)}") from None
        return 0 if result is None else int(result)

    def memory_bytes(self) -> int:
        return int(self.memory.data_len(self.store))

    def read_shared_memory(self, n32: int) -> int:
        """The field element in the shared memory (word 0 least significant)."""
        words = [self.call("readSharedRWMemory", j) & 0xFFFFFFFF for j in range(n32)]
        return sum(word << (32 * j) for j, word in enumerate(words))

    def set_input_values(self, hmsb: int, hlsb: int, words: bytes, count: int, n32: int) -> None:
        """Write ``count`` values (``words``: n32 little-endian words each) into one input signal."""
        self._fit_buffer(len(words))
        self._buffer.write(self.store, words, 0)
        self._bulk_call("setInputValues", hmsb, hlsb, count, n32)

    def read_witness(self, count: int, n32: int) -> bytearray:
        """The first ``count`` witness values, n32 little-endian words each, wire 0 first."""
        out = bytearray(count * 4 * n32)
        for first in range(0, count, READ_CHUNK_WIRES):
            chunk = min(READ_CHUNK_WIRES, count - first)
            size = chunk * 4 * n32
            self._fit_buffer(size)
            self._bulk_call("readWitness", first, chunk, n32)
            out[first * 4 * n32 : first * 4 * n32 + size] = self._buffer.read(self.store, 0, size)
        return out

    def _bulk_call(self, name: str, *args: int) -> None:
        try:
            self._bulk[name](self.store, *args)
        except _wasm_errors() as exc:
            raise WasmModuleError(f"{self.path}: the witness generator trapped: {_first_line(exc)}") from None

    def _fit_buffer(self, size: int) -> None:
        missing = size - int(self._buffer.data_len(self.store))
        if missing > 0:
            try:
                self._buffer.grow(self.store, -(-missing // WASM_PAGE_BYTES))
            except _wasmtime().WasmtimeError:
                raise WasmModuleError(f"{self.path}: {size} bytes of transfer buffer exceed the memory cap") from None

    # --- the runtime imports (as witness_calculator.js) --------------------------------------

    def _message(self) -> str:
        chars = []
        for _ in range(MAX_MESSAGE_CHARS):
            code = self.exports["getMessageChar"](self.store)
            if code == 0:
                break
            chars.append(chr(code & 0xFF))
        return "".join(chars)

    def _exception(self, code: int) -> None:
        text = EXCEPTION_MESSAGES.get(code, "Unknown error.")
        lines = [line for line in self._errors.splitlines() if line]
        raise CircomException(code, f"{text} {'; '.join(lines)}" if lines else text)

    def _print_error(self) -> None:
        self._errors = (self._errors + self._message() + "\n")[-MAX_TEXT_CHARS:]

    def _append(self, item: str) -> None:
        self._line = (f"{self._line} {item}" if self._line else item)[:MAX_TEXT_CHARS]

    def _write_buffer(self) -> None:
        message = self._message()
        if message == "\n":
            if self._on_log is not None:
                self._on_log(self._line)
            self._line = ""
        else:
            self._append(message)

    def _show_shared_memory(self) -> None:
        n32 = self.exports["getFieldNumLen32"](self.store)
        if 1 <= n32 <= MAX_FIELD_WORDS:
            self._append(str(self.read_shared_memory(n32)))


__all__ = ["CircomException", "WasmInstance", "WasmModule"]
