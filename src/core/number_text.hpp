// Strict number text: the one grammar and the one set of checks for every number that enters the
// lab as text (--set, --runs, --seed, --threads, the URL hash, config files).
//
// Grammar: [+|-] (digits [. digits*] | . digits) [(e|E) [+|-] digits]; no spaces, hex, inf or
// nan; any length. A text is read for what it says, never for what a double makes of it:
//   - a real is the nearest double (correct rounding), but a non-zero text that would round to
//     zero (1e-400, -1e-400) is refused rather than read as 0 or -0, and so is one beyond the
//     largest double (1e400); a zero is +0;
//   - an integer must be exactly an integer (1e5 and 2.50e1 are, 2.5 and 100000.0000000000001
//     are not) and is range-checked on its decimal digits before any conversion, so 1e300,
//     18446744073709551616 or 20E020 are out of range, never undefined behaviour.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace klab {

enum class NumberProblem {
  None,
  Syntax,      // not a number in the grammar above
  Overflow,    // a real beyond ±1.7976931348623157e308
  Underflow,   // a non-zero real that rounds to zero in double precision
  NotInteger,  // an integer was expected; the text's exact value is not a whole number
  OutOfRange,  // an integer outside the allowed interval
};

NumberProblem parse_real_text(std::string_view text, double* out);
// Integers in [lo, hi]; *out is set only when the answer is None.
NumberProblem parse_integer_text(std::string_view text, long long lo, long long hi, long long* out);
NumberProblem parse_unsigned_text(std::string_view text, uint64_t hi, uint64_t* out);

// Why a text was refused where its allowed range alone does not say it: "is not a whole number",
// "is not zero but rounds to zero ..."; empty for None, Syntax and OutOfRange.
std::string number_problem_note(NumberProblem problem);

}  // namespace klab
