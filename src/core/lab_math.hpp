// The transcendental functions of the shared KLAB_HD code (CPU engine, wasm, CUDA kernels):
// klab::math::log, log1p, exp, pow, cos.
//
//   strict build (KLAB_STRICT_FP)   the lab's own functions (core/elementary.hpp): the same bits on
//                                   every target, so CPU = wasm = CUDA exactly;
//   release build                   each platform's libm (glibc natively, musl in wasm, CUDA's
//                                   libdevice on the GPU): faster, and equal to within an ulp or
//                                   two, which the algorithms are built to tolerate (ties are
//                                   decided on exact quantities, see bandits/policies.hpp).
// KLAB_OWN_ELEMENTARY=1 selects the lab's functions without the rest of the strict build (used to
// measure them against libm, bench/README.md).
//
// Test-only hook: a program compiled with KLAB_MATH_PERTURB defines klab::math::perturb(), which
// sees every result (and its arguments) and may move it, e.g. by ±1 ulp, to stand in for another
// libm (tests/unit_perturbed/ulp_perturbation_test.cpp).
#pragma once
#include <cmath>
#include <cstdint>

#include "core/elementary.hpp"
#include "core/portable.hpp"

#if defined(KLAB_STRICT_FP) && !defined(KLAB_OWN_ELEMENTARY)
#define KLAB_OWN_ELEMENTARY 1
#endif

namespace klab::math {

enum class Fn : int { Log = 0, Log1p, Exp, Pow, Cos };

#if defined(KLAB_MATH_PERTURB)
double perturb(Fn fn, double result, double x, double y);  // defined by the test program
#define KLAB_MATH_RESULT(fn, r, x, y) ::klab::math::perturb(fn, r, x, y)
#else
#define KLAB_MATH_RESULT(fn, r, x, y) (r)
#endif

#if defined(KLAB_OWN_ELEMENTARY) && KLAB_OWN_ELEMENTARY
#define KLAB_MATH_IMPL(name) ::klab::elementary::name
#else
#define KLAB_MATH_IMPL(name) ::name
#endif

KLAB_INLINE double log(double x) { return KLAB_MATH_RESULT(Fn::Log, KLAB_MATH_IMPL(log)(x), x, 0.0); }
KLAB_INLINE double log1p(double x) { return KLAB_MATH_RESULT(Fn::Log1p, KLAB_MATH_IMPL(log1p)(x), x, 0.0); }
KLAB_INLINE double exp(double x) { return KLAB_MATH_RESULT(Fn::Exp, KLAB_MATH_IMPL(exp)(x), x, 0.0); }
KLAB_INLINE double pow(double x, double y) { return KLAB_MATH_RESULT(Fn::Pow, KLAB_MATH_IMPL(pow)(x, y), x, y); }
KLAB_INLINE double cos(double x) { return KLAB_MATH_RESULT(Fn::Cos, KLAB_MATH_IMPL(cos)(x), x, 0.0); }

#undef KLAB_MATH_IMPL
#undef KLAB_MATH_RESULT

}  // namespace klab::math
