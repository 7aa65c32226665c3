"""Prove batches on a Dask cluster (the optional extra ``zkreceipt[cluster]``).

Library use goes through the receipts application, which hands a batch to this
package when it is given a Dask client::

    from zkreceipt.cluster import open_client
    from zkreceipt.ledger.bundles import prove_receipts
    from zkreceipt.ledger.keys import ReceiptKeyPaths, load_receipt_key_pair

    pk = load_receipt_key_pair("keys")                    # the checked pair keys/receipt/
    with open_client(local_workers=4) as client:          # or open_client(scheduler="tcp://host:8786")
        proven = prove_receipts(receipts, pk, policy, rates, trusted_keys=keyring, signing_key=provider_key,
                                client=client, key_file=ReceiptKeyPaths.under("keys").proving_key,
                                on_proven=store_it)

What runs where: the client checks every receipt (its signature under
``trusted_keys`` included) and builds each statement, and each bundle with the
provider's attestation (workers never see the signing key); a task carries a
chunk of statements (inputs and public signals, ~0.7 kB each) to a worker,
which solves the witnesses and proves the chunk with ``groth16.prove_batch``
under a key it loaded once (:mod:`.worker_keys`), and returns 256 bytes per
proof; the client verifies each chunk's proofs before handing them on
(:mod:`.batch`). Faults and their handling are listed in :mod:`.batch`.
"""

from __future__ import annotations

from .errors import ChunkError, ClusterError, KeyLoadError

try:
    import distributed  # noqa: F401  (the optional dependency: a clear error instead of an ImportError)
except ModuleNotFoundError as error:
    if error.name != "distributed":
        raise
    raise ClusterError("proving on a cluster needs Dask distributed: pip install 'zkreceipt[cluster]'") from None

from .batch import CLUSTER_CHUNK_SIZE, ChunkReport, prove_statements_on  # noqa: E402
from .connect import WORKER_ENVIRONMENT, open_client  # noqa: E402
from .transfer import ProofChunk, StatementChunk  # noqa: E402
from .worker import prove_chunk  # noqa: E402
from .worker_keys import KeyFile, SentKey, key_fingerprint, key_loads  # noqa: E402

__all__ = [
    "CLUSTER_CHUNK_SIZE",
    "ChunkError",
    "ChunkReport",
    "ClusterError",
    "KeyFile",
    "KeyLoadError",
    "ProofChunk",
    "SentKey",
    "StatementChunk",
    "WORKER_ENVIRONMENT",
    "key_fingerprint",
    "key_loads",
    "open_client",
    "prove_chunk",
    "prove_statements_on",
]
