"""Dask clients for a batch: connected to a running scheduler, or to a local cluster started for the run.

A local cluster has N worker processes of one thread each, and each worker's
kernels run on one thread (``NUMBA_NUM_THREADS=1``), so N workers use N cores
without oversubscribing them. Workers of a running cluster are configured by
whoever starts them; the same settings suit them (``NUMBA_NUM_THREADS=1 dask
worker SCHEDULER --nthreads 1 --nworkers N``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from distributed import Client, LocalCluster

from .errors import ClusterError

#: Environment of a local cluster's worker processes: single-threaded kernels, idle threads that sleep.
WORKER_ENVIRONMENT = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "OMP_WAIT_POLICY": "passive"}
#: Seconds to wait for a scheduler to answer.
CONNECT_TIMEOUT = 20


@contextmanager
def open_client(scheduler: str | None = None, local_workers: int | None = None) -> Iterator[Client]:
    """A Dask client for one run, closed (with its local cluster) on exit.

    ``scheduler``: the address of a running scheduler (``tcp://HOST:8786``);
    ``local_workers``: start a local cluster of that many single-threaded worker
    processes instead (on loopback, no dashboard). ClusterError if neither or
    both are given, or if the scheduler cannot be reached.
    """
    if (scheduler is None) == (local_workers is None):
        raise ClusterError("give either a scheduler address or a number of local workers")
    with ExitStack() as stack:
        if local_workers is not None:
            if local_workers < 1:
                raise ClusterError(f"local workers: at least 1, got {local_workers}")
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=local_workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address="127.0.0.1:0",
                    silence_logs=logging.ERROR,
                    env=WORKER_ENVIRONMENT,
                )
            )
            address = cluster.scheduler_address
        else:
            address = scheduler
        try:
            client = stack.enter_context(Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False))
        except (OSError, TimeoutError) as error:
            raise ClusterError(f"{address}: cannot reach the Dask scheduler ({error})") from None
        except (ValueError, AssertionError) as error:  # what distributed raises for a malformed address
            raise ClusterError(f"{address}: not a Dask scheduler address such as tcp://HOST:8786 ({error})") from None
        yield client

