// One particle of an SMC step of diffusion.tsmc (tsmc.hpp: the equations), shared verbatim by the
// CPU engine (smc_backend.cpp: HostSmcBackend, one particle after another) and the CUDA engine
// (tsmc_engine.cu, one GPU thread per particle). Everything that depends only on the step (the
// DDPM posterior's coefficients, the twists, the proposal's precision, p_t's K terms) is computed
// once on the host into an SmcPlan (make_smc_plan, tsmc.cpp); a particle reads it.
//
// Per step k the host (run_smc) drives three phases over all particles:
//   predict   x̂₀ = (x + σ_t² ∇log p_t(x))/α_t, the base mean m_k = c_x x + c₀ x̂₀, and the weight
//             increment (log Z_k(x) − log ψ_{k−1}(x) with twists, r(x̂₀)/β − the previous one with
//             look-ahead potentials);
//   resample  ESS/N of the weights and, when it is below ½, systematic resampling and the gather,
//             where the particles live (smc_weights.hpp: the sums and the search, shared like this
//             file); the decision and the uniform on the host (tsmc.cpp, run_smc);
//   propose   x' from the twisted kernel N((m/v + b_k)/P_k, I/P_k), or from the proposal twist's
//             kernel with the weight corrected to p_k ψ_k (SmcOptions::proposal).
//
// Randomness: ONE sequential Philox stream per run (core/rng.hpp), read as the CPU code always
// read it: the prior draws, then per step the proposals' draws, with the resampling's uniform
// (kSmcWordsPerUniform = 2 words) in between. sample_normal takes exactly kSmcWordsPerNormal = 4
// words, so particle i's two normals of a phase are the kSmcWordsPerParticle = 8 words from
// w + kSmcWordsPerParticle·i on, w the phase's first word: SmcRandom::at positions an Rng there directly
// (counter-based: any thread, any order, the same numbers).
#pragma once
#include <cstdint>

#include "core/lab_math.hpp"
#include "core/portable.hpp"
#include "core/rng.hpp"
#include "core/samplers.hpp"
#include "diffusion/marginal.hpp"
#include "diffusion/tilt.hpp"

namespace klab::diffusion {

// Twist of kernel k (applied to the particle it proposes): ψ_k(x) = exp(−½ λ ‖x‖² + bᵀx).
struct Twist {
  double lambda = 0.0, bx = 0.0, by = 0.0;
};

KLAB_INLINE double log_twist(const Twist& t, double x, double y) { return -0.5 * t.lambda * (x * x + y * y) + t.bx * x + t.by * y; }

// The stream's layout, named once (every offset below and in tsmc.cpp, smc_backend.* and
// tsmc_engine.cu is written with these):
constexpr uint64_t kRngWordsPerBlock = 4;     // Rng (core/rng.hpp): one Philox4x32 block = four 32-bit words
constexpr uint64_t kSmcWordsPerUniform = 2;   // Rng::uniform and uniform_open: 53 bits from two words
constexpr uint64_t kSmcWordsPerNormal = 2 * kSmcWordsPerUniform;     // sample_normal: uniform_open, then uniform
constexpr uint64_t kSmcWordsPerParticle = 2 * kSmcWordsPerNormal;    // a particle's two normals per phase
// (the systematic resampling's one draw is a uniform: kSmcWordsPerUniform words)

// A position in the stream Rng(seed, run, stream): `word` 32-bit words from its block 0.
struct SmcRandom {
  uint64_t seed = 0;
  uint32_t run = 0, stream = 0;
  uint64_t word = 0;
  // The stream `ahead` words further on (the Rng a sequential reader would have there).
  KLAB_HD Rng at(uint64_t ahead) const {
    const uint64_t w = word + ahead;
    Rng r(seed, run, stream, w / kRngWordsPerBlock);
    for (uint64_t i = 0; i < w % kRngWordsPerBlock; ++i) r.next_u32();
    return r;
  }
};

// What is the same for every step of a run.
struct SmcConfig {
  int twisted = 1;    // Potentials::Twists (0: look-ahead potentials r(x̂₀)/β)
  int proposal = 0;   // SmcOptions::proposal: kernels from other twists, weights corrected
  int components = 0; // K terms of p_t per step
  double beta = 1.0;
  QuadraticReward reward;
  Twist last;         // ψ_{K−1}, divided out with the reward at the end (twisted runs)
};

// Step k from t to u (host-computed; tsmc.cpp make_smc_plan).
struct SmcStep {
  double at = 1.0, st = 0.0;            // α_t, σ_t
  double cx = 0.0, c0 = 0.0, v = 1.0;   // DDPM posterior: mean cx·x + c0·x̂₀, variance v
  Twist tw, prev;                       // ψ_k (target of the proposal) and ψ_{k−1}
  double big_p = 1.0;                   // P_k = 1/v + λ_k
  double neg_log_vp = 0.0;              // −log(v P_k)
  double sdp = 1.0;                     // 1/√P_k
  Twist g;                              // the proposal twist (config.proposal)
  double pq = 1.0, sdq = 1.0;           // its precision 1/v + λ_g and 1/√pq
  double log_v = 0.0, log_pq = 0.0;     // log v, log pq
};

// x_0 = σ_1 (z₁, z₂) of particle i, z from words kSmcWordsPerParticle·i … of r.
KLAB_INLINE void smc_prior(double sd, const SmcRandom& r, uint64_t i, double* x, double* y) {
  Rng rng = r.at(kSmcWordsPerParticle * i);
  *x = sd * sample_normal(rng);
  *y = sd * sample_normal(rng);
}

// Predict: the base mean m_k(x) and the weight increment (terms: p_t's K terms).
KLAB_INLINE void smc_predict(const SmcConfig& c, const SmcStep& s, const Term* terms, double x, double y, double* mx, double* my, double* log_w,
                             double* look) {
  double gx, gy;
  score(terms, c.components, x, y, &gx, &gy);
  const double hx = (x + s.st * s.st * gx) / s.at, hy = (y + s.st * s.st * gy) / s.at;  // x̂₀
  const double m_x = s.cx * x + s.c0 * hx, m_y = s.cx * y + s.c0 * hy;
  if (c.twisted) {
    // log Z_k(x) − log ψ_{k−1}(x)
    const double ux = m_x / s.v + s.tw.bx, uy = m_y / s.v + s.tw.by;
    *log_w += s.neg_log_vp - 0.5 * (m_x * m_x + m_y * m_y) / s.v + 0.5 * (ux * ux + uy * uy) / s.big_p - log_twist(s.prev, x, y);
  } else {
    const double g = c.reward(hx, hy) / c.beta;
    *log_w += g - *look;
    *look = g;
  }
  *mx = m_x;
  *my = m_y;
}

// Propose x' of particle i from its base mean (mx, my), drawing from words kSmcWordsPerParticle·i … of r.
KLAB_INLINE void smc_propose(const SmcConfig& c, const SmcStep& s, const SmcRandom& r, uint64_t i, double mx, double my, double* x, double* y,
                             double* log_w) {
  Rng rng = r.at(kSmcWordsPerParticle * i);
  if (c.proposal) {
    // Proposal q_k from the proposal twist g; the weight corrects to p_k ψ_k: log p_k + log ψ_k(x') −
    // log q_k, minus the log Z_k − log ψ_{k−1} already added (which assumed q_k from ψ_k).
    const double qx = (mx / s.v + s.g.bx) / s.pq, qy = (my / s.v + s.g.by) / s.pq;
    const double zx = sample_normal(rng), zy = sample_normal(rng);
    const double nx = qx + s.sdq * zx, ny = qy + s.sdq * zy;
    const double log_p = -s.log_v - 0.5 * ((nx - mx) * (nx - mx) + (ny - my) * (ny - my)) / s.v;
    const double log_q = s.log_pq - 0.5 * (zx * zx + zy * zy);
    const double ux = mx / s.v + s.tw.bx, uy = my / s.v + s.tw.by;
    const double log_z = s.neg_log_vp - 0.5 * (mx * mx + my * my) / s.v + 0.5 * (ux * ux + uy * uy) / s.big_p;
    *log_w += log_p + log_twist(s.tw, nx, ny) - log_q - log_z;
    *x = nx;
    *y = ny;
    return;
  }
  *x = (mx / s.v + s.tw.bx) / s.big_p + s.sdp * sample_normal(rng);
  *y = (my / s.v + s.tw.by) / s.big_p + s.sdp * sample_normal(rng);
}

// The final weight: exp(r(x_K)/β) over ψ_{K−1}(x_K) (twists) or over the last look-ahead potential.
KLAB_INLINE void smc_finish(const SmcConfig& c, double x, double y, double look, double* log_w) {
  *log_w += c.reward(x, y) / c.beta - (c.twisted ? log_twist(c.last, x, y) : look);
}

}  // namespace klab::diffusion
