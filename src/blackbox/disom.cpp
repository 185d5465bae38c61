#include "blackbox/disom.hpp"

#include <cmath>

namespace klab::blackbox {

std::vector<uint64_t> zobrist_keys(const Landscape& l) {
  Rng r(l.seed, l.run, kZobristStream + l.salt);
  std::vector<uint64_t> keys(static_cast<size_t>(l.n));
  for (uint64_t& k : keys) k = r.next_u64();
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
  Rng r(l.seed, l.run, kStartStream + l.salt);
  st.x.resize(static_cast<size_t>(l.n));
  for (int i = 0; i < l.n; ++i) {
    st.x[static_cast<size_t>(i)] = static_cast<uint8_t>(r.next_u32() >> 31);
    if (st.x[static_cast<size_t>(i)]) ++st.ones, st.hash ^= keys[static_cast<size_t>(i)];
  }
  st.f = fitness(l, st.ones, st.hash);
  st.evaluations = 1;
  return st;
}

namespace {

int draw_flip_count(const std::vector<double>& cdf, Rng& rng) {
  const double u = rng.uniform();
  int k = 0;
  while (k < kMaxFlips && !(u < cdf[static_cast<size_t>(k)])) ++k;
  return k;
}

}  // namespace

void ea_generation(const Landscape& l, const std::vector<uint64_t>& keys, const std::vector<double>& cdf, Selection s,
                   int lambda, Rng& rng, EaRun& st) {
  int flips[kMaxFlips], best_flips[kMaxFlips];
  int best_count = -1, best_ones = 0;
  uint64_t best_hash = 0;
  double best_f = -kInf;
  const int max_flips = l.n < kMaxFlips ? l.n : kMaxFlips;
  for (int c = 0; c < lambda; ++c) {
    int k = draw_flip_count(cdf, rng);
    if (k > max_flips) k = max_flips;
    int ones = st.ones;
    uint64_t hash = st.hash;
    for (int j = 0; j < k; ++j) {
      int pos;
      bool fresh;
      do {  // K distinct positions, uniformly
        pos = static_cast<int>(rng.below(static_cast<uint32_t>(l.n)));
        fresh = true;
        for (int i = 0; i < j; ++i) fresh = fresh && flips[i] != pos;
      } while (!fresh);
      flips[j] = pos;
      ones += st.x[static_cast<size_t>(pos)] ? -1 : 1;
      hash ^= keys[static_cast<size_t>(pos)];
    }
    const double f = k == 0 ? st.f : fitness(l, ones, hash);  // a clone is not re-drawn: frozen noise
    if (f > best_f) {
      best_f = f, best_ones = ones, best_hash = hash, best_count = k;
      for (int j = 0; j < k; ++j) best_flips[j] = flips[j];
    }
  }
  st.evaluations += lambda;
  ++st.generations;
  if (s == Selection::Plus && best_f < st.f) return;  // elitist: keep x unless an offspring is at least as good
  for (int j = 0; j < best_count; ++j) st.x[static_cast<size_t>(best_flips[j])] ^= 1;
  st.ones = best_ones, st.hash = best_hash, st.f = best_f;
}

double comma_threshold(int n) {
  const double e = std::exp(1.0);
  return std::log(static_cast<double>(n)) / std::log(e / (e - 1.0));
}

}  // namespace klab::blackbox
