// mdp.irl: maximum-likelihood (entropy-regularised) IRL from n expert trajectories in a
// finite-horizon gridworld with linear reward features (irl.hpp), after Schlaginhaufen & Kamgarpour,
// "Fast Rates for Inverse Reinforcement Learning" (2026): the trajectory-level KL between the
// expert's and the fitted model's trajectory laws, and the parameter error in the Hessian norm,
// against n on log-log axes, with the O(1/n) rate and an O(1/√n) reference drawn; behaviour
// cloning and Abbeel–Ng feature matching (feature_matching.hpp) as baselines, compared with them on
// the expert's expected return; a misspecification knob adds a reward the features cannot express.
#pragma once
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "core/versioned_cache.hpp"
#include "mdp/feature_matching.hpp"
#include "mdp/gridworld.hpp"
#include "mdp/irl.hpp"

namespace klab::mdp {

struct IrlParams {
  std::vector<std::string> methods;
  int size = 5, horizon = 10, features = 4;
  double slip = 0.0, wind = 0.0, theta_scale = 0.5, misspecification = 0.0, theta_bound = 5.0;
  long long world_seed = 2;
  int n_min = 20, n_max = 2000, points = 10;
  int fm_iterations = 200;    // feature matching: projection iterations at most
  double fm_epsilon = 0.05;   // and its stopping tolerance ε on ‖μ̂_E − μ̄‖
  std::string grid;           // non-empty: a painted grid (irl_grid.hpp) in place of the size × size grid's random feature groups
};

const std::vector<std::string>& irl_method_ids();  // mle, bc, fm

// The gridworld IRL problem of these parameters: an open size × size grid (start bottom-left,
// moves with slip, then a push one more cell in the grid's wind_direction (north unless a painted grid says otherwise) with probability wind: gridworld.hpp), horizon H; the cells shuffled by world_seed and dealt round-robin into
// features + 1 groups, φ_j(s, a) = 1[s in group j] for j < d (the last group has no feature, so no
// feature combination is constant); θ*_j = theta_scale·N(0, 1); r*(s, a) = θ*ᵀφ(s, a) +
// misspecification·ψ(s) with ψ(s) ~ N(0, 1) per cell (not in the span of φ). With `grid` set, the
// painted grid with the slip, wind and H instead (irl_grid.hpp: features and θ* from its cell values; size,
// features and theta_scale unused), plus the same misspecification·ψ(s) per cell. With `layout`,
// also the grid's layout (for drawing).
Expected<IrlProblem> irl_problem(const IrlParams& p, GridLayout* layout = nullptr);

// The sample sizes of the Runs tab: `points` log-spaced values from n_min to n_max.
std::vector<int> irl_sample_sizes(const IrlParams& p);

// One measurement of a run at n trajectories (NaN for a method that is not selected). The return gaps
// are |V_r*(π̂) − V_r*(π_E)| with V_r*(π) = E_π[Σ_h r*(s_h, a_h)] (the true reward, no entropy term):
// the one metric all three methods have (feature matching's mixture of deterministic policies has
// an infinite trajectory KL to the soft expert, whose every action has positive probability).
struct IrlPoint {
  int n = 0;
  double mle_kl = std::nan(""), mle_excess_kl = std::nan(""), mle_param_error = std::nan(""), bc_kl = std::nan("");
  double mle_gap = std::nan(""), bc_gap = std::nan(""), fm_gap = std::nan("");
  double fm_distance = std::nan("");    // ‖μ̂_E − μ̄‖ where the projection stopped
  double fm_iterations = std::nan("");  // its iterations: to ‖μ̂_E − μ̄‖ ≤ ε, the stall, or the cap (a count)
};

// One run of mdp.irl, step by step: the soft-optimal expert, the best model in the class θ† (the
// population MLE, its KL and the population loss's Hessian H), then along an increasing list of
// sample sizes n_k: sample expert trajectories up to n_k in chunks (nested: the first n of one
// stream), fit θ̂ (warm-started from the previous fit) and measure KL(P* ‖ P_θ̂) − KL(P* ‖ P_θ†),
// ‖θ̂ − θ†‖²_H, behaviour cloning's KL, feature matching on the n trajectories' μ̂_E (run to ε, a stall or
// fm_iterations projections within the measurement) and the return gaps. The Runs tab's cursor and
// the live view both step it.
class IrlRun {
 public:
  IrlRun(const IrlParams& p, std::vector<int> sample_sizes, uint64_t seed, uint32_t run);
  const Status& status() const { return status_; }  // not ok: the world could not be built
  bool done() const { return !status_.ok() || next_ >= sizes_.size(); }
  // One unit of work: up to 500 trajectories towards the next n_k, one Newton iteration of the fit at
  // n_k, or the measurements at n_k once the fit has converged. Returns the work done (trajectories
  // sampled, 0 for a Newton iteration, 1 for a measurement).
  double step();
  const std::vector<IrlPoint>& points() const { return points_; }
  const IrlProblem& problem() const { return problem_; }
  const GridLayout& layout() const { return layout_; }
  const std::vector<double>& expert() const { return expert_; }  // π* (H·SA)
  const Eigen::VectorXd& theta() const { return theta_; }        // the latest θ̂, mid-fit its current iterate (0 before the first fit)
  bool fitting() const { return fit_ != nullptr; }                // a fit is under way (its iterations so far in fit_iterations())
  int fit_iterations() const { return fit_iterations_; }
  const Eigen::VectorXd& best_theta() const { return best_; }    // θ†
  double best_kl() const { return best_kl_; }                     // KL(P* ‖ P_θ†): 0 when well specified
  // The soft-optimal policy (H·SA) of the linear reward θᵀφ.
  std::vector<double> policy_of(const Eigen::VectorXd& theta) const;
  int trajectories() const { return have_; }

 private:
  void measure(int n);
  double return_gap(const std::vector<double>& occupancy) const;  // |V_r*| gap of an occupancy (H·SA)

  IrlParams p_;
  std::vector<int> sizes_;
  uint64_t seed_;
  uint32_t run_;
  Status status_;
  IrlProblem problem_;
  GridLayout layout_;
  std::vector<double> expert_, counts_, weights_;  // weights_: counts / n of the fit under way
  std::unique_ptr<IrlNewtonFit> fit_;
  int fit_iterations_ = 0;
  Eigen::VectorXd best_, theta_;
  Eigen::MatrixXd hessian_;
  double best_kl_ = 0.0, expert_return_ = 0.0;
  bool mle_ = false, bc_ = false, fm_ = false;
  size_t next_ = 0;
  int have_ = 0;
  std::vector<IrlPoint> points_;
};

// The KL plot's rate references (the Runs figure and the live view): d/(2n), and a slope −1/2 line
// through (n0, y0) when y0 > 0, over [n0, n1].
void add_irl_rate_references(plot::Plot& kl, int features, double n0, double n1, double y0);

class IrlExperiment final : public ExperimentOf<IrlParams, IrlExperiment> {
 public:
  IrlExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;

 private:
  // The figure title's world and d: a painted grid's problem is built once per parameter version,
  // not on every frame of the Runs tab.
  struct FigureWorld {
    std::string name;  // "5 × 5 grid", "painted 4 × 5 grid"
    int features = 0;
  };
  FigureWorld figure_world() const;
  VersionedCache<FigureWorld> figure_world_;
};

DemoInfo irl_demo();

}  // namespace klab::mdp
