// The lab's own elementary functions: log, log1p, exp, pow, cos in double precision, written from
// the maths with nothing but IEEE-754 +, -, ×, ÷, floor and bit manipulation. With no fused
// multiply-add (g++ -ffp-contract=off, em++, nvcc --fmad=false) every operation is correctly
// rounded by the standard, so these functions return the same bits on the CPU, in WebAssembly and
// on a CUDA GPU. The strict build (KLAB_STRICT_FP) uses them through core/lab_math.hpp; release
// builds keep each platform's faster libm.
//
// Method (each function reduces its argument exactly or to double-double precision, then sums a
// truncated Taylor series by Horner's rule; the coefficients are 1/n!, 2/(2n+1), (-1)^n/(2n)!
// rounded to double, the truncation error below 2^-58 relative on the reduced interval):
//   log(x)    x = 2^k·m, m ∈ [√2/2, √2), f = m - 1 (exact), s = f/(2 + f):
//             ln(1 + f) = 2 atanh(s) = 2s + s·R(s²),  R(z) = Σ_{n=1..11} 2zⁿ/(2n+1)   (|s| ≤ 0.1716)
//             written as f - (f²/2 - s·(f²/2 + R)) so that the leading f is exact;
//             ln x = k·ln2_hi + (ln(1 + f) + k·ln2_lo), ln2_hi with 32 bits so k·ln2_hi is exact.
//   log1p(x)  as log with f = x itself where 1 + x ∈ [√2/2, √2) (no rounding of 1 + x at all),
//             else u = 1 + x and the correction (x - (u - 1))/u for the rounding of u.
//   exp(x)    x = k·ln2 + r, k = round(x/ln2), |r| ≤ ln2/2 (Cody–Waite with the same split of
//             ln 2); eʳ - 1 = r + r²·Q(r), Q(r) = Σ_{n=2..13} rⁿ⁻²/n!;  eˣ = 2ᵏ·(1 + (eʳ - 1)).
//   pow(x,y)  e^(y ln x) with ln x as a double-double (hi + lo, ~2^-57 absolute) and the product
//             y·ln x formed exactly (Dekker's two-product), so the error of ln x is not multiplied
//             by |y ln x| as it would be in exp(y·log(x)).
//   cos(x)    x = k·π/2 + r, |r| ≤ π/4, with π/2 split into four 30-bit pieces (Cody–Waite, exact
//             products k·piece for |x| < 2^23) and r kept as a double-double; cos r = 1 - r²/2 +
//             r⁴·C(r²), sin r = r + r³·S(r²) (Taylor, C to 1/18!, S to 1/19!), picked and signed by
//             k mod 4. |x| ≥ 2^23 is first reduced modulo the double nearest 2π (exactly, by fmod).
//
// Accuracy (tests/unit/elementary_test.cpp, against long double libm, over about 10^5 points per
// function including 0, ±subnormals, ±huge, ±∞, NaN and the interval ends):
//   log, log1p, exp, cos (|x| < 2^23):   error < 1 ulp
//   pow:                                  error < 1 ulp + |y|/64 ulp
//   cos, |x| ≥ 2^23: the absolute error grows like |x|·4·10^-17 (the double 2π is not 2π); the
//   result stays in [-1, 1]. The lab calls cos only on [0, 2π) (Box–Muller).
// Special values follow C99 Annex F: log(0) = -∞, log(x < 0) = NaN, log1p(-1) = -∞, exp(+∞) = +∞,
// exp(-∞) = 0, overflow to ±∞ and gradual underflow, pow(x, 0) = pow(1, y) = 1, pow of a negative
// base with an integer exponent, cos(±∞) = NaN; NaN in, NaN out.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/portable.hpp"

namespace klab::elementary {
namespace detail {

KLAB_INLINE uint64_t to_bits(double x) {
#if defined(__CUDA_ARCH__)
  return static_cast<uint64_t>(__double_as_longlong(x));
#else
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  return u;
#endif
}

KLAB_INLINE double from_bits(uint64_t u) {
#if defined(__CUDA_ARCH__)
  return __longlong_as_double(static_cast<long long>(u));
#else
  double x;
  memcpy(&x, &u, sizeof x);
  return x;
#endif
}

KLAB_INLINE bool is_nan(double x) { return x != x; }

// 2^k for a normal exponent, -1022 ≤ k ≤ 1023.
KLAB_INLINE double pow2(int k) { return from_bits(static_cast<uint64_t>(k + 1023) << 52); }

// x·2^k for any k in [-2100, 2100], with a single rounding (only where the result is subnormal).
KLAB_INLINE double scale(double x, int k) {
  if (k > 1023) return x * pow2(1023) * pow2(k - 1023);  // overflows to ∞ where it must
  if (k < -1022) return x * pow2(k + 1000) * pow2(-1000);  // first product exact, the second rounds once
  return x * pow2(k);
}

// Error-free transformations (Knuth's two-sum, Dekker's split and two-product): exact with
// round-to-nearest and no fused multiply-add.
KLAB_INLINE void two_sum(double a, double b, double* s, double* e) {
  const double sum = a + b, bb = sum - a;
  *s = sum;
  *e = (a - (sum - bb)) + (b - bb);
}
KLAB_INLINE void fast_two_sum(double a, double b, double* s, double* e) {  // needs |a| ≥ |b|
  const double sum = a + b;
  *s = sum;
  *e = b - (sum - a);
}
KLAB_INLINE void split(double a, double* hi, double* lo) {  // a = hi + lo, 26 bits each (|a| < 2^996)
  const double c = 134217729.0 * a;  // 2^27 + 1
  *hi = c - (c - a);
  *lo = a - *hi;
}
KLAB_INLINE void two_prod(double a, double b, double* p, double* e) {
  double ah, al, bh, bl;
  split(a, &ah, &al);
  split(b, &bh, &bl);
  *p = a * b;
  *e = ((ah * bh - *p) + ah * bl + al * bh) + al * bl;
}

// ln 2 = kLn2Hi + kLn2Lo; kLn2Hi has 32 significant bits, so k·kLn2Hi is exact for |k| < 2^21.
constexpr double kLn2Hi = 0x1.62e42fee00000p-1;
constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;
constexpr double kInvLn2 = 1.4426950408889634;
constexpr double kSqrt2 = 0x1.6a09e667f3bcdp+0;

// ln(1 + f) - f + f²/2 ... precisely: the correction c in ln(1 + f) = f - c, for f ∈ [√2/2 - 1, √2 - 1].
// c = f²/2 - s·(f²/2 + R(s²)), s = f/(2 + f).
KLAB_INLINE double log1p_correction(double f, double hfsq) {
  const double s = f / (2.0 + f), z = s * s;
  const double r =
      z * (0.6666666666666666 +
           z * (0.4 + z * (0.2857142857142857 +
                           z * (0.2222222222222222 +
                                z * (0.18181818181818182 +
                                     z * (0.15384615384615385 +
                                          z * (0.13333333333333333 +
                                               z * (0.11764705882352941 +
                                                    z * (0.10526315789473684 + z * (0.09523809523809523 + z * 0.08695652173913043))))))))));
  return hfsq - s * (hfsq + r);
}

// x = 2^k·m with m ∈ [√2/2, √2), for finite x > 0 (subnormals included); returns m.
KLAB_INLINE double reduce_log(double x, int* k) {
  int shift = 0;
  if (x < 0x1p-1022) x *= 0x1p54, shift = 54;  // subnormal: make it normal first
  const uint64_t bits = to_bits(x);
  int e = static_cast<int>(bits >> 52) - 1023;
  double m = from_bits((bits & 0x000fffffffffffffull) | 0x3ff0000000000000ull);  // [1, 2)
  if (m >= kSqrt2) m *= 0.5, e += 1;
  *k = e - shift;
  return m;
}

// ln x as a double-double hi + lo (|error| < 2^-58·max(1, |ln x|)) for finite x > 0: the same
// reduction as log, with f²/2, s = f/(2 + f) and the correction c carried to double-double.
KLAB_INLINE void log_dd(double x, double* hi, double* lo) {
  int k;
  const double f = reduce_log(x, &k) - 1.0;
  double hf2, hf2_err;  // f²/2 = hf2 + hf2_err exactly
  two_prod(f, f, &hf2, &hf2_err);
  hf2 *= 0.5, hf2_err *= 0.5;
  double d, d_err, p, p_err;  // s = f/(2 + f) = s0 + s_lo: the residual f - s0·(2 + f), divided by 2 + f
  two_sum(2.0, f, &d, &d_err);
  const double s0 = f / d;
  two_prod(s0, d, &p, &p_err);
  const double s_lo = (((f - p) - p_err) - s0 * d_err) / d;
  const double z = s0 * s0;
  const double r =
      z * (0.6666666666666666 +
           z * (0.4 + z * (0.2857142857142857 +
                           z * (0.2222222222222222 +
                                z * (0.18181818181818182 +
                                     z * (0.15384615384615385 +
                                          z * (0.13333333333333333 +
                                               z * (0.11764705882352941 +
                                                    z * (0.10526315789473684 + z * (0.09523809523809523 + z * 0.08695652173913043))))))))));
  const double w = hf2 + r;  // t = s·(f²/2 + R) = s0·w + (s0·(hf2_err + w_err) + s_lo·w)
  const double w_err = (hf2 - w) + r;
  double t, t_err;
  two_prod(s0, w, &t, &t_err);
  t_err += s0 * (hf2_err + w_err) + s_lo * w;
  double c, c_err;  // c = f²/2 - t, ln(1 + f) = f - c
  two_sum(hf2, -t, &c, &c_err);
  c_err += hf2_err - t_err;
  const double dk = static_cast<double>(k);
  double a, ea, h, eh;
  two_sum(dk * kLn2Hi, f, &a, &ea);  // k·ln2 + f - c
  two_sum(a, -c, &h, &eh);
  fast_two_sum(h, ea + eh + (dk * kLn2Lo - c_err), hi, lo);
}

// e^(x + xl) for |x| ≤ 745.2 and |xl| ≤ 2^-40·max(1, |x|): 2^k·(1 + (e^r - 1)).
KLAB_INLINE double exp_reduced(double x, double xl) {
  const double kd = floor(x * kInvLn2 + 0.5);
  const int k = static_cast<int>(kd);
  const double hi = x - kd * kLn2Hi, lo = kd * kLn2Lo - xl;  // x - kd·kLn2Hi is exact
  const double r = hi - lo;
  const double q =
      0.5 + r * (0.16666666666666666 +
                 r * (0.041666666666666664 +
                      r * (0.008333333333333333 +
                           r * (0.001388888888888889 +
                                r * (0.0001984126984126984 +
                                     r * (2.48015873015873e-05 +
                                          r * (2.7557319223985893e-06 +
                                               r * (2.755731922398589e-07 +
                                                    r * (2.505210838544172e-08 + r * (2.08767569878681e-09 + r * 1.6059043836821613e-10))))))))));
  const double expm1_r = hi - (lo - r * r * q);
  return scale(1.0 + expm1_r, k);
}

// cos and sin of r = hi + lo, |hi| ≤ π/4, |lo| ≤ 2^-50.
KLAB_INLINE double cos_kernel(double hi, double lo) {
  double z, z_err;
  two_prod(hi, hi, &z, &z_err);
  const double c = 0.041666666666666664 +
                   z * (-0.001388888888888889 +
                        z * (2.48015873015873e-05 +
                             z * (-2.755731922398589e-07 +
                                  z * (2.08767569878681e-09 +
                                       z * (-1.1470745597729725e-11 + z * (4.779477332387385e-14 + z * -1.5619206968586225e-16))))));
  const double hz = 0.5 * z, w = 1.0 - hz;
  const double w_err = (1.0 - w) - hz;  // exact: 1 - hz = w + w_err
  return w + (w_err - 0.5 * z_err + (z * z * c - hi * lo));
}
KLAB_INLINE double sin_kernel(double hi, double lo) {
  const double z = hi * hi;
  const double s = -0.16666666666666666 +
                   z * (0.008333333333333333 +
                        z * (-0.0001984126984126984 +
                             z * (2.7557319223985893e-06 +
                                  z * (-2.505210838544172e-08 +
                                       z * (1.6059043836821613e-10 +
                                            z * (-7.647163731819816e-13 + z * (2.8114572543455206e-15 + z * -8.22063524662433e-18)))))));
  return hi + (hi * z * s + lo * (1.0 - 0.5 * z));
}

// π/2 = kPio2[0] + kPio2[1] + kPio2[2] + kPio2[3] (+ 1e-37): 30-bit pieces, so k·kPio2[i] is
// exact for |k| < 2^23.
constexpr double kPio2_1 = 0x1.921fb54000000p+0;
constexpr double kPio2_2 = 0x1.10b4611800000p-30;
constexpr double kPio2_3 = 0x1.313198a000000p-61;
constexpr double kPio2_4 = 0x1.701b839800000p-92;
constexpr double kTwoOverPi = 0.6366197723675814;
constexpr double kTwoPi = 6.283185307179586;

}  // namespace detail

// Natural logarithm.
KLAB_INLINE double log(double x) {
  using namespace detail;
  if (is_nan(x) || x < 0.0) return is_nan(x) ? x : from_bits(0x7ff8000000000000ull);
  if (x == 0.0) return -kInf;
  if (x == kInf) return x;
  int k;
  const double f = reduce_log(x, &k) - 1.0;
  const double dk = static_cast<double>(k);
  return dk * kLn2Hi + (f - (log1p_correction(f, 0.5 * f * f) - dk * kLn2Lo));
}

// ln(1 + x), accurate for small |x|.
KLAB_INLINE double log1p(double x) {
  using namespace detail;
  if (is_nan(x) || x < -1.0) return is_nan(x) ? x : from_bits(0x7ff8000000000000ull);
  if (x == -1.0) return -kInf;
  if (x == kInf) return x;
  const double ax = x < 0.0 ? -x : x;
  if (ax < 0x1p-54) return x;  // ln(1 + x) = x - x²/2 + ... rounds to x (zeros and subnormals too)
  if (x >= kSqrt2 * 0.5 - 1.0 && x < kSqrt2 - 1.0) return x - log1p_correction(x, 0.5 * x * x);
  const double u = 1.0 + x;
  const double rounding = x < 0x1p53 ? (x - (u - 1.0)) / u : 0.0;  // ln(1 + x) = ln u + rounding (to first order)
  int k;
  const double f = reduce_log(u, &k) - 1.0;
  const double dk = static_cast<double>(k);
  return dk * kLn2Hi + (f - (log1p_correction(f, 0.5 * f * f) - (dk * kLn2Lo + rounding)));
}

// e^x.
KLAB_INLINE double exp(double x) {
  using namespace detail;
  if (is_nan(x)) return x;
  if (x > 709.79) return kInf;
  if (x < -745.14) return 0.0;
  const double ax = x < 0.0 ? -x : x;
  if (ax < 0x1p-54) return 1.0 + x;
  return exp_reduced(x, 0.0);
}

// x^y (C99 Annex F special cases for zeros, infinities, negative bases and NaN).
KLAB_INLINE double pow(double x, double y) {
  using namespace detail;
  if (y == 0.0 || x == 1.0) return 1.0;
  if (is_nan(x) || is_nan(y)) return x + y;
  const double ay = y < 0.0 ? -y : y;
  const bool y_integer = floor(y) == y;
  const bool y_odd = y_integer && ay < 0x1p53 && floor(0.5 * y) != 0.5 * y;
  double ax = x < 0.0 ? -x : x;
  if (x < 0.0 && !y_integer && ay != kInf) return from_bits(0x7ff8000000000000ull);
  const double sign = (x < 0.0 || (x == 0.0 && to_bits(x) >> 63)) && y_odd ? -1.0 : 1.0;
  if (ay == kInf) {
    if (ax == 1.0) return 1.0;
    return (ax > 1.0) == (y > 0.0) ? kInf : 0.0;
  }
  if (ax == 0.0) return sign * (y > 0.0 ? 0.0 : kInf);
  if (ax == kInf) return sign * (y > 0.0 ? kInf : 0.0);
  double lh, ll, p, pe;
  log_dd(ax, &lh, &ll);
  two_prod(y, lh, &p, &pe);
  if (p > 709.79) return sign * kInf;
  if (p < -745.14) return sign * 0.0;
  return sign * exp_reduced(p, pe + y * ll);
}

// Cosine (argument in radians).
KLAB_INLINE double cos(double x) {
  using namespace detail;
  if (is_nan(x)) return x;
  if (x == kInf || x == -kInf) return from_bits(0x7ff8000000000000ull);
  double ax = x < 0.0 ? -x : x;  // cos is even
  if (ax < 0x1p-27) return 1.0;  // 1 - x²/2 rounds to 1
  if (ax >= 0x1p23) ax = fmod(ax, kTwoPi);  // beyond the exact reduction: modulo the double nearest 2π (fmod is exact)
  const double kd = floor(ax * kTwoOverPi + 0.5);
  double hi = ax, lo = 0.0;
  if (kd > 0.0) {
    double h1, e1, e2;
    two_sum(ax - kd * kPio2_1, -kd * kPio2_2, &h1, &e1);  // ax - kd·kPio2_1 is exact (Sterbenz)
    two_sum(h1, -kd * kPio2_3, &hi, &e2);
    fast_two_sum(hi, (e1 + e2) - kd * kPio2_4, &hi, &lo);
  }
  const double q = kd - 4.0 * floor(0.25 * kd);  // k mod 4
  if (q == 0.0) return cos_kernel(hi, lo);
  if (q == 1.0) return -sin_kernel(hi, lo);
  if (q == 2.0) return -cos_kernel(hi, lo);
  return sin_kernel(hi, lo);
}

}  // namespace klab::elementary
