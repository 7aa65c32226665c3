"""Gas of anchoring receipts in the generated registry, on the EVM of tests/evm (Prague rules).

Run: python3 benchmarks/anchor_gas.py [--gas-price-gwei 10]
Needs node and `cd tests/evm && npm ci`. Proves 42 example receipts with a development key
(default circuit: model and price public, depth-4 rate table) and attests them, generates the
registry from a trust profile (the default profile, trusting that key: the built-in rate table
at depth 4 and the default policy bounds, as `zkreceipt anchor export-contract` does), deploys
it on a fresh chain, anchors one with `anchor`, then batches of 1, 8 and 32 with `anchorMany`, and prints
the transaction gas (execution + 21,000 + call data, EIP-2028/EIP-7623), the contract sizes
and the deployment gas. Gas does not depend on the machine; it varies by a few hundred with
the proof's zero bytes in the call data.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "evm"))

from evm_tools import missing_tools  # noqa: E402
from registry_helpers import (  # noqa: E402
    BATCH_SIZES,
    OWNER,
    Deploy,
    compile_registries,
    demo_policy,
    example_receipt,
    key_id,
    measure_anchor_gas,
    prove_examples,
    run_session,
    transaction_gas,
)

from zkreceipt.chain import AnchorItem, RegistryDeployment, registry_inputs_from_profile  # noqa: E402
from zkreceipt.circuits.receipt_policy import PRICE_AND_MODEL  # noqa: E402
from zkreceipt.ledger.identity import receipt_identity  # noqa: E402
from zkreceipt.ledger.keys import setup_receipt_keys  # noqa: E402
from zkreceipt.ledger.trust import default_trust_profile  # noqa: E402

#: EIP-1108 pairing price: 45,000 + 34,000 per pair.
PAIRING_BASE, PAIRING_PER_PAIR = 45_000, 34_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gas-price-gwei", type=float, default=10.0, help="gas price for the cost column")
    args = parser.parse_args()
    problem = missing_tools()
    if problem:
        sys.exit(f"anchor_gas.py: {problem}")

    receipt = example_receipt()
    pk = setup_receipt_keys(PRICE_AND_MODEL)
    proven = prove_examples(pk, [demo_policy(receipt)] * (1 + sum(BATCH_SIZES)))
    items = [AnchorItem.of(p.bundle.proof, p.bundle.public_signals) for p in proven]
    profile = default_trust_profile().with_key(pk.vk, receipt_identity(PRICE_AND_MODEL))
    inputs = registry_inputs_from_profile(profile, key_id(pk.vk, PRICE_AND_MODEL))
    registry = compile_registries({"registry": inputs})["registry"]
    deployment = RegistryDeployment.of(inputs, OWNER)
    figures = measure_anchor_gas(registry, deployment, items)

    deploy = run_session([Deploy("registry", registry, deployment)], []).deployed["registry"]
    creation = bytes.fromhex(registry.bytecode[2:]) + deployment.encoded_arguments()
    deploy_gas = transaction_gas(creation, deploy["gasUsed"], create=True)

    anchor = figures.anchor.transaction_gas
    eth = args.gas_price_gwei * 1e-9
    print(f"Circuit {inputs.circuit}, {len(inputs.layout.names)} public signals; gas price {args.gas_price_gwei:g} gwei.\n")
    print("| call | receipts | pairs | transaction gas | gas per receipt | of `anchor` | ETH per receipt |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print(f"| `anchor` | 1 | 4 | {anchor:,} | {anchor:,} | 100 % | {anchor * eth:.6f} |")
    for size in BATCH_SIZES:
        total, each = figures.batches[size].transaction_gas, figures.per_receipt(size)
        print(
            f"| `anchorMany` | {size} | {size + 3} | {total:,} | {each:,.0f} | {100 * each / anchor:.0f} % "
            f"| {each * eth:.6f} |"
        )
    print(f"\nPairing precompile alone: {PAIRING_BASE + 4 * PAIRING_PER_PAIR:,} gas for 4 pairs, "
          f"{PAIRING_PER_PAIR:,} per extra pair.")
    print(f"Deployed sizes: ReceiptRegistry {registry.deployed_size:,} bytes, Groth16Verifier "
          f"{registry.verifier_size:,} bytes (EIP-170 limit 24,576).")
    print(f"Deployment (registry + the verifier it creates, one root): {deploy_gas:,} gas "
          f"= {deploy_gas * eth:.4f} ETH.")


if __name__ == "__main__":
    main()
