// blackbox.es: the (1+λ)-EA against the (1,λ)-EA on DisOM, OneMax with planted local optima of
// random height (and, as the control, of equal height): evaluations to the target and the
// fraction of runs stuck at a polynomial budget c·n², against n on log axes. Landscape and algorithms:
// disom.hpp. Paper: Lengler, Schiller, Sieberling, GECCO 2024. `klab run blackbox.es --backend cuda`
// runs the same landscapes one GPU thread each (engine.hpp, engine.cu).
#pragma once
#include <string>
#include <vector>

#include "blackbox/disom.hpp"
#include "blackbox/engine.hpp"
#include "core/experiment.hpp"
#include "core/registry.hpp"

namespace klab::blackbox {

struct EsParams {
  // "<selection>_<heights>": plus_random, comma_random, plus_equal, comma_equal
  std::vector<std::string> series;
  int n_min = 20, n_max = 160, n_points = 4;  // the n grid: n_points log-spaced sizes
  double lambda_scale = 1.2;   // λ(n) = ⌈s · log_{e/(e−1)} n⌉
  double density = 1.0;        // p = density / n: expected distorted Hamming neighbours of a point
  HeightLaw random_law = HeightLaw::Exponential;
  double height = 1.0;         // d: the equal height, and the mean of the random heights
  double spread = 1.0;         // σ of Gaussian heights
  int target_gap = 0;          // the target is OM(x) ≥ n − k* (k* = 0: the optimum)
  double budget_factor = 30.0; // c: a run of size n that has not reached the target after c·n² evaluations is stuck
};

const std::vector<std::string>& es_series_ids();

// The n grid and λ(n) of a parameter set.
std::vector<int> es_n_grid(const EsParams& p);
int es_lambda(const EsParams& p, int n);
long long es_budget(const EsParams& p, int n);  // ⌈c·n²⌉ evaluations
// The selection and the height law of series id `series` ("<selection>_<heights>").
Selection es_selection(const std::string& series);
HeightModel es_heights(const EsParams& p, const std::string& series);
// The plain-data form of a parameter set for the batched engines (engine.hpp): series in the
// order of p.series, sizes in the order of the n grid.
EsConfig es_config(const EsParams& p);

// One algorithm on one landscape of size n, generation by generation (the experiment's runs and
// the live view). Series `s` is an index into es_series_ids().
class EsRun {
 public:
  EsRun(const EsParams& p, const std::string& series, int n, uint64_t seed, uint32_t run);
  void generation();
  bool reached() const { return st_.ones >= target_; }
  bool done() const { return reached() || st_.evaluations >= budget_; }
  const EaRun& state() const { return st_; }
  int lambda() const { return lambda_; }
  int n() const { return landscape_.n; }
  int target() const { return target_; }
  long long budget() const { return budget_; }

 private:
  Landscape landscape_;
  std::vector<uint64_t> keys_;
  std::vector<double> cdf_;
  Selection selection_;
  int lambda_, target_;
  long long budget_;
  Rng rng_;
  EaRun st_;
};

class EsExperiment final : public ExperimentOf<EsParams, EsExperiment> {
 public:
  EsExperiment();
  RunLayout layout() const override;
  void run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  bool has_cuda_engine() const override { return true; }
  Status run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block,
                         std::vector<SlotStats>* blocks) const override;
};

DemoInfo es_demo();

}  // namespace klab::blackbox
