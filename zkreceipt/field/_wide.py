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


# --- whole 4-limb operations as single intrinsics ---------------------------------------------
# A Montgomery product written with the primitives above and numba's ``inline="always"``
# expands into ~60 numba IR statements per use, and numba types and lowers every one: the
# curve kernels, with hundreds of products each, took ~100 s to compile. As intrinsics, each
# operation is one call in numba's IR and straight-line code in LLVM's: the same machine
# code, compiled in a fraction of the time.

_LIMBS = 4
_FQ_TUPLE = types.UniTuple(_U64, _LIMBS)


def _is_limbs(t: Any) -> bool:
    return isinstance(t, types.UniTuple) and t.count == _LIMBS and t.dtype == _U64


class _Words:
    """i64/i128 helpers over an llvmlite builder: carries and borrows as i64 0/1."""

    def __init__(self, builder: Any) -> None:
        self.b = builder
        self.i64 = ir.IntType(64)
        self.i128 = ir.IntType(128)
        self.zero = ir.Constant(self.i64, 0)

    def wide(self, v: Any) -> Any:
        return self.b.zext(v, self.i128)

    def split(self, w: Any) -> tuple[Any, Any]:
        b = self.b
        return b.trunc(w, self.i64), b.trunc(b.lshr(w, ir.Constant(self.i128, 64)), self.i64)

    def mac(self, x: Any, y: Any, c: Any, d: Any) -> tuple[Any, Any]:
        """x·y + c + d as (low, high)."""
        b = self.b
        return self.split(b.add(b.add(b.mul(self.wide(x), self.wide(y)), self.wide(c)), self.wide(d)))

    def adc(self, x: Any, y: Any, carry: Any) -> tuple[Any, Any]:
        b = self.b
        return self.split(b.add(b.add(self.wide(x), self.wide(y)), self.wide(carry)))

    def sbb(self, x: Any, y: Any, borrow: Any) -> tuple[Any, Any]:
        b = self.b
        diff = b.sub(b.sub(self.wide(x), self.wide(y)), self.wide(borrow))
        low = b.trunc(diff, self.i64)
        return low, b.trunc(b.lshr(diff, ir.Constant(self.i128, 127)), self.i64)

    def sub_limbs(self, x: list[Any], y: list[Any]) -> tuple[list[Any], Any]:
        out, borrow = [], self.zero
        for xi, yi in zip(x, y):
            d, borrow = self.sbb(xi, yi, borrow)
            out.append(d)
        return out, borrow

    def reduce_once(self, t: list[Any], overflow: Any, p: list[Any]) -> list[Any]:
        """t − p if t (with overflow word) ≥ p, else t: maps [0, 2p) to [0, p) without a branch."""
        b = self.b
        s, borrow = self.sub_limbs(t, p)
        use_s = b.or_(b.icmp_unsigned("!=", overflow, self.zero), b.icmp_unsigned("==", borrow, self.zero))
        return [b.select(use_s, si, ti) for si, ti in zip(s, t)]


def _unpack(builder: Any, value: Any) -> list[Any]:
    return [builder.extract_value(value, i) for i in range(_LIMBS)]


@intrinsic
def mont_mul_words(typingctx: Any, a: Any, b: Any, p: Any, ninv: Any) -> Any:
    """a·b·2^−256 mod p (CIOS) for 4-tuples a, b < 2p, p < 2^254 odd, ninv = −p⁻¹ mod 2^64; fully reduced."""
    if not (_is_limbs(a) and _is_limbs(b) and _is_limbs(p) and isinstance(ninv, types.Integer)):
        return None
    sig = _FQ_TUPLE(a, b, p, ninv)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        w = _Words(builder)
        x, y, m_p = _unpack(builder, args[0]), _unpack(builder, args[1]), _unpack(builder, args[2])
        n = context.cast(builder, args[3], signature.args[3], _U64)
        t = [w.zero] * (_LIMBS + 1)
        for i in range(_LIMBS):
            c = w.zero
            for j in range(_LIMBS):
                t[j], c = w.mac(x[i], y[j], t[j], c)
            t4, t5 = w.adc(t[_LIMBS], c, w.zero)
            m = builder.mul(t[0], n)
            _, c = w.mac(m, m_p[0], t[0], w.zero)
            for j in range(1, _LIMBS):
                t[j - 1], c = w.mac(m, m_p[j], t[j], c)
            t[_LIMBS - 1], c = w.adc(t4, c, w.zero)
            t[_LIMBS] = builder.add(t5, c)
        return context.make_tuple(builder, signature.return_type, w.reduce_once(t[:_LIMBS], t[_LIMBS], m_p))

    return sig, codegen


def _modular_intrinsic(body: Any) -> Any:
    """An intrinsic f(a, b, p) on three 4-tuples: ``body(words, x, y, p)`` returns the result limbs."""

    def typer(typingctx: Any, a: Any, b: Any, p: Any) -> Any:
        if not (_is_limbs(a) and _is_limbs(b) and _is_limbs(p)):
            return None

        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            limbs = body(_Words(builder), *(_unpack(builder, v) for v in args))
            return context.make_tuple(builder, signature.return_type, limbs)

        return _FQ_TUPLE(a, b, p), codegen

    typer.__name__ = body.__name__
    typer.__doc__ = body.__doc__
    return intrinsic(typer)


@_modular_intrinsic
def add_mod_words(w: _Words, x: list[Any], y: list[Any], p: list[Any]) -> list[Any]:
    """(a + b) mod p for 4-tuples a, b < p, without a data-dependent branch."""
    s, carry = [], w.zero
    for xi, yi in zip(x, y):
        si, carry = w.adc(xi, yi, carry)
        s.append(si)
    return w.reduce_once(s, carry, p)


@_modular_intrinsic
def sub_mod_words(w: _Words, x: list[Any], y: list[Any], p: list[Any]) -> list[Any]:
    """(a − b) mod p for 4-tuples a, b < p, without a data-dependent branch."""
    d, borrow = w.sub_limbs(x, y)
    mask = w.b.sub(w.zero, borrow)  # all ones when a < b
    out, carry = [], w.zero
    for di, pi in zip(d, p):
        oi, carry = w.adc(di, w.b.and_(pi, mask), carry)
        out.append(oi)
    return out
