"""zkreceipt: Groth16 proofs over BN254 for compute receipts."""
__version__ = "0.1.0"
