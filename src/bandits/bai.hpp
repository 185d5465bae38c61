// Fixed-budget best-arm identification: after T pulls, name the arm with the largest mean.
//
//   uniform   ⌊T/K⌋ pulls of every arm, recommend the empirical best.
//   sr        Successive Rejects (Audibert & Bubeck, COLT 2010): phases k = 1..K-1 with
//             n_k = ⌈(T - K) / (loḡ(K)·(K + 1 - k))⌉, loḡ(K) = ½ + Σ_{i=2}^K 1/i; the active arms
//             are pulled up to n_k times each, then the empirical worst is rejected.
//   sh        Sequential Halving (Karnin, Koren & Somekh, ICML 2013): ⌈log₂ K⌉ rounds, each pulls
//             every active arm ⌊T / (|S_r|·⌈log₂ K⌉)⌋ times and keeps the better half by the
//             round's empirical means.
//   dp_sh     the naive private baseline: Sequential Halving whose round means are released with
//             Laplace noise Lap(1/(ε n)) (a mean of n rewards in [0, 1] has sensitivity 1/n; every
//             reward enters one mean only, so the whole policy is ε-DP).
//   dp_bai    DP-BAI (Chen, Karthik, Chee & Tan, "Fixed-Budget Differentially Private Best Arm
//             Identification", ICLR 2024) for linear bandits μ_k = ⟨a_k, θ⟩, a_k ∈ ℝ^d: in each
//             phase, while more arms are active than their span has dimensions, pull only a
//             Max-Det collection B (the d_p active arms whose matrix has the maximum absolute
//             determinant), release their means with Laplace noise, and estimate every active arm
//             through B: a = Σ_b c_b b with |c_b| ≤ 1 (Cramer's rule and the maximality of |det B|),
//             so μ̂_a = Σ_b c_b μ̃_b carries at most d_p noise terms of scale 1/(ε n). With no more
//             arms than dimensions every active arm is pulled. Then the better half is kept.
//             READING: the paper's phase lengths and the number of arms kept per phase (its g_i,
//             h_i schedule, which shrinks the active set faster while it exceeds the dimension)
//             are replaced by equal phase budgets T/⌈log₂ K⌉ and halving; the Max-Det principle,
//             the estimation through the basis and the Laplace mechanism follow the paper.
// Ties between empirical means are broken by a random priority drawn once per episode.
// Rewards are Bernoulli; pull n of arm k is common to all algorithms (stream_successes).
#pragma once
#include <cstdint>
#include <vector>

namespace klab::bandits {

enum class BaiAlgo { Uniform = 0, Sr, Sh, DpSh, DpBai };

struct BaiProblem {
  std::vector<double> x, y;  // arm features a_k ∈ ℝ² (d = 2)
  std::vector<double> mean;  // μ_k = ⟨a_k, θ⟩
};

// What DP-BAI did in one phase (the live view replays it).
struct BaiPhase {
  std::vector<int> active;         // arms active at the start of the phase
  std::vector<int> basis;          // the Max-Det collection pulled (all active arms when |A| ≤ d)
  std::vector<double> estimate;    // μ̂ of each active arm (private)
  long long pulls_per_arm = 0;
};

struct BaiOutcome {
  int recommended = -1;
  std::vector<long long> pulls;    // per arm
  std::vector<BaiPhase> phases;    // filled for dp_bai when asked
};

// One episode with budget T (ε used by the private algorithms).
BaiOutcome run_bai(BaiAlgo algo, const BaiProblem& problem, long long budget, double epsilon, uint64_t seed, uint32_t run,
                   bool record_phases = false);

// Indices of a Max-Det collection of the arms `active` (ℝ²): the pair with the largest |det|, or
// the single arm of largest norm when all are collinear.
std::vector<int> max_det_basis(const BaiProblem& problem, const std::vector<int>& active);

}  // namespace klab::bandits
