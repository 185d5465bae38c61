// blackbox.private_gsd: Private-GSD against RAP and MWEM on d-dimensional data (d = 2: the plane),
// query error against the privacy budget ε. Each run draws the real data and the m queries once; for every ε of the grid
// and every method, the adaptive release (private_query.hpp) spends (ε, δ) over T rounds of K
// queries and the method fits its synthetic data to the noisy answers (synthesizers.hpp). The
// error is measured on all m queries against the real answers: max_j |q_j(D̂) − q_j(D)| and the mean.
// MWEM runs only where its grid has at most kMwemMaxCells cells (synthesizers.hpp); elsewhere its
// slots stay empty and the figure says why.
// Paper: T. Liu, J. Tang, G. Vietri, Z. S. Wu, Generating Private Synthetic Data with Genetic
// Algorithms, ICML 2023.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "blackbox/synthesizers.hpp"
#include "core/experiment.hpp"
#include "core/registry.hpp"

namespace klab::blackbox {

struct PgsdParams {
  std::vector<std::string> series;  // gsd, rap, mwem
  RealData data = RealData::Blobs;             // Categorical: categorical.hpp's table and marginals
  int dims = 2;                                // d attributes
  int marginal_k = 2;                          // k of the k-way marginals (categorical data)
  int marginals = 0;                           // M k-way marginals asked, drawn per run (categorical; 0: all)
  int real_size = 2000;                        // n: the sensitivity of every answer is 1/n
  QueryKind queries = QueryKind::Halfspace;    // real-valued data
  int query_count = 32;                        // m (real-valued data; categorical: pgsd_query_total)
  double bandwidth = 0.1;                      // h of the bump queries
  double eps_min = 0.1, eps_max = 10.0;        // the ε grid: eps_points log-spaced values
  int eps_points = 5;
  double delta = 1e-6;
  int rounds = 4, per_round = 8;               // T, K
  int synthetic_size = 100;                    // N rows (Private-GSD, RAP)
  int population = 20, elite = 4, generations = 400;  // Private-GSD: P, E, generations per round
  int gradient_steps = 75;                     // RAP: Adam steps per round
  double learning_rate = 0.01, slope = 100.0;   // RAP: Adam step, sigmoid slope s
  int grid = 32, sweeps = 30;                  // MWEM: g, sweeps per round
};

const std::vector<std::string>& pgsd_series_ids();
// m: query_count, or on categorical data every cell of every k-way marginal (as a double: d = 64, k = 3
// has millions; with `marginals` > 0 the asked workload is a random part of these).
double pgsd_query_total(const PgsdParams& p);
// Whether the run asks a random subset of the k-way marginals (then the error is also measured on all).
bool pgsd_marginal_subset(const PgsdParams& p);
// The largest categorical workload run (cells of all k-way marginals): its real answers cost m·n.
constexpr double kMaxMarginalCells = 20000.0;
// Whether MWEM's domain, g^d cells, is small enough to run (at most kMwemMaxCells).
bool pgsd_mwem_feasible(const PgsdParams& p);
// "MWEM not run: 32^8 ≈ 1.1e12 cells > 65536" (the reason shown by the figure and the view).
std::string pgsd_mwem_skip_reason(const PgsdParams& p);
std::vector<double> pgsd_eps_grid(const PgsdParams& p);

// What every method of a run sees: the real data, the queries and their real answers.
struct PrivateProblem {
  Rows real;                   // (n, d)
  std::vector<int> levels;     // (d) categories of each attribute; empty for real-valued data
  std::vector<Query> queries;  // (m) the asked workload
  std::vector<double> truth;   // (m) q_j(D)
  // A random subset of the marginals (pgsd_marginal_subset): the sets asked, and every cell of every
  // k-way marginal with its real answer, where the error is measured too. Empty otherwise.
  std::vector<std::vector<int>> asked_sets;  // (M, k)
  std::vector<Query> all_queries;            // (m_all)
  std::vector<double> all_truth;             // (m_all)
};
std::shared_ptr<const PrivateProblem> make_private_problem(const PgsdParams& p, uint64_t seed, uint32_t run);

// One method at one ε, unit by unit (the experiment's runs and the live view): a round starts with
// the release of K answers, then runs the method's fitting units (generations, Adam steps, sweeps).
class PrivateRun {
 public:
  PrivateRun(const PgsdParams& p, const std::string& series, double epsilon, size_t eps_index,
             std::shared_ptr<const PrivateProblem> problem, uint64_t seed, uint32_t run);
  void step();
  bool done() const { return round_ >= rounds_; }
  int units_per_round() const { return units_; }
  int units_total() const { return units_ * rounds_; }
  int units_done() const { return round_ * units_ + unit_; }
  double noise_sd() const { return budget_.noise_sd; }
  const Measurements& measurements() const { return measured_; }
  const Synthesizer& synthesizer() const { return *synth_; }
  // max_j and mean_j |q_j(D̂) − q_j(D)| over the m asked queries.
  void errors(double* max_error, double* mean_error) const;
  // The same over every cell of every k-way marginal (a random subset asked; problem.all_queries).
  void errors_on_all(double* max_error, double* mean_error) const;

 private:
  void release();

  std::shared_ptr<const PrivateProblem> problem_;
  std::unique_ptr<Synthesizer> synth_;
  ReleaseBudget budget_;
  int rounds_, per_round_, units_, n_;
  int round_ = 0, unit_ = 0;
  Rng mechanism_;
  Measurements measured_;
  std::vector<char> is_measured_;  // (m)
};

class PgsdExperiment final : public ExperimentOf<PgsdParams, PgsdExperiment> {
 public:
  PgsdExperiment();
  RunLayout layout() const override;
  void run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
};

// σ√(2/π) = E|N(0, σ²)|: the mean error of one released answer at ε (the figure's reference line).
double pgsd_noise_floor(const PgsdParams& p, double epsilon);
std::string pgsd_series_label(const std::string& id);

DemoInfo pgsd_demo();

}  // namespace klab::blackbox
