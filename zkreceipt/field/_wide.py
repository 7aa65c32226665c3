"""64-bit word primitives with 128-bit intermediates, as numba intrinsics.

numba has no 128-bit integer type, but LLVM does: these intrinsics widen to
``i128``, compute, and split the result into (low word, high word). LLVM lowers
them to the machine's 64×64→128 multiply and add-with-carry instructions, which
is what makes a 4-limb Montgomery multiplication cost ~30 ns instead of the
~200 ns of any pure-NumPy formulation (see benchmarks/README.md).

Only ``zkreceipt.field`` and ``zkreceipt.curve`` kernels use these.
"""

from __future__ import annotations

from typing import Any

from llvmlite import ir
from numba import types
from numba.extending import intrinsic

_U64 = types.uint64
_PAIR = types.UniTuple(_U64, 2)


def _split(context: Any, builder: Any, signature: Any, wide: Any) -> Any:
    """Return the tuple (low 64 bits, next 64 bits) of an i128 value."""
    i64 = ir.IntType(64)
    low = builder.trunc(wide, i64)
    high = builder.trunc(builder.lshr(wide, ir.Constant(ir.IntType(128), 64)), i64)
    return context.make_tuple(builder, signature.return_type, (low, high))


@intrinsic
def mac(typingctx: Any, a: Any, b: Any, c: Any, d: Any) -> Any:
    """a·b + c + d as (low, high); never overflows 128 bits."""
    sig = _PAIR(_U64, _U64, _U64, _U64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        i128 = ir.IntType(128)
        x, y, z, w = (builder.zext(v, i128) for v in args)
        return _split(context, builder, signature, builder.add(builder.add(builder.mul(x, y), z), w))

    return sig, codegen


@intrinsic
def adc(typingctx: Any, a: Any, b: Any, carry: Any) -> Any:
    """a + b + carry (carry ∈ {0, 1}) as (sum, carry out)."""
    sig = _PAIR(_U64, _U64, _U64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        i128 = ir.IntType(128)
        x, y, z = (builder.zext(v, i128) for v in args)
        return _split(context, builder, signature, builder.add(builder.add(x, y), z))

    return sig, codegen


@intrinsic
def sbb(typingctx: Any, a: Any, b: Any, borrow: Any) -> Any:
    """a − b − borrow (borrow ∈ {0, 1}) as (difference mod 2^64, borrow out ∈ {0, 1})."""
    sig = _PAIR(_U64, _U64, _U64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        i128 = ir.IntType(128)
        i64 = ir.IntType(64)
        x, y, z = (builder.zext(v, i128) for v in args)
        diff = builder.sub(builder.sub(x, y), z)
        low = builder.trunc(diff, i64)
        # The sign bit of the 128-bit difference is the borrow.
        borrow_out = builder.trunc(builder.lshr(diff, ir.Constant(i128, 127)), i64)
        return context.make_tuple(builder, signature.return_type, (low, borrow_out))

    return sig, codegen
