// offline.robust: R2PVI with the KL, χ² and TV regularisers against non-robust pessimistic value
// iteration (PEVI), trained on uniform-behaviour data of the nominal model of the simulated
// d-rectangular linear MDP, evaluated exactly under perturbed transitions (the first step's factor 4
// leads to the fail state with probability q). Algorithms: r2pvi.hpp; world: linear_mdp.hpp. Paper:
// Tang, Liu & Xu, ICML 2025, arXiv:2411.18612.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "offline/r2pvi.hpp"
#include "offline/robust_engine.hpp"

namespace klab::offline {

struct RobustParams {
  std::vector<std::string> methods;  // "pevi", "r2pvi_kl", "r2pvi_chi2", "r2pvi_tv"
  double lambda = 0.1;               // λ of the regulariser
  double beta = 1.0;                 // β of the pessimism bonus
  double ridge = 0.1;                // the ridge of Λ_h
  int episodes = 100;                // K trajectories
  double delta = 0.3, xi_norm = 0.2;  // the toy's δ and ‖ξ‖₁
  std::vector<double> perturbations;  // q grid of the evaluation
  std::vector<double> lambda_sweep;   // λ grid of the worst-case-vs-λ curve
};

const std::vector<std::string>& robust_method_ids();

// The parameters as the batched engine's plain data (robust_engine.hpp), with the evaluation models'
// arrays and what does not depend on the data: the planner's worst case of each learner. Both
// engines build their records from it: RobustExperiment::run (the CPU engine) and run_cuda_blocks.
struct RobustBatch {
  RobustBatchConfig cfg;
  std::vector<int> ints;              // the models' CSR (cfg.models' offsets)
  std::vector<double> reals;
  std::vector<double> planner_worst;  // (n_series) planner_worst_case
  RobustPoolView view() const { return {ints.data(), reals.data()}; }  // on the host
};
RobustBatch robust_batch(const RobustParams& p);

class RobustExperiment final : public ExperimentOf<RobustParams, RobustExperiment> {
 public:
  RobustExperiment();
  RunLayout layout() const override;
  void run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  // The CUDA engine (robust_engine.hpp, robust_cuda.cpp): every learner of every run on the GPU, the
  // records filled on the host in run order.
  bool has_cuda_engine() const override { return true; }
  Status run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block, std::vector<SlotStats>* blocks) const override;

 private:
  // robust_batch(p()), built once per parameter version and shared by every run and worker thread
  // (none of it depends on the run; it was ≈ 45 % of a CPU run when rebuilt per run).
  std::shared_ptr<const RobustBatch> batch() const;
  struct BatchCache {
    BatchCache() = default;
    BatchCache(const BatchCache&) {}  // a copy has its own parameter version: it rebuilds
    BatchCache& operator=(const BatchCache&) { return *this; }
    std::mutex mutex;
    uint64_t version = 0;
    std::shared_ptr<const RobustBatch> batch;
  };
  mutable BatchCache batch_;
};

// A run's record from its learners' outcomes (n_series × cfg.outcome_stride(), robust_engine.hpp).
void fill_robust_record(const RobustBatch& b, const double* outcomes, RunRecord& out);

DemoInfo robust_demo();

}  // namespace klab::offline
