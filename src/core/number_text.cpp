#include "core/number_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace klab {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The parts of a text in the grammar: sign, digits before and after the point, exponent.
struct DecimalText {
  bool negative = false;
  std::string_view whole, fraction;
  bool exponent_negative = false;
  std::string_view exponent;  // empty when there is none
};

size_t digits_from(std::string_view t, size_t i) {
  while (i < t.size() && is_digit(t[i])) ++i;
  return i;
}

bool scan(std::string_view t, DecimalText* d) {
  size_t i = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) d->negative = t[i++] == '-';
  size_t end = digits_from(t, i);
  d->whole = t.substr(i, end - i);
  i = end;
  if (i < t.size() && t[i] == '.') {
    end = digits_from(t, ++i);
    d->fraction = t.substr(i, end - i);
    i = end;
  }
  if (d->whole.empty() && d->fraction.empty()) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) d->exponent_negative = t[i++] == '-';
    end = digits_from(t, i);
    d->exponent = t.substr(i, end - i);
    if (d->exponent.empty()) return false;
    i = end;
  }
  return i == t.size();
}

// The exact value of an integer text as sign and magnitude. Works on the digits: the significand
// d_first … d_last (leading and trailing zeros dropped) times 10^scale.
NumberProblem exact_integer(std::string_view text, bool* negative, uint64_t* magnitude) {
  DecimalText d;
  if (!scan(text, &d)) return NumberProblem::Syntax;
  *negative = d.negative;
  const size_t whole = d.whole.size(), length = whole + d.fraction.size();
  auto digit = [&](size_t k) { return k < whole ? d.whole[k] : d.fraction[k - whole]; };
  size_t first = 0;
  while (first < length && digit(first) == '0') ++first;
  if (first == length) {  // zero, whatever its exponent
    *magnitude = 0;
    return NumberProblem::None;
  }
  size_t last = length - 1;
  while (digit(last) == '0') --last;
  // The exponent saturates far beyond any magnitude of interest: 1e99999999999999999999 stays huge.
  constexpr long long kCap = 1000000000000000LL;
  long long exponent = 0;
  for (char c : d.exponent) exponent = std::min(kCap, exponent * 10 + (c - '0'));
  if (d.exponent_negative) exponent = -exponent;
  // digit k has the place value 10^(whole - 1 - k + exponent)
  const long long scale = exponent + static_cast<long long>(whole) - 1 - static_cast<long long>(last);
  if (scale < 0) return NumberProblem::NotInteger;
  if (static_cast<long long>(last - first + 1) + scale > 20) return NumberProblem::OutOfRange;  // ≥ 10^20 > 2^64
  uint64_t v = 0;
  auto times_ten_plus = [&v](uint64_t add) {
    if (v > (UINT64_MAX - add) / 10) return false;
    v = v * 10 + add;
    return true;
  };
  for (size_t k = first; k <= last; ++k)
    if (!times_ten_plus(static_cast<uint64_t>(digit(k) - '0'))) return NumberProblem::OutOfRange;
  for (long long k = 0; k < scale; ++k)
    if (!times_ten_plus(0)) return NumberProblem::OutOfRange;
  *magnitude = v;
  return NumberProblem::None;
}

}  // namespace

NumberProblem parse_real_text(std::string_view text, double* out) {
  DecimalText d;
  if (!scan(text, &d)) return NumberProblem::Syntax;
  const std::string copy(text);  // strtod needs a terminated string
  const double x = std::strtod(copy.c_str(), nullptr);
  if (!std::isfinite(x)) return NumberProblem::Overflow;
  if (x == 0.0) {
    for (char c : d.whole)
      if (c != '0') return NumberProblem::Underflow;
    for (char c : d.fraction)
      if (c != '0') return NumberProblem::Underflow;
    *out = 0.0;  // "-0" is zero: +0, so that every zero has one canonical value and text
    return NumberProblem::None;
  }
  *out = x;
  return NumberProblem::None;
}

NumberProblem parse_integer_text(std::string_view text, long long lo, long long hi, long long* out) {
  bool negative = false;
  uint64_t magnitude = 0;
  const NumberProblem p = exact_integer(text, &negative, &magnitude);
  if (p != NumberProblem::None) return p;
  constexpr uint64_t kMaxMagnitude = static_cast<uint64_t>(INT64_MAX);
  if (magnitude > kMaxMagnitude + (negative ? 1 : 0)) return NumberProblem::OutOfRange;
  const long long v = !negative ? static_cast<long long>(magnitude)
                      : magnitude == kMaxMagnitude + 1 ? INT64_MIN
                                                       : -static_cast<long long>(magnitude);
  if (v < lo || v > hi) return NumberProblem::OutOfRange;
  *out = v;
  return NumberProblem::None;
}

NumberProblem parse_unsigned_text(std::string_view text, uint64_t hi, uint64_t* out) {
  bool negative = false;
  uint64_t magnitude = 0;
  const NumberProblem p = exact_integer(text, &negative, &magnitude);
  if (p != NumberProblem::None) return p;
  if ((negative && magnitude != 0) || magnitude > hi) return NumberProblem::OutOfRange;
  *out = magnitude;
  return NumberProblem::None;
}

std::string number_problem_note(NumberProblem problem) {
  switch (problem) {
    case NumberProblem::None:
    case NumberProblem::Syntax:
    case NumberProblem::OutOfRange: return "";
    case NumberProblem::Overflow: return "is beyond the largest double";
    case NumberProblem::Underflow: return "is not zero but rounds to zero in double precision (write 0 for zero)";
    case NumberProblem::NotInteger: return "is not a whole number";
  }
  return "";
}

}  // namespace klab
