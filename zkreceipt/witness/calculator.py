"""circom's witness protocol (``witness_calculator.js``, ``calculateWTNSBin``) over a wasm instance.

1. ``init(0)`` (no sanity checks, as ``snarkjs wtns calculate``).
2. For each input signal, in :mod:`.inputs` order: h = FNV-1a-64(name) (over the name's
   UTF-16 code units, as JavaScript's ``charCodeAt``) split into (hMSB, hLSB);
   ``getInputSignalSize(hMSB, hLSB)`` must equal the number of values ("Signal s not found",
   "Not enough values for input signal s", "Too many values for input signal s"); each
   value v mod p goes to the shared memory, then ``setInputSignal(hMSB, hLSB, i)``. The
   circuit computes as its inputs arrive: a failed ``assert`` stops it there.
3. Fewer values set than ``getInputSize()``: "Not all inputs have been set. Only k out of n".
4. ``getWitnessSize()`` values through ``getWitness(i)`` and the shared memory, in the
   ``.r1cs`` wire order (wire 0 = 1), standard form.

The ``.wtns`` bytes are those ``calculateWTNSBin`` builds: magic "wtns", version 2, two
sections: 1 = (n8 u32, p in n8 bytes, nWitness u32), 2 = nWitness × n8-byte values, all
little-endian.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..fileio import write_file_atomically
from .errors import CircuitAssertionError, WasmModuleError, WitnessInputError
from .inputs import InputSignal, input_signals, read_input_file
from .runtime import DEFAULT_MAX_MEMORY_BYTES, MAX_FIELD_WORDS, CircomException, WasmInstance, WasmModule

#: Most witness values accepted from a module (2^28: Fr's largest NTT domain; 8 GiB of values).
MAX_WITNESS_WIRES = 1 << 28
WTNS_VERSION = 2
_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_MASK64 = (1 << 64) - 1
#: exceptionHandler codes that mean the input does not fit the circuit's signals.
_INPUT_CODES = {1, 2, 3, 6}


def fnv1a_64(name: str) -> int:
    """circom's signal-name hash: 64-bit FNV-1a over the UTF-16 code units of ``name``."""
    units = name.encode("utf-16-le")
    h = _FNV_OFFSET
    for i in range(0, len(units), 2):
        h = ((h ^ (units[i] | units[i + 1] << 8)) * _FNV_PRIME) & _MASK64
    return h


@dataclass(frozen=True)
class CircomWitness:
    """A computed witness: ``data`` holds len(self) values of ``field_bytes`` bytes each
    (standard form, little-endian, wire 0 first), elements of the field of ``prime``."""

    prime: int
    field_bytes: int
    data: bytes = field(repr=False)

    def __len__(self) -> int:
        return len(self.data) // self.field_bytes

    def to_ints(self) -> list[int]:
        n8 = self.field_bytes
        return [int.from_bytes(self.data[i : i + n8], "little") for i in range(0, len(self.data), n8)]

    def to_wtns_bytes(self) -> bytes:
        """The ``.wtns`` file, byte for byte as ``snarkjs wtns calculate`` writes it."""
        n8 = self.field_bytes
        header = struct.pack("<I", n8) + self.prime.to_bytes(n8, "little") + struct.pack("<I", len(self))
        return b"".join(
            [
                b"wtns" + struct.pack("<II", WTNS_VERSION, 2),
                struct.pack("<IQ", 1, len(header)),
                header,
                struct.pack("<IQ", 2, len(self.data)),
                self.data,
            ]
        )


class WitnessCalculator:
    """A circom 2 ``circuit.wasm`` compiled once, computing witnesses for any number of inputs.

    Each :meth:`calculate` runs in a fresh instance (a failed computation leaves nothing
    behind); its WebAssembly memory is capped at ``max_memory_bytes``. ``cache``: keep the
    compiled module in wasmtime's user cache.
    """

    def __init__(
        self, wasm: str | os.PathLike[str], *, cache: bool = True, max_memory_bytes: int = DEFAULT_MAX_MEMORY_BYTES
    ) -> None:
        self.module = WasmModule.load(wasm, cache=cache)
        self.max_memory_bytes = max_memory_bytes

    @property
    def path(self) -> str:
        return self.module.path

    def calculate(
        self,
        inputs: Sequence[InputSignal] | Mapping[str, Any],
        *,
        source: str = "input",
        on_log: Callable[[str], None] | None = None,
    ) -> CircomWitness:
        """The witness for ``inputs`` (from :func:`read_input_file`, or a mapping as in input.json).

        ``source`` names the input in errors; ``on_log`` receives the circuit's ``log`` lines.
        WitnessInputError for inputs that do not fit the circuit, CircuitAssertionError when
        the circuit refuses them (a failed ``assert``), WasmModuleError for a misbehaving module.
        """
        signals = tuple(inputs) if _are_signals(inputs) else input_signals(inputs, source)
        instance = WasmInstance(self.module, self.max_memory_bytes, on_log)
        try:
            return self._run(instance, signals, source)
        except CircomException as exc:
            if exc.code in _INPUT_CODES:
                raise WitnessInputError(f"{source}: {exc.message}") from None
            if exc.code == 5:
                raise WasmModuleError(
                    f"{self.path}: {exc.message} (memory cap {self.max_memory_bytes} bytes)"
                ) from None
            raise CircuitAssertionError(f"{source}: {exc.message}") from None

    def _run(self, instance: WasmInstance, signals: Sequence[InputSignal], source: str) -> CircomWitness:
        if (version := instance.call("getVersion")) != 2:
            raise WasmModuleError(f"{self.path}: circom version {version} is not supported (only 2)")
        n32 = instance.call("getFieldNumLen32")
        if not 1 <= n32 <= MAX_FIELD_WORDS:
            raise WasmModuleError(f"{self.path}: a field of {n32} 32-bit words is not supported")
        instance.call("getRawPrime")
        prime = instance.read_shared_memory(n32)
        if prime < 3:
            raise WasmModuleError(f"{self.path}: the module's prime {prime} is not a field modulus")
        n8 = 4 * n32
        instance.call("init", 0)
        for signal in signals:
            h = fnv1a_64(signal.name)
            hmsb, hlsb = _signed(h >> 32), _signed(h & 0xFFFFFFFF)
            size = instance.call("getInputSignalSize", hmsb, hlsb)
            count = len(signal.values)
            # An unknown name reads a size of 0 (or < 0) in circom 2.2's modules; snarkjs then
            # says "Too many values": name the real cause.
            if size < 0 or (size == 0 and count > 0):
                raise WitnessInputError(f"{source}: Signal {signal.name} not found")
            if count < size:
                raise WitnessInputError(f"{source}: Not enough values for input signal {signal.name}")
            if count > size:
                raise WitnessInputError(f"{source}: Too many values for input signal {signal.name}")
            if count:
                words = b"".join((value % prime).to_bytes(n8, "little") for value in signal.values)
                instance.set_input_values(hmsb, hlsb, words, count, n32)
        given = sum(len(signal.values) for signal in signals)
        if given < (needed := instance.call("getInputSize")):
            raise WitnessInputError(f"{source}: Not all inputs have been set. Only {given} out of {needed}")
        n_witness = instance.call("getWitnessSize") & 0xFFFFFFFF
        if n_witness > MAX_WITNESS_WIRES or n_witness * n8 > instance.memory_bytes():
            raise WasmModuleError(f"{self.path}: a witness size of {n_witness} values is not credible")
        return CircomWitness(prime, n8, bytes(instance.read_witness(n_witness, n32)))


def _are_signals(inputs: object) -> bool:
    return isinstance(inputs, (list, tuple)) and all(isinstance(s, InputSignal) for s in inputs)


def _signed(word: int) -> int:
    """A 32-bit word as the i32 wasmtime passes (JavaScript passes the unsigned number; same bits)."""
    return word - (1 << 32) if word >= 1 << 31 else word


def calculate_witness(
    wasm: str | os.PathLike[str],
    inputs: str | os.PathLike[str] | Mapping[str, Any],
    *,
    on_log: Callable[[str], None] | None = None,
) -> CircomWitness:
    """The witness of ``inputs`` (an input.json path, or a mapping) on the circom ``wasm``."""
    calculator = WitnessCalculator(wasm)
    if isinstance(inputs, Mapping):
        return calculator.calculate(inputs, on_log=on_log)
    return calculator.calculate(read_input_file(inputs), source=os.fspath(inputs), on_log=on_log)


def wtns_calculate(
    wasm: str | os.PathLike[str],
    input_json: str | os.PathLike[str],
    wtns: str | os.PathLike[str],
    *,
    on_log: Callable[[str], None] | None = None,
) -> CircomWitness:
    """``snarkjs wtns calculate``: compute the witness and write ``wtns`` atomically, mode 0600."""
    signals = read_input_file(input_json)  # bad input fails before the module compiles
    witness = WitnessCalculator(wasm).calculate(signals, source=os.fspath(input_json), on_log=on_log)
    write_file_atomically(Path(wtns), witness.to_wtns_bytes(), private=True, overwrite=True)
    return witness


__all__ = ["CircomWitness", "WitnessCalculator", "calculate_witness", "fnv1a_64", "wtns_calculate"]
