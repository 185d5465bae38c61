// blackbox.nsga2: the classic NSGA-II (fixed population μ) against the dynamic NSGA-II (population
// 4, doubled every τ evaluations up to μ) on OneMinMax, LOTZ, OneJumpZeroJump_k (bit strings) and
// ZDT1–3 (reals): evaluations until the population covers the whole Pareto front against n on
// log-log axes, and front coverage and hypervolume (as a fraction of the true front's) against
// evaluations. Benchmarks and metrics: mo_problems.hpp.
// Algorithms: nsga2.hpp (the dNSGA-II and its ⁺ variant), nsga2_concurrent.hpp (concurrent runs over
// τ = 2^i). Paper: Speeding Up the NSGA-II via Dynamic Population Sizes.
// `klab run blackbox.nsga2 --backend cuda` runs each (run, algorithm, n) as one GPU thread (bit strings,
// nsga2_bits.hpp) or one block of threads (bit strings and ZDT1–3, nsga2_block.hpp): nsga2_engine.hpp;
// the ⁺ and concurrent algorithms, and dnsga2_form=paper, are refused there.
#pragma once
#include <string>
#include <vector>

#include "blackbox/nsga2.hpp"
#include "blackbox/nsga2_engine.hpp"
#include "core/experiment.hpp"
#include "core/registry.hpp"

namespace klab::blackbox {

struct Nsga2Params {
  std::vector<std::string> series;  // "nsga2" (classic), "dnsga2" (dynamic), "dnsga2plus", "concurrent", "concurrentplus"
  Benchmark benchmark = Benchmark::OneMinMax;
  int jump = 2;                // OneJumpZeroJump's gap k
  int n_min = 16, n_max = 64, n_points = 3;
  double mu_factor = 4.0;      // μ = ⌈c_μ(n + 1)⌉
  double tau_factor = 5.12;    // τ = ⌈c_τ·e·n⌉
  double budget_factor = 20.0; // a run stops unfinished after ⌈c·n³⌉ evaluations
  double front_tolerance = 0.01;  // ZDT: coverage tolerance δ (mo_problems.hpp)
  Dnsga2Form dnsga2_form = Dnsga2Form::Lab;  // the dNSGA-II's generation (nsga2.hpp): the lab's reading or the copy's Algorithm 1
};

const std::vector<std::string>& nsga2_series_ids();
std::vector<int> nsga2_n_grid(const Nsga2Params& p);
Nsga2Settings nsga2_settings(const Nsga2Params& p, const std::string& series, int n);
long long nsga2_budget(const Nsga2Params& p, int n);
// The plain-data form of a parameter set (nsga2_bits.hpp): series in the order of p.series, sizes in
// the order of the n grid, the layout's checkpoints.
Nsga2Config nsga2_config(const Nsga2Params& p);
// The CPU engine (nsga2.cpp) on series s at grid point `point` of run `run` of c = nsga2_config(p):
// until the front is covered or the budget is spent; the checkpoints at the largest n. Any benchmark.
Nsga2Outcome nsga2_cpu_outcome(const Nsga2Params& p, const Nsga2Config& c, int s, int point, uint64_t seed, uint32_t run);

class Nsga2Experiment final : public ExperimentOf<Nsga2Params, Nsga2Experiment> {
 public:
  Nsga2Experiment();
  RunLayout layout() const override;
  void run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  bool has_cuda_engine() const override { return true; }
  Status run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block,
                         std::vector<SlotStats>* blocks) const override;
};

DemoInfo nsga2_demo();

}  // namespace klab::blackbox
