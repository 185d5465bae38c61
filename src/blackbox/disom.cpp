#include "blackbox/disom.hpp"

#include <cmath>

namespace klab::blackbox {

std::vector<uint64_t> zobrist_keys(const Landscape& l) {
  std::vector<uint64_t> keys(static_cast<size_t>(l.n));
  for (int i = 0; i < l.n; ++i) keys[static_cast<size_t>(i)] = zobrist_key(l, i);
  return keys;
}

std::vector<double> flip_count_cdf(int n) {
  const double q = 1.0 / n, stay = 1.0 - q;
  double pmf0 = 1.0, base = stay;  // (1 − 1/n)ⁿ by squaring: only multiplications
  for (int e = n; e > 0; e >>= 1) {
    if (e & 1) pmf0 *= base;
    base *= base;
  }
  std::vector<double> cdf(kMaxFlips + 1);
  double pmf = pmf0, sum = 0.0;
  for (int k = 0; k <= kMaxFlips; ++k) {
    sum += pmf;
    cdf[static_cast<size_t>(k)] = sum;
    pmf = k < n ? pmf * (n - k) / (k + 1) * q / stay : 0.0;
  }
  return cdf;
}

EaRun ea_start(const Landscape& l, const std::vector<uint64_t>& keys) {
  EaRun st;
  st.x.resize(static_cast<size_t>(l.n));
  ea_start_on(l, KeyTable{keys.data()}, ByteGenome{st.x.data()}, st);
  return st;
}

void ea_generation(const Landscape& l, const std::vector<uint64_t>& keys, const std::vector<double>& cdf, Selection s,
                   int lambda, Rng& rng, EaRun& st) {
  ea_generation_on(l, KeyTable{keys.data()}, cdf.data(), s, lambda, rng, ByteGenome{st.x.data()}, st);
}

double comma_threshold(int n) {
  const double e = std::exp(1.0);
  return std::log(static_cast<double>(n)) / std::log(e / (e - 1.0));
}

}  // namespace klab::blackbox
