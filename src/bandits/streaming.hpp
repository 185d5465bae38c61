// Single-pass streaming bandits with sublinear arm memory (C. Wang, "Tight Regret Bounds for
// Single-pass Streaming Multi-armed Bandits", ICML 2023). K Bernoulli arms arrive one by one;
// an arm can be pulled only while it is stored, and only a few arms fit in memory. All three
// algorithms explore during the single pass and then commit to one stored arm for the rest of
// the T trials; regret is the pseudo-regret Σ pulls·(μ* - μ_arm).
//
//   uniform  streaming uniform exploration (the benchmark): every arm m = (T/K)^{2/3}(ln T)^{1/3}
//            pulls, keep the empirical best (1 stored arm + the arriving one);
//            regret O(K^{1/3} T^{2/3} log^{1/3} T).
//   single   ε-best arm with a single stored arm, ε = (K/T)^{1/3}: every arm ln K / ε² pulls, the
//            arriving arm replaces the stored one when its empirical mean is higher;
//            the paper's single-arm-memory bound O(K^{1/3} T^{2/3} log K).
//   tower    the O(log* K)-memory ε-best arm algorithm of Assadi & Wang (STOC 2020) the paper
//            follows for the optimal O(K^{1/3} T^{2/3}): L = log* K + 1 levels, each storing one
//            "king". Level ℓ compares each arm it receives with its king on s_ℓ = ρ_ℓ/ε² fresh pulls
//            (ρ_0 = 1, ρ_1 = 4, ρ_{ℓ+1} = 2^{ρ_ℓ}); after m_ℓ arms (m_0 = 4, m_ℓ = 2^{ρ_ℓ - ρ_{ℓ-1}}
//            with ρ_{-1} = 2) its king is promoted to level ℓ + 1 and the level is emptied. Most arms
//            are discarded after the cheap level-0 test; only promoted (good) arms receive the
//            expensive accurate comparisons. At the end of the stream every stored king is pulled
//            s_1 more times and the best is committed to.
// The constants (1/ε² at level 0, the tower ρ, 4 arms per level-0 king) follow the authors' public
// experiment code; the theorems' constants are larger. This is the empirical version the paper
// reports its "up to 70%" reduction with.
//
// Common random numbers: pull n (n = 0, 1, ...) of the arm at stream position i uses the n-th
// 32-bit word of Rng(seed, run, kArmStream + i): success iff word < μ·2^32, so every algorithm
// that pulls that arm for the n-th time sees the same outcome.
#pragma once
#include <cstdint>
#include <vector>

#include "core/rng.hpp"

namespace klab::bandits {

enum class StreamAlgo { Uniform = 0, Single, Tower };

// What happened during a pass, for the live view's replay.
struct StreamEvent {
  enum Kind { Read, Pull, Keep, Discard, Promote, Commit };
  Kind kind;
  int arm;          // stream position
  int slot;         // memory slot (level) concerned, -1 for the arriving arm's buffer
  long long pulls;  // pulls of this event (Pull), trials used so far (others)
  double estimate;  // empirical mean of the pulls (Pull)
  double regret;    // regret so far
};

struct StreamResult {
  double regret = 0.0;           // over all T trials (commit phase included)
  long long exploration = 0;     // pulls spent before committing
  int committed = -1;            // stream position of the arm committed to
  int memory = 0;                // arms stored at once, at most (the arriving arm not counted)
};

// Samples per comparison for the algorithm at horizon T with K arms (level 0 for the tower).
long long stream_batch(StreamAlgo algo, long long k, long long horizon);
// Number of levels of the tower for K arms: log* K + 1.
int tower_levels(long long k);

// One pass over the arms `means` (in stream order) with T trials. `trace` may be null.
StreamResult run_stream(StreamAlgo algo, const std::vector<double>& means, long long horizon, uint64_t seed, uint32_t run,
                        std::vector<StreamEvent>* trace);

// Successes among pulls first .. first + count - 1 of the arm at stream position `arm`.
long long stream_successes(uint64_t seed, uint32_t run, int arm, long long first, long long count, double mean);

}  // namespace klab::bandits
