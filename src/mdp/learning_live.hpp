// mdp.learning's live batch: runs 1..R of the learners the parameters select (the control learners
// through ControlLearner, the off-policy evaluators at the parameter λ through TraceEvaluator),
// stepped together one episode each per view step, and over the runs the mean and 95% confidence
// band of every control learner's regret and every evaluator's error |V̂(ρ; π) − V(ρ; π)| at the
// recorded episodes: what the live view's learning curves draw (learning_panels.cpp).
//
// Run r is the Runs tab's run r: the same world (world_for(seed, r)), seed and run index as
// LearningCursor (learning_experiment.cpp), the same classes stepped episode by episode. The
// statistics are RunningStat pushes in run order, as BatchJob pushes a block's records, and R is at
// most one block (kBlockRuns), so after episode k the band is the Runs tab's band of a batch of R
// runs at k, bit for bit (unit test "mdp.learning live batch" in tests/unit/mdp_live_batch_test.cpp).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mdp/control_learner.hpp"
#include "mdp/episodic_problem.hpp"
#include "mdp/learning_experiment.hpp"
#include "mdp/trace_evaluator.hpp"

namespace klab::mdp {

constexpr uint32_t kLiveRuns = 8;  // the live view's default batch (a view setting, 1 .. kBlockRuns)

// The runs a live batch holds when `wanted` are asked for: fewer where R runs' tables or their
// work per view step would slow the play. With n learners (control + evaluators at λ) on a world of
// S·A pairs and nnz transitions, a run holds ≈ H·SA·n table entries and does ≈ H·n steps per view
// step, plus H·(nnz + SA) for UCBVI's planning; R·entries ≤ 4·10⁶ (≈ 50 MB) and R·work ≤ 10⁵
// (about 1 ms of steps on the machine of the README's figures). At least 1, at most kBlockRuns.
uint32_t live_batch_runs(const EpisodicProblem& problem, int control_learners, bool ucbvi, int evaluators, uint32_t wanted);

// One series' mean and 95% band [mean − t·s.e., mean + t·s.e.] over the runs, per recorded episode.
struct LiveBand {
  std::vector<double> mean, lo, hi;
};

class LearningLiveBatch {
 public:
  // Runs 0 .. R − 1, R = live_batch_runs(..., wanted). A world that does not build leaves the batch
  // empty (runs() == 0) with its message in world_error().
  LearningLiveBatch(const LearningExperiment& e, uint64_t seed, uint32_t wanted);
  LearningLiveBatch(const LearningLiveBatch&) = delete;
  LearningLiveBatch& operator=(const LearningLiveBatch&) = delete;

  uint32_t runs() const { return static_cast<uint32_t>(runs_.size()); }
  const std::string& world_error() const { return error_; }

  // One episode of every learner of every run; `path` (H+1) receives the states of run 1's first
  // control learner's episode when not null.
  void run_episode(int* path = nullptr);
  // Appends every series' mean and band at the episodes done so far.
  void record();

  const std::vector<double>& recorded_episodes() const { return episodes_; }
  const std::vector<LiveBand>& regret() const { return regret_; }  // (control learners), in `methods` order
  const std::vector<LiveBand>& ope_error() const { return ope_error_; }  // (evaluators), in `methods` order

  // Run 1 (index 0), for the map, the readouts and the λ sweep.
  const World& world() const { return *runs_.front().problem->world; }
  const std::shared_ptr<const World>& world_ptr() const { return runs_.front().problem->world; }
  const EpisodicProblem& problem() const { return runs_.front().problem->episodic; }
  const OffPolicyTask& ope() const { return runs_.front().problem->ope; }
  const ControlLearner& learner(size_t m) const { return *runs_.front().learners[m]; }
  const std::shared_ptr<TraceEvaluator>& evaluator(size_t m) const { return runs_.front().evaluators[m]; }

 private:
  // A world with its episodic problem and off-policy task (shared by the runs of one world).
  struct Problem {
    Problem(std::shared_ptr<const World> w, const LearningParams& p, bool with_ope);
    std::shared_ptr<const World> world;
    EpisodicProblem episodic;
    OffPolicyTask ope;  // empty without evaluators
  };
  struct Run {
    std::shared_ptr<const Problem> problem;
    std::vector<std::unique_ptr<ControlLearner>> learners;
    std::vector<std::shared_ptr<TraceEvaluator>> evaluators;
  };

  std::vector<Run> runs_;
  std::vector<double> episodes_;
  std::vector<LiveBand> regret_, ope_error_;
  std::string error_;
};

}  // namespace klab::mdp
