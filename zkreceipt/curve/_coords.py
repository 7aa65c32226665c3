"""Coordinate-field operations dispatched on type, so one kernel serves G1 and G2.

G1 coordinates are Fq elements (4-tuples of uint64, Montgomery form); G2
coordinates are Fq2 elements (pairs of those). Each ``c_*`` function below is a
numba ``overload`` that picks the ``_fq`` device function matching its
argument's type at compile time, so a kernel written once against ``c_*``
compiles to a G1 and a G2 specialization, with no cost at run time and with
numba's on-disk cache intact.

Array accessors dispatch on the array's rank:

* point arrays ``(n, k, 4)`` (G1) / ``(n, k, 2, 4)`` (G2): ``coord_load(arr, i, j)``
  reads coordinate j of point i (k = 2 affine x, y; k = 3 Jacobian X, Y, Z);
* element arrays ``(n, 4)`` / ``(n, 2, 4)``: ``elem_load(arr, i)``.

Calling these from plain Python raises: they exist only inside compiled code.
"""

from __future__ import annotations

from typing import Any, Callable

from numba import types
from numba.extending import overload

from . import _fq
from ..field import _montgomery as mont

def _is_fq(t: Any) -> bool:
    return isinstance(t, types.UniTuple) and t.count == 4 and t.dtype == types.uint64


def _is_fq2(t: Any) -> bool:
    return isinstance(t, types.UniTuple) and t.count == 2 and _is_fq(t.dtype)


def _compiled_only(name: str) -> Callable[..., Any]:
    def stub(*args: Any) -> Any:
        raise NotImplementedError(f"{name} is only usable inside numba-compiled kernels")

    stub.__name__ = name
    return stub


def _dispatch(name: str, for_fq: Callable[..., Any], for_fq2: Callable[..., Any]) -> Callable[..., Any]:
    """A function whose compiled form is ``for_fq`` or ``for_fq2`` by its first argument's type."""
    stub = _compiled_only(name)

    def typer(*args: Any) -> Any:
        if _is_fq(args[0]):
            return for_fq
        if _is_fq2(args[0]):
            return for_fq2
        return None

    overload(stub)(typer)
    return stub


def _by_rank(name: str, ranks: dict[int, Callable[..., Any]]) -> Callable[..., Any]:
    """A function whose compiled form is chosen by its first argument's array rank."""
    stub = _compiled_only(name)

    def typer(*args: Any) -> Any:
        if isinstance(args[0], types.Array):
            return ranks.get(args[0].ndim)
        return None

    overload(stub)(typer)
    return stub


# The implementations are lambdas over the _fq device functions (an overload must return
# a Python function, not a dispatcher). The overloads are deliberately not cached on their
# own: they compile into each cached kernel that calls them.

c_add = _dispatch("c_add", lambda a, b: _fq.fq_add(a, b), lambda a, b: _fq.fq2_add(a, b))
c_sub = _dispatch("c_sub", lambda a, b: _fq.fq_sub(a, b), lambda a, b: _fq.fq2_sub(a, b))
c_neg = _dispatch("c_neg", lambda a: _fq.fq_neg(a), lambda a: _fq.fq2_neg(a))
c_double = _dispatch("c_double", lambda a: _fq.fq_double(a), lambda a: _fq.fq2_double(a))
c_mul = _dispatch("c_mul", lambda a, b: _fq.fq_mul(a, b), lambda a, b: _fq.fq2_mul(a, b))
c_square = _dispatch("c_square", lambda a: _fq.fq_mul(a, a), lambda a: _fq.fq2_square(a))
c_inv = _dispatch("c_inv", lambda a: _fq.fq_inv(a), lambda a: _fq.fq2_inv(a))
c_is_zero = _dispatch("c_is_zero", lambda a: mont.is_zero(a), lambda a: _fq.fq2_is_zero(a))
c_equal = _dispatch("c_equal", lambda a, b: mont.equal(a, b), lambda a, b: _fq.fq2_equal(a, b))
#: c_zero(x), c_one(x): the constant 0 or 1 of x's field (x is only a type witness).
c_zero = _dispatch("c_zero", lambda a: _fq.FQ_ZERO, lambda a: _fq.FQ2_ZERO)
c_one = _dispatch("c_one", lambda a: _fq.FQ_ONE, lambda a: _fq.FQ2_ONE)


def _fq_at(arr: Any, i: Any, j: Any) -> Any:
    return (arr[i, j, 0], arr[i, j, 1], arr[i, j, 2], arr[i, j, 3])


def _fq2_at(arr: Any, i: Any, j: Any) -> Any:
    return (
        (arr[i, j, 0, 0], arr[i, j, 0, 1], arr[i, j, 0, 2], arr[i, j, 0, 3]),
        (arr[i, j, 1, 0], arr[i, j, 1, 1], arr[i, j, 1, 2], arr[i, j, 1, 3]),
    )


def _fq_put(arr: Any, i: Any, j: Any, v: Any) -> None:
    for w in range(4):
        arr[i, j, w] = v[w]


def _fq2_put(arr: Any, i: Any, j: Any, v: Any) -> None:
    for c in range(2):
        for w in range(4):
            arr[i, j, c, w] = v[c][w]


coord_load = _by_rank("coord_load", {3: _fq_at, 4: _fq2_at})
coord_store = _by_rank("coord_store", {3: _fq_put, 4: _fq2_put})
#: coord_zero(arr): the zero of a point array's coordinate field (works for n = 0).
coord_zero = _by_rank("coord_zero", {3: lambda arr: _fq.FQ_ZERO, 4: lambda arr: _fq.FQ2_ZERO})
coord_one = _by_rank("coord_one", {3: lambda arr: _fq.FQ_ONE, 4: lambda arr: _fq.FQ2_ONE})
elem_load = _by_rank("elem_load", {2: lambda arr, i: mont.load(arr, i), 3: lambda arr, i: _fq.fq2_load(arr, i)})
elem_store = _by_rank(
    "elem_store", {2: lambda arr, i, v: mont.store(arr, i, v), 3: lambda arr, i, v: _fq.fq2_store(arr, i, v)}
)
