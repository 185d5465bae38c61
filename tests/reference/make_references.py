#!/usr/bin/python3
"""Independent reference values for klab_tests' "reference" suite, computed with SciPy.

  kl_ucb.csv     p, level, upper, lower: the kl confidence bounds of a Bernoulli mean,
                 upper = max{q >= p : kl(p, q) <= level}, lower = min{q <= p : kl(p, q) <= level},
                 found with scipy.optimize.brentq (xtol 1e-15) on kl(p, q) - level.
  student_t.csv  df, t_{0.975, df} from scipy.stats.t.ppf.

Usage: make_references.py OUTDIR   (Debian's /usr/bin/python3 with python3-scipy)
"""
import math
import os
import sys

from scipy import optimize, stats


def kl(p, q):
    def term(a, b):
        if a == 0.0:
            return 0.0
        return a * math.log(a / b)
    return term(p, q) + term(1.0 - p, 1.0 - q)


def upper(p, level):
    if p >= 1.0:
        return 1.0
    hi = 1.0 - 1e-16
    if kl(p, hi) <= level:
        return hi
    return optimize.brentq(lambda q: kl(p, q) - level, p, hi, xtol=1e-15, rtol=1e-15, maxiter=500)


def lower(p, level):
    if p <= 0.0:
        return 0.0
    lo = 1e-16
    if kl(p, lo) <= level:
        return lo
    return optimize.brentq(lambda q: kl(p, q) - level, lo, p, xtol=1e-15, rtol=1e-15, maxiter=500)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    ps = [0.0, 1e-6, 0.001, 0.01, 0.05, 0.1, 0.2, 0.25, 0.3, 1.0 / 3.0, 0.5, 0.6, 0.75, 0.9, 0.99, 0.999, 1.0 - 1e-6, 1.0]
    levels = [1e-8, 1e-5, 1e-3, 0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0]
    with open(os.path.join(out, "kl_ucb.csv"), "w") as f:
        f.write("p,level,upper,lower\n")
        for p in ps:
            for level in levels:
                f.write(f"{p!r},{level!r},{upper(p, level)!r},{lower(p, level)!r}\n")
    with open(os.path.join(out, "student_t.csv"), "w") as f:
        f.write("df,t975\n")
        for df in list(range(1, 41)) + [50, 60, 80, 100, 200, 500, 1000, 10000, 100000]:
            f.write(f"{df},{stats.t.ppf(0.975, df)!r}\n")
    print(f"wrote references to {out}")


if __name__ == "__main__":
    main()
