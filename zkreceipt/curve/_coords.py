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

from collections.abc import Callable
from typing import Any

from numba import types
from numba.extending import overload

from ..field import _montgomery as mont
from . import _fq


def _is_fq(t: Any) -> bool:
    return isinstance(t, types.UniTuple) and t.count == 4 and t.dtype == types.uint64


def _is_fq2(t: Any) -> bool:
    return isinstance(t, types.UniTuple) and t.count == 2 and _is_fq(t.dtype)


def _compiled_only(name: str) -> Callable[..., Any]:
    def stub(*args: Any) -> Any:
        raise NotImplementedError(f"{name} is only usable inside numba-compiled kernels")

    stub.__name__ = name
    return stub


def _with_arity(arity: int, choose: Callable[[Any], Any]) -> Callable[..., Any]:
    """A typing function of the given arity (numba wants it to match the implementations,
    whose arguments are therefore always named a, b, c, d)."""
    if arity == 1:
        return lambda a: choose(a)
    if arity == 2:
        return lambda a, b: choose(a)
    if arity == 3:
        return lambda a, b, c: choose(a)
    return lambda a, b, c, d: choose(a)


def _dispatch(name: str, for_fq: Callable[..., Any], for_fq2: Callable[..., Any]) -> Callable[..., Any]:
    """A function whose compiled form is ``for_fq`` or ``for_fq2`` by its first argument's type."""

    def choose(t: Any) -> Any:
        if _is_fq(t):
            return for_fq
        if _is_fq2(t):
            return for_fq2
        return None

    stub = _compiled_only(name)
    overload(stub)(_with_arity(for_fq.__code__.co_argcount, choose))
    return stub


def _by_rank(name: str, ranks: dict[int, Callable[..., Any]]) -> Callable[..., Any]:
    """A function whose compiled form is chosen by its first argument's array rank."""

    def choose(t: Any) -> Any:
        return ranks.get(t.ndim) if isinstance(t, types.Array) else None

    stub = _compiled_only(name)
    arity = next(iter(ranks.values())).__code__.co_argcount
    overload(stub)(_with_arity(arity, choose))
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


def _fq_at(a, b, c):  # type: ignore[no-untyped-def]
    return (a[b, c, 0], a[b, c, 1], a[b, c, 2], a[b, c, 3])


def _fq2_at(a, b, c):  # type: ignore[no-untyped-def]
    return (
        (a[b, c, 0, 0], a[b, c, 0, 1], a[b, c, 0, 2], a[b, c, 0, 3]),
        (a[b, c, 1, 0], a[b, c, 1, 1], a[b, c, 1, 2], a[b, c, 1, 3]),
    )


def _fq_put(a, b, c, d):  # type: ignore[no-untyped-def]
    for w in range(4):
        a[b, c, w] = d[w]


def _fq2_put(a, b, c, d):  # type: ignore[no-untyped-def]
    for k in range(2):
        for w in range(4):
            a[b, c, k, w] = d[k][w]


# coord_load(arr, i, j) / coord_store(arr, i, j, v): coordinate j of point i.
coord_load = _by_rank("coord_load", {3: _fq_at, 4: _fq2_at})
coord_store = _by_rank("coord_store", {3: _fq_put, 4: _fq2_put})
#: coord_zero(arr), coord_one(arr): constants of a point array's coordinate field (works for n = 0).
coord_zero = _by_rank("coord_zero", {3: lambda a: _fq.FQ_ZERO, 4: lambda a: _fq.FQ2_ZERO})
coord_one = _by_rank("coord_one", {3: lambda a: _fq.FQ_ONE, 4: lambda a: _fq.FQ2_ONE})
# elem_load(arr, i) / elem_store(arr, i, v): element i of an element array.
elem_load = _by_rank("elem_load", {2: lambda a, b: mont.load(a, b), 3: lambda a, b: _fq.fq2_load(a, b)})
elem_store = _by_rank("elem_store", {2: lambda a, b, c: mont.store(a, b, c), 3: lambda a, b, c: _fq.fq2_store(a, b, c)})
