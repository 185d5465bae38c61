// A USF plan (solver_plan.hpp: UsfPlan) as one line of text, shown by the live view's plan table and
// printed by the claims test, and read back (format then parse gives the plan exactly):
//
//   b=<blend> p=<power> <step> <step> ...        e.g.  b=1 p=1.5 1e 2d 3elc 2dt
//
// a step is its order (1–3), its prediction (d: x̂₀, e: ε̂), then t (Taylor) or l (low-order)
// when its derivative estimation is not DPM-Solver's rule (UsfDeriv), then r<c> when m′ is relaxed by
// (1 + c·h) (UsfStep::relax ≠ 0, e.g. 2dtr-0.031), then c with the corrector.
#pragma once
#include <string>
#include <string_view>

#include "core/status.hpp"
#include "diffusion/solver_plan.hpp"

namespace klab::diffusion {

std::string format_usf_plan(const UsfPlan& u);
// Errors name the token: "USF plan: step 3 ('4d') must start with its order 1, 2 or 3".
Expected<UsfPlan> parse_usf_plan(std::string_view text);

}  // namespace klab::diffusion
