"""Where the verifier runs: a process of its own (the default), or a thread of the server's process.

The pairing kernels hold the GIL while they run, so in a thread they pause
the event loop; in a process of its own the verifier and the HTTP side use
both cores, at the cost of pickling bundles and verdicts across. Both spend
about the same CPU per verification (benchmarks/service_load.py: 1.0 ms with
HTTP). On this project's shared 2-core machine the two were even in a quiet
run (930 against 926 verifications/s at 64 clients) and the process ahead in
a loaded one (830 against 653, p99 120 against 226 ms). The process is the
default because it is the layout that can use a second core, and it survives
a crash in a kernel.

The functions below are the verifier's whole interface: each runs in the
host, on the :class:`ServiceVerifier` built there from the trust profile
document :func:`start` received (the host parses it itself: a profile does not
pickle). Verdicts come back as plain data (:mod:`.verdicts`). If the process
dies (a crash in a kernel), the calls that were waiting raise
:class:`VerifierCrashed` (the routes answer 503, retry) and a new process
takes the next call.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from .verdicts import Submission, TrustSummary, Verdict

T = TypeVar("T")

_profile: tuple[object | None, str] = (None, "")  # the trust profile document and its source (set by start)
_verifier: Any = None  # the host's ServiceVerifier, built from them on first use


def start(document: object | None, source: str) -> None:
    """Initializer of the host: keep the server's trust profile document (parsed on first use)."""
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    global _profile, _verifier
    _profile, _verifier = (document, source), None


def _host_verifier() -> Any:
    """The host's verifier (imports the proving core; TrustProfileError if the document is malformed)."""
    global _verifier
    if _verifier is None:
        from .verification import ServiceVerifier

        _verifier = ServiceVerifier.from_document(*_profile)
    return _verifier


def warm() -> TrustSummary:
    """Parse the profile, load the verifier kernels; what the profile trusts."""
    verifier = _host_verifier()
    verifier.warm()
    return verifier.summary()


def verify_documents(documents: list[object]) -> list[Verdict]:
    return _host_verifier().verify_documents(documents)


def check_receipt_submissions(items: list[tuple[object, object, object]], submitter: str) -> list[Submission]:
    return _host_verifier().check_receipt_submissions(items, submitter)


def check_invoice_submissions(items: list[tuple[object, object, object]], submitter: str) -> list[Submission]:
    return _host_verifier().check_invoice_submissions(items, submitter)


class VerifierCrashed(RuntimeError):
    """The verifier process died during the call; a new one is starting."""


class VerifierHost:
    """One verifier, in a child process (``separate_process``) or in one thread of this process."""

    def __init__(self, profile_document: object | None, source: str, *, separate_process: bool = True) -> None:
        self._arguments = (profile_document, source)
        self._separate_process = separate_process
        self._executor = self._new_executor()
        self._warming: Future[TrustSummary] | None = None

    def _new_executor(self) -> Executor:
        if self._separate_process:
            # spawn: the server already runs threads, which a fork would copy in an unknown state
            context = multiprocessing.get_context("spawn")
            return ProcessPoolExecutor(1, mp_context=context, initializer=start, initargs=self._arguments)
        return ThreadPoolExecutor(1, thread_name_prefix="zkreceipt-verify", initializer=start, initargs=self._arguments)

    def start_warming(self) -> Future[TrustSummary]:
        """Start the host (spawning its process), parse the profile, load the kernels; the future gives :func:`warm`'s summary.

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
