// One small configuration per demo (at least one for each), shared by the tests that must visit
// every demo but test a mechanism rather than the numbers: the batch engine's thread and slice
// invariance (tests/unit/batch_test.cpp) and the browser Runs tab = `klab run` check
// (tests/ui/headless_ui.cpp). Smaller sizes than the defaults keep them fast. A demo's first entry
// is the one the UI test uses; a new demo adds its line here.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace klab::test {

using ParamTexts = std::vector<std::pair<std::string, std::string>>;
struct SmallConfig {
  std::string demo;
  ParamTexts params;
};

inline const std::vector<SmallConfig>& small_configs() {
  static const std::vector<SmallConfig> configs = {
    {"kl.bernoulli", {{"samples", "200"}, {"p_true", "0.2"}}},
    {"kl.forward_reverse", {{"steps", "4"}}},
    {"kl.forward_reverse", {{"steps", "4"}, {"estimator", "monte_carlo"}, {"mc_samples", "16"}}},
    {"kl.categorical", {}},
    {"bandits.regret", {{"horizon", "300"}}},
    {"bandits.regret", {{"horizon", "200"}, {"dist", "gaussian"}, {"policies", "klucb,thompson,egreedy"}}},
    {"bandits.free_exploration", {{"horizon", "200"}, {"sweep", "2"}}},
    // (sizes where a run fits in BatchJob's first slice, as batch_test's "mixed" check expects)
    {"bandits.streaming", {{"k", "12"}, {"t_max", "2000"}, {"points", "3"}}},
    {"bandits.judges", {{"items", "5"}, {"budget", "3000"}}},
    {"bandits.bai", {{"budget", "200"}}},
    {"alignment.offline", {{"steps", "6"}, {"pairs", "40"}}},
    {"alignment.online", {{"steps", "6"}, {"offline_pairs", "40"}}},
    {"alignment.unlearning", {{"steps", "6"}}},
    {"alignment.nash", {{"iterations", "4"}, {"samples", "8"}}},
    {"alignment.overoptimization", {{"pg_steps", "3"}, {"members", "2"}, {"pairs", "60"}}},
    {"alignment.constrained", {{"iterations", "6"}, {"candidate_samples", "20"}, {"safety_samples", "20"}}},
    {"mdp.planning", {{"iterations", "12"}, {"size", "10"}}},
    {"mdp.learning", {{"episodes", "20"}, {"horizon", "5"}}},
    {"mdp.constrained", {{"iterations", "6"}, {"episodes", "10"}, {"samples", "5"}}},
    {"optim.mixture", {{"samples", "300"}, {"methods", "smd_entropic,smd_euclidean,em,frequency,laplace"}}},
    {"optim.lion", {{"steps", "200"}, {"noise", "0.5"}}},
    {"optim.online", {{"horizon", "300"}, {"noise", "0.5"}}},
    {"optim.halpern", {{"components", "20"}, {"passes", "30"}}},
    {"optim.bilevel", {{"steps", "30"}, {"inner_steps", "5"}}},
    {"mdp.safe_meta", {{"meta_iterations", "3"}, {"train_tasks", "2"}, {"test_tasks", "2"}, {"adapt_steps", "2"}, {"pd_iterations", "3"}}},
    {"mdp.irl", {{"n_max", "60"}, {"points", "3"}, {"size", "3"}, {"horizon", "5"}}},
    {"mdp.robust", {{"points", "3"}, {"iterations", "3"}}},
    {"mdp.risk", {{"horizon", "15"}, {"episodes", "50"}, {"sweeps", "10"}}},
    {"offline.edge_of_reach", {{"iterations", "8"}, {"updates_per_iteration", "40"}, {"ensemble", "3"}}},
    {"offline.weighting", {{"shares", "0.05,0.5"}, {"updates", "300"}, {"episodes", "20"}}},
    {"offline.dice", {{"steps", "5"}, {"episodes", "4"}}},
    {"offline.robust", {{"episodes", "20"}, {"perturbations", "0,1"}, {"lambda_sweep", "0.1,1"}}},
    {"offline.prdc", {{"steps", "20"}, {"behaviour", "replay"}, {"episodes", "4"}, {"episode_length", "10"}, {"random_starts", "0.5"}, {"hidden", "4"}, {"batch", "8"}}},
    {"diffusion.samplers", {{"particles", "8"}, {"nfe", "3,8"}, {"solvers", "ddim,dpmpp_2m,ddpm"}}},
    {"diffusion.tsmc", {{"particles", "32"}, {"steps", "5"}, {"iterations", "2"}}},
    {"diffusion.constrained", {{"particles", "16"}, {"iterations", "3"}, {"nfe", "4"}}},
    {"diffusion.federated", {{"particles", "16"}, {"levels", "5"}, {"epsilons", "1,8"}}},
    {"blackbox.es", {{"n_max", "40"}, {"n_points", "2"}, {"budget_factor", "5"}}},
    {"blackbox.bo", {{"evaluations", "6"}, {"init_points", "2"}}},
    {"blackbox.nsga2", {{"n_min", "8"}, {"n_max", "16"}, {"n_points", "2"}}},
    {"blackbox.nsga2", {{"n_min", "8"}, {"n_max", "16"}, {"n_points", "2"}, {"series", "dnsga2,dnsga2plus,concurrent"}, {"dnsga2_form", "paper"}}},
    {"blackbox.private_gsd", {{"eps_points", "2"}, {"real_size", "300"}, {"generations", "20"}, {"gradient_steps", "10"}, {"sweeps", "5"}}},
    {"blackbox.private_gsd", {{"data", "categorical"}, {"dims", "3"}, {"marginals", "2"}, {"eps_points", "2"}, {"real_size", "300"}, {"generations", "20"}, {"gradient_steps", "10"}, {"sweeps", "5"}}},
  };
  return configs;
}

// The first small configuration of `demo`, or nullptr when it has none.
inline const SmallConfig* small_config(const std::string& demo) {
  for (const SmallConfig& c : small_configs())
    if (c.demo == demo) return &c;
  return nullptr;
}

}  // namespace klab::test
