// DisOM, OneMax with randomly planted local optima, and the (1+λ) and (1,λ) evolutionary
// algorithms on it.
//
// Papers:
//   J. Lengler, L. Schiller, O. Sieberling. Plus Strategies are Exponentially Slower for Planted
//     Optima of Random Height. GECCO 2024, arXiv:2404.09687.
//   J. Jorritsma, J. Lengler, D. Sudholt. Comma Selection Outperforms Plus Selection on OneMax
//     with Randomly Planted Optima. GECCO 2023, arXiv:2304.09712 (the equal-height DisOM).
//
// The landscape (reading of the two abstracts; the full texts were not available here):
//   f(x) = OM(x) + D_x   if x is distorted,      OM(x) = number of ones of x ∈ {0,1}ⁿ,
//   f(x) = OM(x)         otherwise,
// where every x is distorted independently with probability p and the heights D_x are i.i.d.
// from a distribution D. The randomness is "frozen noise": drawn once per landscape, so the same
// x always has the same fitness. Equal heights (D = the constant d) is the 2023 benchmark; the
// 2024 paper shows that random heights (exponential or Gaussian tails) make the plus strategy
// super-polynomially slow while the comma strategy stays efficient.
//
// Frozen noise here: x is named by its 64-bit Zobrist hash h(x) = XOR_{i: x_i = 1} K_i with
// Philox keys K_i, and (distorted?, D_x) is a pure function of (landscape key, h(x)): Philox
// block number h(x) of the landscape's stream. Two different x share a hash with probability
// 2⁻⁶⁴, and a mutation updates h in O(bits flipped).
//
// The algorithms (standard definitions, e.g. Jorritsma et al.): from a uniform x, each generation
// creates λ offspring by standard bit mutation (each bit flips with probability 1/n; zero flips
// give a clone) and
//   (1+λ):  x ← the best offspring y if f(y) ≥ f(x)   (elitist: x is never lost)
//   (1,λ):  x ← the best offspring y                    (non-elitist: x is always replaced)
// (ties between offspring: the first drawn). Time is counted in fitness evaluations (λ per
// generation). Mutation draws the number of flipped bits K ~ Bin(n, 1/n) by inversion of a
// table built with + · / only (identical bits in every build) and then K distinct positions.
//
// One copy of the algorithm for every engine: ea_start_on / ea_generation_on are KLAB_HD templates
// over where the keys live (a table, or computed on demand) and where the string lives (a byte per
// bit, or packed words): the CPU engine, the live view and the CUDA engine (engine.hpp) run them.
#pragma once
#include <cstdint>
#include <vector>

#include "core/portable.hpp"
#include "core/rng.hpp"
#include "core/samplers.hpp"

namespace klab::blackbox {

// Order matters: the first two are the choices of blackbox.es's parameter random_law.
enum class HeightLaw { Exponential, Gaussian, Equal };
enum class Selection { Plus, Comma };

// Which heights the landscape has. Equal: D = d. Exponential: D = d·E, E ~ Exp(1) (mean d).
// Gaussian: D = d + σZ, Z ~ N(0, 1) (may be negative: a planted dip).
struct HeightModel {
  HeightLaw law = HeightLaw::Exponential;
  double mean = 1.0;    // d
  double spread = 1.0;  // σ (Gaussian only)
};

struct Landscape {
  int n = 50;
  double p = 0.05;  // distortion probability of each point
  HeightModel heights;
  uint64_t seed = 0;  // landscape key: with `run` and `salt`, names the frozen noise
  uint32_t run = 0;
  uint32_t salt = 0;  // added to every stream number: separates the landscapes of different n
};

constexpr uint32_t kZobristStream = 40, kDistortionStream = 41, kStartStream = 42, kMutationStream = 43;
constexpr uint32_t salt_of_size(int n) { return static_cast<uint32_t>(n) << 8; }
constexpr int kMaxFlips = 40;  // Bin(n, 1/n) beyond 40 flips has probability below 1e-47

// DisOM of size n with p = density/n (the landscape every engine builds for one series and size).
KLAB_INLINE Landscape disom_landscape(int n, double density, HeightModel heights, uint64_t seed, uint32_t run) {
  Landscape l;
  l.n = n;
  l.p = density / n;
  l.heights = heights;
  l.seed = seed;
  l.run = run;
  l.salt = salt_of_size(n);
  return l;
}

// The Zobrist key K_i: u64 number i of the landscape's Zobrist stream (Philox block i/2 holds keys
// 2⌊i/2⌋ and 2⌊i/2⌋ + 1), a pure function of (landscape, i): the CUDA engine computes keys when it
// needs them instead of storing n of them per run.
KLAB_INLINE uint64_t zobrist_key(const Landscape& l, int i) {
  Rng r(l.seed, l.run, kZobristStream + l.salt, static_cast<uint64_t>(i) / 2);
  if (i & 1) r.next_u64();
  return r.next_u64();
}

// The Zobrist keys K_0 .. K_{n−1} of a landscape as a table: (n).
std::vector<uint64_t> zobrist_keys(const Landscape& l);

// The distortion D_x of the point with hash h (0 if x is not distorted).
KLAB_INLINE double distortion(const Landscape& l, uint64_t hash) {
  Rng r(l.seed, l.run, kDistortionStream + l.salt, hash);
  if (!(r.uniform() < l.p)) return 0.0;
  switch (l.heights.law) {
    case HeightLaw::Equal: return l.heights.mean;
    case HeightLaw::Exponential: return l.heights.mean * sample_exponential(r);
    case HeightLaw::Gaussian: return l.heights.mean + l.heights.spread * sample_normal(r);
  }
  return 0.0;
}

KLAB_INLINE double fitness(const Landscape& l, int ones, uint64_t hash) { return ones + distortion(l, hash); }

// P(K ≤ k) for K ~ Bin(n, 1/n), k = 0..kMaxFlips: pmf(0) = (1 − 1/n)ⁿ by repeated squaring,
// pmf(k+1) = pmf(k)·(n − k)/(k + 1)·(1/n)/(1 − 1/n).
std::vector<double> flip_count_cdf(int n);

// Where the keys come from: a table (the CPU engine) or computed on demand (the CUDA engine).
struct KeyTable {
  const uint64_t* key;
  KLAB_HD uint64_t operator()(int i) const { return key[i]; }
};
struct KeyStream {
  Landscape landscape;
  KLAB_HD uint64_t operator()(int i) const { return zobrist_key(landscape, i); }
};

// Where the string x lives: a byte per bit (the CPU engine, the live view), or bits packed in 32-bit
// words `stride` words apart (the CUDA engine: word w of a thread's string at word[w·stride], so
// that a warp's threads touch neighbouring words).
struct ByteGenome {
  uint8_t* bit;
  KLAB_HD bool get(int i) const { return bit[i] != 0; }
  KLAB_HD void set(int i, bool v) { bit[i] = v ? 1 : 0; }
  KLAB_HD void flip(int i) { bit[i] ^= 1; }
};
struct PackedGenome {
  uint32_t* word;
  uint32_t stride;
  KLAB_HD bool get(int i) const { return (word[static_cast<size_t>(i >> 5) * stride] >> (i & 31)) & 1u; }
  KLAB_HD void set(int i, bool v) {
    uint32_t& w = word[static_cast<size_t>(i >> 5) * stride];
    w = (w & ~(1u << (i & 31))) | (static_cast<uint32_t>(v) << (i & 31));
  }
  KLAB_HD void flip(int i) { word[static_cast<size_t>(i >> 5) * stride] ^= 1u << (i & 31); }
};

// The parent's summary (the string itself is in a genome).
struct EaState {
  int ones = 0;
  uint64_t hash = 0;
  double f = 0.0;
  long long evaluations = 0;
  long long generations = 0;
};

struct EaRun : EaState {
  std::vector<uint8_t> x;  // (n) the parent
};

// A uniform random start (stream kStartStream of the landscape: the same start for every algorithm).
template <class Genome, class Keys>
KLAB_HD void ea_start_on(const Landscape& l, const Keys& key, Genome x, EaState& st) {
  Rng r(l.seed, l.run, kStartStream + l.salt);
  st = EaState();
  for (int i = 0; i < l.n; ++i) {
    const bool one = (r.next_u32() >> 31) != 0;
    x.set(i, one);
    if (one) ++st.ones, st.hash ^= key(i);
  }
  st.f = fitness(l, st.ones, st.hash);
  st.evaluations = 1;
}

// K ~ Bin(n, 1/n) by inversion of the table `cdf` (kMaxFlips + 1 entries).
KLAB_INLINE int draw_flip_count(const double* cdf, Rng& rng) {
  const double u = rng.uniform();
  int k = 0;
  while (k < kMaxFlips && !(u < cdf[k])) ++k;
  return k;
}

// One generation of λ offspring; `rng` is the algorithm's mutation stream.
template <class Genome, class Keys>
KLAB_HD void ea_generation_on(const Landscape& l, const Keys& key, const double* cdf, Selection s, int lambda, Rng& rng, Genome x,
                              EaState& st) {
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
      ones += x.get(pos) ? -1 : 1;
      hash ^= key(pos);
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
  for (int j = 0; j < best_count; ++j) x.flip(best_flips[j]);
  st.ones = best_ones, st.hash = best_hash, st.f = best_f;
}

// The same with the CPU engine's storage (a key table, a byte per bit).
EaRun ea_start(const Landscape& l, const std::vector<uint64_t>& keys);
void ea_generation(const Landscape& l, const std::vector<uint64_t>& keys, const std::vector<double>& cdf, Selection s,
                   int lambda, Rng& rng, EaRun& st);

// λ at which the (1,λ)-EA turns from exponential to efficient on OneMax: log_{e/(e−1)} n
// (Rowe & Sudholt 2014; Antipov, Doerr, Yang 2019).
double comma_threshold(int n);

}  // namespace klab::blackbox
