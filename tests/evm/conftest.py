"""Session fixtures for the Solidity verifier tests: real proofs, and contracts compiled once.

Two statements are proved with development keys: ``three`` (a circuit with three public
signals) and ``one`` (MulChain(4), one public signal). The EVM fixtures compile, in one
solc-js run, zkreceipt's verifier for both keys and the verifier snarkjs writes for ``three``
(its template rendered with our verification key, as ``zkey export solidityverifier`` does).
They skip when node or ``tests/evm/node_modules`` is missing (``cd tests/evm && npm ci``).
"""

from __future__ import annotations

import pytest
from evm_helpers import Contract, ScaledCube, Statement, prove_statement
from evm_tools import evm_tool, missing_tools

from zkreceipt.circuits.mul_chain import MulChain
from zkreceipt.formats.snarkjs_json import verification_key_to_json
from zkreceipt.formats.solidity import solidity_verifier


@pytest.fixture(scope="session")
def statements() -> dict[str, Statement]:
    return {
        "three": prove_statement(ScaledCube(), {"x": 3, "offset": 5, "scale": 7}),
        "one": prove_statement(MulChain(4), {"a": 3, "b": 5}),
    }


@pytest.fixture(scope="session")
def contracts(statements: dict[str, Statement]) -> dict[str, Contract]:
    """``zkreceipt-three``, ``zkreceipt-one`` and ``snarkjs-three``, compiled in one solc run."""
    problem = missing_tools()
    if problem:
        pytest.skip(problem)
    reference = evm_tool("snarkjs-verifier", {"vk": verification_key_to_json(statements["three"].vk)})["source"]
    sources = {
        "zkreceipt-three": solidity_verifier(statements["three"].vk),
        "zkreceipt-one": solidity_verifier(statements["one"].vk),
        "snarkjs-three": reference,
    }
    output = evm_tool("compile", {"sources": {f"{name}.sol": text for name, text in sources.items()}})
    contracts = {}
    for name, source in sources.items():
        compiled = output["contracts"][f"{name}.sol"]["Groth16Verifier"]
        contracts[name] = Contract(
            source=source,
            abi=compiled["abi"],
            bytecode=compiled["bytecode"],
            method_identifiers=compiled["methodIdentifiers"],
            warnings=[w["message"] for w in output["warnings"] if w["file"] == f"{name}.sol"],
        )
    return contracts
