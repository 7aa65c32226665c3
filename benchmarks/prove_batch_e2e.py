"""``zkreceipt prove-batch`` end to end against ``prove_batch`` in process, on the same receipts.

Run: python3 benchmarks/prove_batch_e2e.py [--receipts 128] [--rounds 2]

K different signed receipts (seeded: models, units, start times, all in one UTC day so the
CLI's default policy window fits; signed with a fresh Ed25519 key) are written as files,
with development keys of the default receipt circuit. Then, alternately, ``rounds`` times:

* CLI: the whole process ``zkreceipt prove-batch r_*.json --keys-dir … --out-dir …`` in a
  fresh ``$ZKRECEIPT_HOME``: reading and checking the receipts, statements (Poseidon
  commitments), witness solving, proving (chunks of 32), bundles written, store rows, audit log;
* library: in this process, ``groth16.prove_batch`` on the same receipts' witnesses with a
  freshly loaded key object (so its fixed-base tables are built inside the timing, as the
  CLI's are), after a warm-up on another key object.

Prints receipts/s of every run and the ratio CLI/library of the best runs.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from compare_runs import ZKRECEIPT_CLI, checked_run

from zkreceipt.circuits.receipt_policy import ReceiptPolicy
from zkreceipt.groth16 import prove_batch
from zkreceipt.ledger.keys import load_receipt_proving_key, save_receipt_keys, setup_receipt_keys
from zkreceipt.ledger.statements import receipt_statement
from zkreceipt.receipts import DEFAULT_RATE_TABLE, Receipt, expected_price, generate_signing_key, sign_receipt
from zkreceipt.receipts.fixed_point import UNITS_SCALE
from zkreceipt.receipts.receipt_json import receipt_to_json

DAY = 86_400
FIRST_DAY = 1_737_676_800  # 2025-01-24 00:00 UTC, the example receipt's day


def make_receipts(count: int) -> list[Receipt]:
    rng = random.Random(20261205)
    models = DEFAULT_RATE_TABLE.models
    key = generate_signing_key()
    receipts = []
    for index in range(count):
        started_at = FIRST_DAY + rng.randrange(3600, 12 * 3600)
        duration = rng.randrange(1, 3600)
        unpriced = Receipt(
            receipt_id=f"e2e-{index}",
            job_id=f"job-{rng.randrange(1 << 32):08x}",
            provider=f"provider-{rng.randrange(16)}",
            client=f"client-{rng.randrange(1024)}",
            units_fp=rng.randrange(1, duration * UNITS_SCALE + 1),
            unit_type="gpu_seconds",
            price_fp=0,
            model=models[rng.randrange(len(models))],
            started_at=started_at,
            completed_at=started_at + duration,
        )
        receipt = replace(unpriced, price_fp=expected_price(unpriced, DEFAULT_RATE_TABLE).price_fp)
        receipts.append(sign_receipt(receipt, key, DEFAULT_RATE_TABLE))
    return receipts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--receipts", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    policy = ReceiptPolicy(not_before=FIRST_DAY, not_after=FIRST_DAY + DAY - 1, max_duration=DAY)
    with tempfile.TemporaryDirectory(prefix="zkreceipt-e2e-") as tmp:
        folder = Path(tmp)
        keys = folder / "keys"
        save_receipt_keys(setup_receipt_keys(policy), keys)
        receipts = make_receipts(args.receipts)
        paths = []
        for index, receipt in enumerate(receipts):
            path = folder / f"r_{index:04d}.json"
            path.write_text(receipt_to_json(receipt))
            paths.append(str(path))
        prove_batch(load_receipt_proving_key(keys), [receipt_statement(receipts[0], policy, DEFAULT_RATE_TABLE, 1).solve().values] * 2)
        cli_rates, library_rates = [], []
        for round_ in range(args.rounds):
            home = folder / f"home_{round_}"
            run = checked_run(
                [*ZKRECEIPT_CLI, "prove-batch", *paths, "--keys-dir", str(keys), "--out-dir", str(folder / f"out_{round_}")],
                "zkreceipt prove-batch",
                env={"ZKRECEIPT_HOME": str(home)},
            )
            written = len(list((folder / f"out_{round_}").glob("*.bundle.json")))
            assert written == len(receipts), f"{written} bundles written"
            cli_rates.append(len(receipts) / run.seconds)
            pk = load_receipt_proving_key(keys)
            witnesses = [
                receipt_statement(r, policy, DEFAULT_RATE_TABLE, 1 + i).solve().values for i, r in enumerate(receipts)
            ]
            start = time.perf_counter()
            prove_batch(pk, witnesses)
            library_rates.append(len(receipts) / (time.perf_counter() - start))
            print(
                f"round {round_ + 1}: CLI {cli_rates[-1]:.2f} receipts/s ({run.seconds:.1f} s whole process, "
                f"CPU {run.cpu_s} s), library prove_batch {library_rates[-1]:.2f} proofs/s",
                flush=True,
            )
    best_cli, best_library = max(cli_rates), max(library_rates)
    print(
        f"best: CLI {best_cli:.2f} receipts/s, library {best_library:.2f} proofs/s, "
        f"CLI/library {best_cli / best_library:.2f} ({args.receipts} receipts, load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
