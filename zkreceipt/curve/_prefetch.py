"""``prefetch_row(arr, i)``: an LLVM prefetch hint for row i of an array (numba intrinsic).

The bucket sort of the MSM reads points in random order; asking for them a few
iterations ahead hides most of the cache-miss latency. A hint only: it never
faults and does not change results. Prefetches the row's first byte and the
byte 64 further on and its last byte (a G1 point is 64 bytes, a G2 point 128).
"""

from __future__ import annotations

from typing import Any

from llvmlite import ir  # type: ignore[import-untyped]
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic


@intrinsic
def prefetch_row(typingctx: Any, arr: Any, index: Any) -> Any:
    if not isinstance(arr, types.Array) or not isinstance(index, types.Integer):
        return None
    sig = types.void(arr, index)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        zero = context.get_constant(types.intp, 0)
        row = context.cast(builder, args[1], signature.args[1], types.intp)
        ptr = cgutils.get_item_pointer2(
            context,
            builder,
            data=ary.data,
            shape=cgutils.unpack_tuple(builder, ary.shape),
            strides=cgutils.unpack_tuple(builder, ary.strides),
            layout=aryty.layout,
            inds=[row] + [zero] * (aryty.ndim - 1),
            wraparound=False,
        )
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]), "llvm.prefetch.p0i8"
        )
        base = builder.bitcast(ptr, i8p)
        # The row's first and last bytes and the one 64 bytes in: every cache line of a
        # row of up to 128 bytes (a G2 point).
        last = builder.sub(cgutils.unpack_tuple(builder, ary.strides)[0], context.get_constant(types.intp, 1))
        middle = builder.select(
            builder.icmp_signed("<", last, context.get_constant(types.intp, 64)),
            last,
            context.get_constant(types.intp, 64),
        )
        for offset in (context.get_constant(types.intp, 0), middle, last):
            builder.call(fn, [builder.gep(base, [offset]), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return sig, codegen
