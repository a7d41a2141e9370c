"""Exact positive real roots of an integer polynomial: an IRR reference with no floats.

Isolation by Descartes' rule of signs and bisection (the Vincent-Collins-Akritas method:
G. E. Collins and A. G. Akritas, "Polynomial real root isolation using Descarte's rule of
signs", Proc. ACM SYMSAC 1976, pp. 272-275), then bisection of each isolating interval by
the exact sign of the polynomial at dyadic points. Every step is Python integer
arithmetic, so the root count is exact and each root is known to a relative 2^-60. It
shares no code and no floating-point step with ``ccecon.finance.returns``.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction


def _shift1(c: list[int]) -> list[int]:
    """Ascending coefficients of p(x + 1) from those of p(x) (Horner's Taylor shift)."""
    a = list(c)
    n = len(a) - 1
    for i in range(n):
        for k in range(n - 1, i - 1, -1):
            a[k] += a[k + 1]
    return a


def _variations(c: list[int]) -> int:
    s = [x for x in c if x != 0]
    return sum(1 for a, b in itertools.pairwise(s) if (a > 0) != (b > 0))


def _isolate01(c: list[int]) -> list[tuple[Fraction, Fraction]]:
    """Intervals (a, b) in (0, 1) holding one root each (a == b: the root is exactly a)."""
    n = len(c) - 1
    out: list[tuple[Fraction, Fraction]] = []
    stack = [(list(c), Fraction(0), Fraction(1))]
    while stack:
        q, a, b = stack.pop()  # roots of q in (0, 1) are p's in (a, b): x = a + (b - a) y
        v = _variations(_shift1(q[::-1]))  # Descartes on (0, 1): (y + 1)^n q(1 / (y + 1))
        if v == 0:
            continue
        if v == 1:
            out.append((a, b))
            continue
        m = (a + b) / 2
        left = [q[k] * 2 ** (n - k) for k in range(n + 1)]  # 2^n q(y / 2)
        right = _shift1(left)  # 2^n q((y + 1) / 2)
        if right[0] == 0:
            out.append((m, m))
        stack += [(left, a, m), (right, m, b)]
    return out


def _sign_at(c: list[int], x: Fraction) -> int:
    """Exact sign of sum c_t x^t."""
    return _sign_dyadic(c, x.numerator, x.denominator)


def _sign_dyadic(c: list[int], num: int, den: int) -> int:
    """Exact sign of sum c_t (num / den)^t, by Horner's rule on integers."""
    n = len(c) - 1
    acc = c[n]
    d = 1
    for t in range(n - 1, -1, -1):
        d *= den
        acc = acc * num + c[t] * d
    return (acc > 0) - (acc < 0)


_K = 128
"""Bisection works on integers M standing for M / 2^_K (exact dyadic points)."""


def _bisect(c: list[int], a: Fraction, b: Fraction, bits: int = 60) -> Fraction:
    """The one root of c in (a, b) (opposite signs at the ends), to a relative 2^-bits."""
    den = 1 << _K
    lo_i = math.ceil(a * den)  # a dyadic point in [a, b) with the sign of a (if a is no root)
    hi_i = math.floor(b * den)
    if _sign_dyadic(c, lo_i, den) == 0:  # an end of the interval is another root
        lo_i += 1
    if _sign_dyadic(c, hi_i, den) == 0:
        hi_i -= 1
    s_lo = _sign_dyadic(c, lo_i, den)
    while (hi_i - lo_i) << bits > hi_i:
        m = (lo_i + hi_i) // 2
        s = _sign_dyadic(c, m, den)
        if s == 0:
            return Fraction(m, den)
        if s == s_lo:
            lo_i = m
        else:
            hi_i = m
    return Fraction(lo_i + hi_i, 2 * den)


def positive_roots(coefficients: list[int], lo: Fraction, hi: Fraction) -> list[Fraction]:
    """Every root x of ``sum c_t x^t`` with ``lo <= x <= hi`` (``0 < lo < 1 < hi``),
    ascending, each a Fraction within a relative 2^-60 of the root. Assumes the
    polynomial is square-free (random integer polynomials are, almost surely; a double
    root would be reported once)."""
    c = list(coefficients)
    while c and c[-1] == 0:
        c.pop()
    while c and c[0] == 0:
        c.pop(0)  # x^k factors: roots at x = 0, never positive
    if len(c) < 2:
        return []
    roots: list[Fraction] = []
    for a, b in _isolate01(c):  # x in (0, 1)
        roots.append(a if a == b else _bisect(c, a, b))
    if sum(c) == 0:
        roots.append(Fraction(1))
    rev = c[::-1]  # roots y in (0, 1) of x^n p(1/x): x = 1/y in (1, inf)
    for a, b in _isolate01(rev):
        if a == b:
            roots.append(1 / a)
            continue
        if a == 0:  # x in (1/b, inf): inside [lo, hi] iff the sign changes at 1/hi in y
            a = 1 / hi
            if a >= b:
                continue
            if _sign_at(rev, a) == 0:
                roots.append(hi)
                continue
            if _sign_at(rev, a) * _sign_at(rev, b) > 0:
                continue
        roots.append(1 / _bisect(rev, a, b))
    return sorted(r for r in roots if lo <= r <= hi)
