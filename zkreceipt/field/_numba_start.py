"""Start numba's CPU target without its optional scipy and cffi imports: ~0.3 s of every process.

numba initializes its typing and target registries on the first compilation or cache load,
and on the way imports scipy.linalg (only to learn whether ``np.dot`` in a kernel can call a
BLAS) and, at ``import numba``, cffi (for cffi-declared functions in kernels). No zkreceipt
kernel uses either, and on a machine that has scipy installed they are a third of the start-up
of a ``zkreceipt groth16 verify``. This module, imported first by ``zkreceipt.field``,
imports numba and initializes the CPU target with those two imports refused (numba treats
them as absent), then steps aside: later imports of scipy or cffi work as usual. Nothing
changes if they were imported already, or are not installed.
"""

from __future__ import annotations

import importlib.abc
import sys
from typing import Any

_OPTIONAL = ("scipy", "cffi")


class _RefuseOptional(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        if fullname.partition(".")[0] in _OPTIONAL:
            raise ModuleNotFoundError(f"{fullname}: not imported while numba starts (see zkreceipt.field._numba_start)")
        return None


def start_numba() -> None:
    """Import numba and initialize its CPU target (typing and lowering registries)."""
    finder = _RefuseOptional()
    sys.meta_path.insert(0, finder)
    try:
        from numba.core.registry import cpu_target

        cpu_target.typing_context.refresh()
        cpu_target.target_context.refresh()
    finally:
        sys.meta_path.remove(finder)


start_numba()
