"""Groth16 over BN254, one protocol phase per module (as ark-groth16).

``data_structures`` (keys and proofs), ``r1cs_to_qap`` (the snarkjs-style QAP
reduction), ``generator`` (the development setup), ``prover``, ``verifier``.
"""

from __future__ import annotations

from .data_structures import Proof, ProvingKey, VerifyingKey
from .generator import setup_development
from .batch_verifier import BatchVerification, verify_batch
from .prover import prove, prove_batch, prove_with_randomness
from .verifier import verify

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
