// Off-policy evaluation with eligibility traces (Daley, White, Amato & Machado, "Trajectory-Aware
// Eligibility Traces for Off-Policy Reinforcement Learning", ICML 2023), in the episodic setting
// of episodic.hpp (stage-indexed Q_h, behaviour μ, target π, both (H·SA)).
//
// At step t of an episode, with ratio ρ_t = π(a_t|s_t)/μ(a_t|s_t) and the expected TD error
//   δ_t = r̃_t + γ Σ_a π(a|s_{t+1}) Q_{t+1}(s_{t+1}, a) − Q_t(s_t, a_t)      (Q_H ≡ 0),
// every earlier step k ≤ t is updated online:  Q_k(s_k, a_k) += α γ^{t−k} β_{k,t} δ_t,  β_{t,t} = 1,
// where each past β is first updated with the current step's ratio:
//   Retrace (Munos, Stepleton, Harutyunyan & Bellemare, NeurIPS 2016)  β ← β · λ min(1, ρ_t)
//   Tree backup (Precup, Sutton & Singh, ICML 2000)                     β ← β · λ π(a_t|s_t)
//   RBIS, recency-bounded importance sampling (Daley et al.)            β_{k,t} = min(λ^{t−k}, ρ_t β_{k,t−1})
// RBIS keeps the importance-sampling product but caps it by the recency bound λ^{t−k}: a trace cut
// by one small ratio can recover later, which Retrace's product of cuts cannot. The update rules
// are those of the authors' public code (brett-daley/trajectory-aware-etraces, etraces/online.py).
// The paper's setting is discounted control; here the same operator evaluates a fixed target
// policy on stage-indexed values (a reading: the stage index is the only change).
#pragma once
#include "mdp/episodic.hpp"

namespace klab::mdp {

enum class TraceMethod { Retrace, TreeBackup, Rbis };

// The behaviour stream of every evaluator of a run (every method and λ sees the same trajectories).
constexpr uint32_t kTraceStream = kLearnerStream + 100u;

// Scratch of length H for one episode.
struct TraceBuffer {
  int* pairs;      // (H) pair visited at step k
  double* beta;    // (H) β_{k,t}
  double* decay;   // (H) γ^{t−k}
};

// One episode under μ; q (H·SA) is updated in place. Behaviour μ is (H·SA); so is π.
KLAB_INLINE void trace_episode(const EpisodicTask& t, TraceMethod method, double lambda, double alpha, const double* pi, const double* mu,
                               uint32_t episode, double* q, uint32_t* visits, TraceBuffer buf, Rng& rng, uint64_t seed, uint32_t run) {
  const MdpView& m = t.mdp;
  const int n_sa = m.first_pair[m.states];
  int state = episode_start(t, seed, run, episode);
  for (int step = 0; step < t.horizon; ++step) {
    const size_t off = static_cast<size_t>(step) * n_sa;
    const int first = m.first_pair[state], n = m.first_pair[state + 1] - first;
    // a_t ~ μ_t(·|s_t)
    double u = rng.uniform();
    int a = n - 1;
    for (int b = 0; b + 1 < n; ++b) {
      if (u < mu[off + first + b]) {
        a = b;
        break;
      }
      u -= mu[off + first + b];
    }
    const int pair = first + a;
    const double ratio = pi[off + pair] / mu[off + pair];
    // Decay the past traces with this step's ratio, then add the current pair with β = 1.
    double lambda_power = 1.0;
    for (int k = step - 1; k >= 0; --k) {
      lambda_power *= lambda;
      buf.decay[k] *= t.gamma;
      switch (method) {
        case TraceMethod::Retrace: buf.beta[k] *= lambda * (ratio < 1.0 ? ratio : 1.0); break;
        case TraceMethod::TreeBackup: buf.beta[k] *= lambda * pi[off + pair]; break;
        case TraceMethod::Rbis: {
          const double b = ratio * buf.beta[k];
          buf.beta[k] = b < lambda_power ? b : lambda_power;
          break;
        }
      }
    }
    buf.pairs[step] = pair;
    buf.beta[step] = 1.0;
    buf.decay[step] = 1.0;
    const int next = env_step(t, pair, visits, seed, run);
    double delta = scaled_reward(t, pair) - q[off + pair];
    if (step + 1 < t.horizon) {
      const size_t next_off = static_cast<size_t>(step + 1) * n_sa;
      double expected = 0.0;
      for (int i = m.first_pair[next]; i < m.first_pair[next + 1]; ++i) expected += pi[next_off + i] * q[next_off + i];
      delta += t.gamma * expected;
    }
    for (int k = 0; k <= step; ++k) q[static_cast<size_t>(k) * n_sa + buf.pairs[k]] += alpha * buf.decay[k] * buf.beta[k] * delta;
    state = next;
  }
}

}  // namespace klab::mdp
