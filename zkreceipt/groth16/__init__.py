"""Groth16 over BN254, one protocol phase per module (as ark-groth16).

``data_structures`` (keys and proofs), ``r1cs_to_qap`` (the snarkjs-style QAP
reduction), ``generator`` (the development setup), ``prover``, ``verifier``.
"""

from __future__ import annotations

from .data_structures import Proof, ProvingKey, VerifyingKey
from .generator import setup_development
from .prover import prove, prove_batch, prove_with_randomness

_VERIFIER_NAMES = {"BatchVerification": "batch_verifier", "verify_batch": "batch_verifier", "verify": "verifier"}


def __getattr__(name: str) -> object:
    """The verifiers, imported on first use (they load the pairing, which a prover does not need)."""
    if name in _VERIFIER_NAMES:
        import importlib

        return getattr(importlib.import_module(f".{_VERIFIER_NAMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Proof",
    "ProvingKey",
    "VerifyingKey",
    "BatchVerification",
    "prove",
    "prove_batch",
    "prove_with_randomness",
    "setup_development",
    "verify",
    "verify_batch",
]
