"""A Solidity Groth16 verifier for a verifying key, and the arguments to call it with.

* :func:`solidity_verifier` writes a ``Groth16Verifier`` contract with the interface of the
  one ``snarkjs zkey export solidityverifier`` (snarkjs 0.7.x) writes::

      function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC,
                           uint[N] calldata _pubSignals) public view returns (bool)

  It returns true iff e(−A, B)·e(α, β)·e(vk_x, γ)·e(C, δ) = 1, where
  vk_x = IC₀ + Σᵢ pubSignals[i]·ICᵢ₊₁, using the EIP-196/197 precompiles (0x06 ecAdd,
  0x07 ecMul, 0x08 ecPairing). Like the snarkjs contract, it returns false for a public
  signal ≥ r. It also returns false for a proof coordinate ≥ q, which the snarkjs contract
  does not check: that contract negates A's y modulo q, so it accepts a second, non-canonical
  encoding of a valid A. Canonical inputs get the same answer from both contracts.
* :func:`solidity_call_arguments` gives ``verifyProof``'s arguments as ints
  (:class:`CallArguments`), and :func:`solidity_calldata` the string
  ``snarkjs zkey export soliditycalldata public.json proof.json`` prints.
* :func:`write_solidity_verifier` writes the contract to a file, atomically.
* :func:`solidity_key_constants` gives the key as the contract's ``uint256 constant`` lines, for
  other contracts generated from the same key.

Points go to the EVM as in :mod:`zkreceipt.curve.serialize`'s EVM form: 32-byte big-endian
words, G2 coordinates c1 before c0, the point at infinity as (0, 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from string import Template

from ..curve import G1Points, G2Points
from ..errors import ProofError
from ..field import Fq, Fr
from ..fileio import write_file_atomically
from ..groth16.data_structures import Proof, VerifyingKey

WORD_BYTES = 32


@dataclass(frozen=True)
class CallArguments:
    """``verifyProof``'s arguments as ints, in the EVM's order.

    ``a`` and ``c``: (x, y). ``b``: ((x.c1, x.c0), (y.c1, y.c0)), c1 first as the ecPairing
    precompile wants it. ``inputs``: the public signals.
    """

    a: tuple[int, int]
    b: tuple[tuple[int, int], tuple[int, int]]
    c: tuple[int, int]
    inputs: tuple[int, ...]

    @property
    def function_signature(self) -> str:
        """The canonical signature whose Keccak-256 starts the call data."""
        return f"verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[{len(self.inputs)}])"

    def words(self) -> list[int]:
        """The arguments flattened in ABI order: a, b, c, inputs (all static, one word each)."""
        return [*self.a, *self.b[0], *self.b[1], *self.c, *self.inputs]

    def abi_encode(self) -> bytes:
        """The whole call data of ``verifyProof``: the 4-byte selector, then one word per int."""
        from ..keccak import keccak256  # pure Python; imported only when needed

        selector = keccak256(self.function_signature.encode())[:4]
        return selector + b"".join(w.to_bytes(WORD_BYTES, "big") for w in self.words())

    def to_calldata(self) -> str:
        """The text snarkjs prints: ``[a],[[b0],[b1]],[c],[inputs]`` of quoted 0x-hex words."""
        b0, b1 = self.b
        return (
            f"[{_hex_list(self.a, ', ')}],"
            f"[[{_hex_list(b0, ', ')}],[{_hex_list(b1, ', ')}]],"
            f"[{_hex_list(self.c, ', ')}],"
            f"[{_hex_list(self.inputs, ',')}]"
        )


def solidity_call_arguments(proof: Proof, public_signals: Sequence[int]) -> CallArguments:
    """``verifyProof``'s arguments for ``proof`` and its public signals.

    Raises ProofError if the proof does not hold one point per element or a public signal is
    not an int in [0, r).
    """
    if not isinstance(proof, Proof):
        raise ProofError(f"expected a Proof, got {type(proof).__name__}")
    for name, points in (("A", proof.a), ("B", proof.b), ("C", proof.c)):
        if len(points) != 1:
            raise ProofError(f"proof element {name} holds {len(points)} points; expected exactly 1")
    ax, ay = _evm_words(proof.a)
    bx1, bx0, by1, by0 = _evm_words(proof.b)
    cx, cy = _evm_words(proof.c)
    return CallArguments(
        a=(ax, ay),
        b=((bx1, bx0), (by1, by0)),
        c=(cx, cy),
        inputs=tuple(_checked_signals(public_signals)),
    )


def solidity_calldata(proof: Proof, public_signals: Sequence[int]) -> str:
    """What ``snarkjs zkey export soliditycalldata public.json proof.json`` prints (no newline)."""
    return solidity_call_arguments(proof, public_signals).to_calldata()


def solidity_verifier(vk: VerifyingKey) -> str:
    """Source of a ``Groth16Verifier`` contract that checks proofs against ``vk`` (see module doc).

    Raises ProofError for a key with no public signal: Solidity has no ``uint[0]``.
    """
    if not isinstance(vk, VerifyingKey):
        raise ProofError(f"expected a VerifyingKey, got {type(vk).__name__}")
    n = vk.n_public
    if n < 1:
        raise ProofError("a Solidity verifier needs at least one public signal (Solidity has no uint[0])")
    constants, ic_constants = solidity_key_constants(vk)
    signal_checks = [f"checkBelow(calldataload(add(_pubSignals, {i * WORD_BYTES})), r)" for i in range(n)]
    accumulation = [
        f"mulAcc(pVkX, pScratch, IC{i + 1}x, IC{i + 1}y, calldataload(add(_pubSignals, {i * WORD_BYTES})))"
        for i in range(n)
    ]
    return _CONTRACT.substitute(
        n=n,
        plural="" if n == 1 else "s",
        r=Fr.modulus,
        q=Fq.modulus,
        vk_constants=_indent(constants, 4),
        ic_constants=_indent(ic_constants, 4),
        signal_checks=_indent(signal_checks, 12),
        accumulation=_indent(accumulation, 12),
    )


def solidity_key_constants(vk: VerifyingKey) -> tuple[list[str], list[str]]:
    """``vk`` as ``uint256 constant`` lines, named as in the verifier: (α, β, γ, δ lines; IC lines).

    α is ``alphax, alphay``; a G2 point P is ``Px1, Px2, Py1, Py2`` (x.c1, x.c0, y.c1, y.c0, the
    precompile's order); ICᵢ is ``ICix, ICiy``. Other contracts generated from the same key
    (the receipt registry of :mod:`zkreceipt.chain`) use these lines and names.
    """
    constants = [
        *_constant_lines("alpha", ("x", "y"), _evm_words(vk.alpha_g1)),
        *(
            line
            for name, point in (("beta", vk.beta_g2), ("gamma", vk.gamma_g2), ("delta", vk.delta_g2))
            for line in _constant_lines(name, _G2_SUFFIXES, _evm_words(point))
        ),
    ]
    ic_words = _evm_words(vk.gamma_abc_g1)
    ic_constants = [
        line
        for i in range(vk.n_public + 1)
        for line in _constant_lines(f"IC{i}", ("x", "y"), ic_words[2 * i : 2 * i + 2])
    ]
    return constants, ic_constants


def write_solidity_verifier(path: str | Path, vk: VerifyingKey, *, overwrite: bool = True) -> Path:
    """Write :func:`solidity_verifier`'s contract to ``path`` atomically (mode 0644); the path.

    FileAccessError if it cannot be written (or exists and ``overwrite`` is false).
    """
    return write_file_atomically(path, solidity_verifier(vk).encode(), private=False, overwrite=overwrite)


# --- helpers --------------------------------------------------------------------------

#: Constant-name suffixes of a G2 point's EVM words: x.c1, x.c0, y.c1, y.c0 (snarkjs's names).
_G2_SUFFIXES = ("x1", "x2", "y1", "y2")


def _evm_words(points: G1Points | G2Points) -> list[int]:
    data = points.to_evm_bytes()
    return [int.from_bytes(data[i : i + WORD_BYTES], "big") for i in range(0, len(data), WORD_BYTES)]


def _checked_signals(signals: Sequence[int]) -> list[int]:
    if isinstance(signals, (str, bytes)) or not isinstance(signals, Sequence):
        raise ProofError(f"public signals must be a sequence of ints, got {type(signals).__name__}")
    for index, value in enumerate(signals):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ProofError(f"public signal {index} is {type(value).__name__}, not an int")
        if not 0 <= value < Fr.modulus:
            raise ProofError(f"public signal {index} = {value} is not in [0, r)")
    return [int(v) for v in signals]


def _hex_word(value: int) -> str:
    return f'"0x{value:064x}"'


def _hex_list(values: Sequence[int], separator: str) -> str:
    return separator.join(_hex_word(v) for v in values)


def _constant_lines(prefix: str, suffixes: Sequence[str], values: Sequence[int]) -> list[str]:
    return [f"uint256 constant {prefix}{suffix} = {value};" for suffix, value in zip(suffixes, values)]


def _indent(lines: Sequence[str], spaces: int) -> str:
    """Lines joined for a ``$name`` placeholder that itself sits after ``spaces`` of indentation."""
    return ("\n" + " " * spaces).join(lines)


# The pairing input (ecPairing, 0x08) is built at the free memory pointer p: four (G1, G2)
# pairs of 192 bytes, (−A, B) at p, (α, β) at p + 192, (vk_x, γ) at p + 384, (C, δ) at
# p + 576; 128 bytes of scratch for ecMul/ecAdd follow at p + 768. Nothing runs after the
# assembly block returns, so the free memory pointer need not move.
_CONTRACT = Template(
    """\
// SPDX-License-Identifier: MIT
// Groth16 verifier over BN254 for $n public signal$plural, generated by zkreceipt.
// verifyProof has the interface of the verifier snarkjs 0.7.x exports; its arguments are
// what `snarkjs zkey export soliditycalldata` prints.

pragma solidity >=0.7.0 <0.9.0;

contract Groth16Verifier {
    // Scalar field order: every public signal must be below it.
    uint256 constant r = $r;
    // Base field order: every proof coordinate must be below it.
    uint256 constant q = $q;

    // Verification key. G2 coordinates in the precompile's order: x1 = x.c1, x2 = x.c0.
    $vk_constants

    // IC0 + sum of pubSignals[i] * IC(i+1) is the public part of the proof's statement.
    $ic_constants

    function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC, uint[$n] calldata _pubSignals) public view returns (bool) {
        assembly {
            // Ends the call, returning false.
            function fail() {
                mstore(0, 0)
                return(0, 0x20)
            }

            function checkBelow(v, bound) {
                if iszero(lt(v, bound)) {
                    fail()
                }
            }

            // The point at pAcc += s * (x, y), with ecMul (0x07) then ecAdd (0x06).
            function mulAcc(pAcc, pScratch, x, y, s) {
                mstore(pScratch, x)
                mstore(add(pScratch, 32), y)
                mstore(add(pScratch, 64), s)
                if iszero(staticcall(gas(), 0x07, pScratch, 96, pScratch, 64)) {
                    fail()
                }
                mstore(add(pScratch, 64), mload(pAcc))
                mstore(add(pScratch, 96), mload(add(pAcc, 32)))
                if iszero(staticcall(gas(), 0x06, pScratch, 128, pAcc, 64)) {
                    fail()
                }
            }

            // Public signals are field elements; proof coordinates are canonical.
            $signal_checks
            checkBelow(calldataload(_pA), q)
            checkBelow(calldataload(add(_pA, 32)), q)
            checkBelow(calldataload(_pB), q)
            checkBelow(calldataload(add(_pB, 32)), q)
            checkBelow(calldataload(add(_pB, 64)), q)
            checkBelow(calldataload(add(_pB, 96)), q)
            checkBelow(calldataload(_pC), q)
            checkBelow(calldataload(add(_pC, 32)), q)

            let p := mload(0x40)
            let pScratch := add(p, 768)

            // vk_x, accumulated in place in the third pair.
            let pVkX := add(p, 384)
            mstore(pVkX, IC0x)
            mstore(add(pVkX, 32), IC0y)
            $accumulation

            // -A = (x, q - y), and B as given.
            mstore(p, calldataload(_pA))
            mstore(add(p, 32), mod(sub(q, calldataload(add(_pA, 32))), q))
            calldatacopy(add(p, 64), _pB, 128)

            mstore(add(p, 192), alphax)
            mstore(add(p, 224), alphay)
            mstore(add(p, 256), betax1)
            mstore(add(p, 288), betax2)
            mstore(add(p, 320), betay1)
            mstore(add(p, 352), betay2)

            mstore(add(p, 448), gammax1)
            mstore(add(p, 480), gammax2)
            mstore(add(p, 512), gammay1)
            mstore(add(p, 544), gammay2)

            calldatacopy(add(p, 576), _pC, 64)
            mstore(add(p, 640), deltax1)
            mstore(add(p, 672), deltax2)
            mstore(add(p, 704), deltay1)
            mstore(add(p, 736), deltay2)

            let success := staticcall(gas(), 0x08, p, 768, p, 32)
            mstore(0, and(success, mload(p)))
            return(0, 0x20)
        }
    }
}
"""
)
