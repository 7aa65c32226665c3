"""The cluster's typed errors."""

from __future__ import annotations

from ..errors import ProofError, ZkReceiptError


class ClusterError(ZkReceiptError):
    """The Dask cluster cannot serve the batch: no Dask, no scheduler, or workers that hold another key."""


class KeyLoadError(ClusterError):
    """A worker could not load the batch's proving key (missing or different file); the message names the file."""


class ChunkError(ProofError):
    """One receipt of a chunk was not proven: refused on the worker, lost with its workers, or a proof that fails."""
