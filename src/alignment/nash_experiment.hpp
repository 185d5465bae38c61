// alignment.nash: aligning to general (intransitive) preferences. The preference oracle of each
// prompt is A(a, b) = σ(r*(a) - r*(b) + c·sin(2π(a-b)/K)) (alignment/nash.hpp); the target is the
// τ-regularised Nash policy π_N, computed exactly. Methods (tabular policies, one per prompt):
//   spo         Self-Play Preference Optimization (Swamy et al. 2024, Algorithm 1): sample N responses
//               from π_t, have the oracle compare every pair, reward r_i = fraction of wins of sample i,
//               then a policy-gradient step on E_π[r] - τ KL(π‖π_ref) (REINFORCE with a leave-one-out
//               baseline; the KL gradient exact). Reported: the uniform mixture of the iterates (the
//               policy SPO's guarantee is about). The τ-KL term (SPO targets the unregularised minimax
//               winner; τ = 0 recovers it) is a "reading of the abstract" that makes both methods target one game.
//   inpo        Iterative Nash Policy Optimization (Zhang et al. 2024): N pairs y, y' ~ π_t labelled by
//               the oracle; π_{t+1} minimises the INPO loss
//                 E[(h_t(y_w, y_l) - η/2)²],  h_t = ln π(y_w)/π(y_l) - ητ ln π_ref(y_w)/π_ref(y_l)
//                                                    - (1 - ητ) ln π_t(y_w)/π_t(y_l),
//               whose population minimiser is the online-mirror-descent step
//               π_{t+1} ∝ π_t^{1-ητ} π_ref^{ητ} exp(η P(y ≻ π_t)). (Written with the OMD step size η; the
//               paper's 1/η.) In the tabular class the least-squares problem is solved exactly.
//   rlhf        Bradley–Terry reward model fitted to all pairs drawn so far from π_ref, then
//               π = π_ref exp(r̂/τ)/Z: a reward model cannot represent a cycle.
//   online_dpo  iterative DPO: pairs from π_t accumulate; the tabular DPO minimiser (the BT fit tilted
//               by τ) is taken each iteration (the Bradley–Terry baseline of the INPO paper).
// Metrics: duality gap of the τ-regularised game, win rate P(π ≻ π_N), KL(π‖π_N).
#pragma once
#include <array>
#include <string>
#include <vector>

#include "alignment/world.hpp"
#include "core/experiment.hpp"
#include "core/registry.hpp"

namespace klab::alignment {

enum class NashMethod { Spo, Inpo, Rlhf, OnlineDpo };

struct NashParams : WorldParams {
  std::vector<std::string> methods;
  double cycle = 3.0;
  double tau = 0.1;
  long long iterations = 300;
  long long samples = 64;
  double eta = 0.2;
  double spo_lr = 2.0;
};

// INPO on one prompt. `pairs` holds (y_w, y_l) comparisons drawn from π_t.
//   loss(π) = mean_i (h(y_w,i, y_l,i) - η/2)²,
//   h = ln π(y_w)/π(y_l) - ητ ln π_ref(y_w)/π_ref(y_l) - (1-ητ) ln π_t(y_w)/π_t(y_l)   (ητ clipped to 1)
// inpo_loss returns it and its gradient with respect to ln π (a K-vector of log-probabilities);
// inpo_update returns its exact minimiser over the simplex (least squares for u = ln π - ητ ln π_ref -
// (1-ητ) ln π_t, with a 10⁻⁹ ridge for responses no pair touches).
struct Pair {
  int w, l;
};
double inpo_loss(const std::vector<Pair>& pairs, const VectorXd& logp, const VectorXd& logp_t, const VectorXd& ref_logp,
                 double eta, double tau, VectorXd* grad_logp);
VectorXd inpo_update(const std::vector<Pair>& pairs, const VectorXd& logp_t, const VectorXd& ref_logp, double eta,
                     double tau);

// Bradley–Terry maximum likelihood on a win-count table W(a, b) (a beat b W times), with ridge
// (ε/2)‖r‖² (the MLE does not exist when a response never loses), by Newton's method.
VectorXd bt_fit(const MatrixXd& wins, double ridge);

// online_dpo's curves lie on RLHF's at most settings (both tilt π_ref by a Bradley–Terry fit): dashed,
// so that both show.
plot::Dash nash_dash(const std::string& id);
// The title of the KL(π‖π_N) plot: it says when the divergence is infinite (π_N off some responses).
std::string kl_nash_title(bool nash_full_support);

class NashTrainer {
 public:
  NashTrainer(const NashParams& p, uint64_t seed, uint32_t run);
  void step();
  long long steps_done() const { return t_; }
  const World& world() const { return world_; }
  size_t size() const { return runs_.size(); }
  NashMethod method(size_t i) const { return runs_[i].method; }
  // The reported policy of method i for prompt x (SPO: the mixture of its iterates).
  VectorXd policy(size_t i, int x) const;
  const VectorXd& nash(int x) const { return nash_[static_cast<size_t>(x)]; }
  // Whether π_N gives every response of every prompt positive probability. When it does not (τ = 0,
  // a minimax winner off some responses), KL(π‖π_N) = ∞ for every policy with full support.
  bool nash_full_support() const;
  const MatrixXd& game(int x) const { return games_[static_cast<size_t>(x)]; }
  // {duality gap, P(π ≻ π_N), KL(π‖π_N)} averaged over prompts.
  std::array<double, 3> metrics(size_t i) const;
  double tau() const { return p_.tau; }

 private:
  struct MethodRun {
    NashMethod method;
    MatrixXd logp;     // P × K current iterate
    MatrixXd average;  // P × K Σ of iterates (SPO)
    std::vector<MatrixXd> wins;  // per prompt (BT baselines)
    Rng rng;
  };
  void step_spo(MethodRun& m, int x);
  void step_inpo(MethodRun& m, int x);
  void step_bt(MethodRun& m, int x, bool from_reference);

  NashParams p_;
  World world_;
  std::vector<MatrixXd> games_;
  std::vector<VectorXd> nash_;
  std::vector<MethodRun> runs_;
  long long t_ = 0;
};

class NashExperiment final : public ExperimentOf<NashParams, NashExperiment> {
 public:
  NashExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
};

DemoInfo nash_demo();

}  // namespace klab::alignment
