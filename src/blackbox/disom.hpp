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

// The Zobrist keys K_i of a landscape: (n).
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

struct EaRun {
  std::vector<uint8_t> x;  // (n) the parent
  int ones = 0;
  uint64_t hash = 0;
  double f = 0.0;
  long long evaluations = 0;
  long long generations = 0;
};

// A uniform random start (stream kStartStream of the landscape: the same start for every algorithm).
EaRun ea_start(const Landscape& l, const std::vector<uint64_t>& keys);

// One generation of λ offspring; `rng` is the algorithm's mutation stream.
void ea_generation(const Landscape& l, const std::vector<uint64_t>& keys, const std::vector<double>& cdf, Selection s,
                   int lambda, Rng& rng, EaRun& st);

// λ at which the (1,λ)-EA turns from exponential to efficient on OneMax: log_{e/(e−1)} n
// (Rowe & Sudholt 2014; Antipov, Doerr, Yang 2019).
double comma_threshold(int n);

}  // namespace klab::blackbox
