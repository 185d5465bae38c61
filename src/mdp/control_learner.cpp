#include "mdp/control_learner.hpp"

#include "mdp/ucbvi.hpp"

namespace klab::mdp {

ControlLearner::ControlLearner(const EpisodicProblem& problem, ControlMethod method, const ControlSettings& s, uint64_t seed, uint32_t run)
    : problem_(problem),
      method_(method),
      s_(s),
      seed_(seed),
      run_(run),
      rng_(seed, run, kLearnerStream + static_cast<uint32_t>(method)),
      log_term_(ucbvi_log_term(problem.task, static_cast<double>(s.episodes), s.delta)) {
  const Mdp& m = problem_.scaled;
  const int horizon = problem_.task.horizon;
  const size_t hsa = static_cast<size_t>(horizon) * m.pairs();
  q_.assign(hsa, 0.0);
  counts_.assign(hsa, 0);
  visits_.assign(static_cast<size_t>(m.pairs()), 0);
  n_pair_.assign(static_cast<size_t>(m.pairs()), 0);
  n_entry_.assign(static_cast<size_t>(m.transitions()), 0);
  v_.assign(static_cast<size_t>(horizon + 1) * m.states, 0.0);
  greedy_.assign(static_cast<size_t>(horizon) * m.states, 0);
}

double ControlLearner::epsilon() const { return method_ == ControlMethod::Ucbvi ? 0.0 : td_epsilon(s_.td, episode_, s_.episodes); }

double ControlLearner::run_episode(int* path) {
  const EpisodicTask& t = problem_.task;
  double ret = 0.0;
  if (method_ != ControlMethod::Ucbvi) {
    ret = td_episode(t, static_cast<TdMethod>(method_), s_.td, epsilon(), episode_, q_.data(), counts_.data(), visits_.data(), rng_, seed_, run_, path);
  } else {
    const ModelCounts c{n_pair_.data(), n_entry_.data()};
    ret = ucbvi_episode(t, c, s_.bonus_scale, log_term_, q_.data(), v_.data(), greedy_.data(), visits_.data(), rng_, seed_, run_, episode_, path);
  }
  ++episode_;
  regret_ += problem_.v_star - ret;
  return ret;
}

}  // namespace klab::mdp
