"""Where the verifier runs: a process of its own (the default), or a thread of the server's process.

The pairing kernels hold the GIL while they run, so in a thread they pause
the event loop; in a process of its own the verifier and the HTTP side use
both cores, at the cost of pickling bundles and verdicts across. Both spend
about the same CPU per verification (benchmarks/service_load.py, 0.9–1.1 ms
with HTTP). On this project's shared 2-core machine, where the server never
had both cores to itself, seven side-by-side runs were mixed: the thread
ahead in four, the process in two (with the best figure, 970 against 478
verifications/s at 64 clients in the quietest run), one even. The process is
the default because it is the layout that can use a second core, and it
survives a crash in a kernel. The functions below are the
verifier's whole interface: each runs in the host, on the
:class:`ServiceVerifier` that :func:`start` made there. Verdicts come back as
plain data (:mod:`.verdicts`). If the process dies (a crash in a kernel), the
calls that were waiting raise :class:`VerifierCrashed` (the routes answer 503,
retry) and a new process takes the next call.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

from .verdicts import Submission, Verdict

T = TypeVar("T")

_verifier: Any = None  # the host's ServiceVerifier (set by start)


def start(keys_directory: str, signer_keys: Sequence[str]) -> None:
    """Initializer of the host: the verifier with the server's trust (imports the proving core)."""
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    from ..receipts import Keyring
    from .verification import ServiceVerifier

    global _verifier
    _verifier = ServiceVerifier(Path(keys_directory), receipt_signers=Keyring.of(signer_keys))


def warm() -> str | None:
    """Load the verifier kernels; the trusted receipt key's id (None: the server holds none)."""
    _verifier.warm()
    return _verifier.receipt_vk_id


def verify_documents(documents: list[object]) -> list[Verdict]:
    return _verifier.verify_documents(documents)


def check_receipt_submissions(items: list[tuple[object, object, object]]) -> list[Submission]:
    return _verifier.check_receipt_submissions(items)


def check_invoice_submissions(items: list[tuple[object, object, object]]) -> list[Submission]:
    return _verifier.check_invoice_submissions(items)


class VerifierCrashed(RuntimeError):
    """The verifier process died during the call; a new one is starting."""


class VerifierHost:
    """One verifier, in a child process (``separate_process``) or in one thread of this process."""

    def __init__(self, keys_directory: Path, signer_keys: Sequence[str], *, separate_process: bool = True) -> None:
        self._arguments = (str(keys_directory), list(signer_keys))
        self._separate_process = separate_process
        self._executor = self._new_executor()
        self._warming: Future[str | None] | None = None

    def _new_executor(self) -> Executor:
        if self._separate_process:
            # spawn: the server already runs threads, which a fork would copy in an unknown state
            context = multiprocessing.get_context("spawn")
            return ProcessPoolExecutor(1, mp_context=context, initializer=start, initargs=self._arguments)
        return ThreadPoolExecutor(1, thread_name_prefix="zkreceipt-verify", initializer=start, initargs=self._arguments)

    def start_warming(self) -> Future[str | None]:
        """Start the host (spawning its process) and load its kernels; the future gives :func:`warm`'s key id.

        Called before the server's own imports, the child's start-up overlaps them.
        """
        if self._warming is None:
            self._warming = self._executor.submit(warm)
        return self._warming

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in the host (a module-level function of this module)."""
        executor = self._executor
        try:
            return await asyncio.get_running_loop().run_in_executor(executor, function, *args)
        except BrokenProcessPool:
            if self._executor is executor:  # the first caller to meet the dead process replaces it
                executor.shutdown(wait=False)
                self._executor = self._new_executor()
            raise VerifierCrashed("the verifier process stopped; a new one is starting") from None

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
